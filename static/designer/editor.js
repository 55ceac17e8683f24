// The editor page, enhanced where htmx cannot: the tab's draft key kept in the URL, which side
// was edited last (forms or YAML), opening the form a diagram node or finding links to, open
// sections kept across morph swaps, the Findings/YAML tabs and Copy YAML. The diagram
// (live_diagram.js), the YAML editor (yaml_editor.js) and the keyboard (shortcuts.js) are
// modules of their own; this file keeps morph swaps off what they drew. The server keeps the working copy (a draft per tab); without this file the page
// still works through full-page posts.
(function () {
  "use strict";

  const form = document.getElementById("editor-form");
  if (!form) return;
  const source = document.getElementById("editor-source");
  let pending = false; // typed, and the preview has not answered yet
  // Fields typed in since the forms were drawn: a preview sends these (and only these), so
  // that typing a value back to what it was reaches the draft too.
  const touched = new Set();

  // --- the tab's draft: its key in the URL, so reload and Back/Forward show the same draft ----
  if (form.dataset.tabUrl && window.location.search.indexOf("tab=") < 0) {
    history.replaceState(history.state, "", form.dataset.tabUrl + window.location.hash);
  }

  // --- morph swaps (idiomorph): the user's open sections stay open -------------------------
  // A live diagram and the YAML editor own what they put in the page: a swap gives the diagram
  // its new DOT (it redraws itself) and the textarea its new text (the editor follows), and
  // leaves the drawing, the CodeMirror view and the person's zoom in place.
  if (window.Idiomorph) {
    const callbacks = window.Idiomorph.defaults.callbacks;
    callbacks.beforeAttributeUpdated = function (name, node) {
      if (name === "open" && node.tagName === "DETAILS") return false;
      // The YAML editor hides the textarea it replaced from the tab order and assistive tools.
      return !(node.classList && node.classList.contains("yaml-editor-upgraded") && (name === "class" || name === "aria-hidden" || name === "tabindex"));
    };
    callbacks.beforeNodeMorphed = function (oldNode, newNode) {
      if (!(oldNode instanceof Element) || !(newNode instanceof Element)) return true;
      if (oldNode.hasAttribute("data-live-diagram")) {
        if (oldNode.dataset.dot !== newNode.dataset.dot) oldNode.dataset.dot = newNode.dataset.dot || "";
        return false;
      }
      if (oldNode.classList.contains("yaml-editor-upgraded")) {
        const text = newNode.value;
        Array.from(newNode.attributes).forEach(function (a) {
          if (!["class", "aria-hidden", "tabindex"].includes(a.name) && oldNode.getAttribute(a.name) !== a.value) oldNode.setAttribute(a.name, a.value);
        });
        if (oldNode.value !== text) {
          oldNode.value = text;
          const editor = window.PodDesigner && window.PodDesigner.yamlEditor && window.PodDesigner.yamlEditor.get(oldNode);
          if (editor) editor.refresh();
        }
        return false;
      }
      return true;
    };
    callbacks.beforeNodeRemoved = function (node) {
      return !(node instanceof Element && node.classList.contains("yaml-editor"));
    };
  }

  // --- forms or YAML: the server applies whichever the user edited last ----------------------
  function noteEdit(event) {
    const target = event.target;
    if (!(target instanceof Element) || target.closest(".no-preview")) return;
    if (target.closest("#yaml-panel")) source.value = "yaml";
    else if (target.closest("#form-panel")) {
      source.value = "form";
      if (target.name) touched.add(target.name);
    }
    pending = true;
  }
  form.addEventListener("input", noteEdit, true);
  form.addEventListener("change", noteEdit, true);
  // Typing a save message or a waiver's reason previews nothing: those events stop at the form
  // (a trigger filter in hx-trigger would need eval, which the Content-Security-Policy forbids).
  function quiet(event) {
    if (event.target instanceof Element && event.target.closest(".no-preview")) event.stopPropagation();
  }
  form.addEventListener("input", quiet, true);
  form.addEventListener("change", quiet, true);

  // Only what is not in the draft can be lost: typing the preview has not answered yet, and
  // YAML that does not load (the draft keeps the last valid version).
  let submitting = false;
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && (pending || document.querySelector("#yaml-error .field-error"))) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) pending = false;
  });

  // --- opening a form: diagram nodes and findings link to it (href="#form-..." / "#f-...") -----
  function reveal(element) {
    for (let node = element; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
  }

  // A large pod's container fields arrive when their section opens: focus waits for them.
  let pendingFocus = null;

  function openTarget(id, fieldId) {
    const target = document.getElementById(id);
    if (!target || !form.contains(target)) return false;
    reveal(target);
    let focus = target;
    if (target.tagName === "DETAILS") {
      if (target.querySelector(".lazy-fields")) {
        pendingFocus = { section: id, field: fieldId || "" };
        target.scrollIntoView({ block: "center" });
        return true;
      }
      const group = target.querySelector("details.field-group");
      if (group) group.open = true;
      focus = (fieldId && document.getElementById(fieldId)) || target.querySelector("input:not([type=hidden]), select, textarea") || target.querySelector("summary");
      if (fieldId) reveal(focus);
    }
    if (focus) {
      focus.focus();
      focus.scrollIntoView({ block: "center" });
    }
    return true;
  }

  function fragmentOf(link) {
    const href = link.getAttribute("href") || link.getAttributeNS("http://www.w3.org/1999/xlink", "href") || "";
    return href.charAt(0) === "#" ? decodeURIComponent(href.slice(1)) : "";
  }

  document.addEventListener("click", function (event) {
    const link = event.target instanceof Element ? event.target.closest("a") : null;
    if (!link) return;
    if (link.dataset.waive) {
      // A finding's "Waive…": the panel's one waiver form, with this finding chosen.
      const target = document.getElementById("waive-target");
      const waive = document.getElementById("waive");
      if (target && waive) {
        event.preventDefault();
        target.value = link.dataset.waive;
        waive.open = true;
        document.getElementById("waive-reason").focus();
      }
      return;
    }
    if (link.hasAttribute("data-yaml-line")) {
      // yaml_editor.js puts the cursor on the line, once the YAML tab shows.
      event.preventDefault();
      showTab("yaml", false);
      return;
    }
    const id = fragmentOf(link);
    if (id === "yaml-text") showTab("yaml", false);
    else if (id && openTarget(id)) event.preventDefault();
    else if (link.dataset.section && openTarget(link.dataset.section, link.dataset.field)) event.preventDefault();
  });

  // --- what a preview sends: only the fields typed in since the forms were drawn -------------
  // The draft holds the rest, and the server leaves every field it is not sent untouched.
  function unchanged(field) {
    if (touched.has(field.name)) return false;
    if (field.tagName === "SELECT") {
      return Array.from(field.options).every(function (o) { return o.selected === o.defaultSelected; });
    }
    return field.value === field.defaultValue;
  }
  document.body.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "form-panel") touched.clear();
  });
  // What the page draws although it is closed at first (a large pod's fields, the start/stop drawing).
  function shownFields() {
    const shown = Array.from(form.querySelectorAll("#form-panel [data-prefix]")).map(function (d) { return d.dataset.prefix; });
    if (document.querySelector("#lifecycle-drawing figure")) shown.push("lifecycle");
    return shown.join(",");
  }
  document.body.addEventListener("htmx:configRequest", function (event) {
    const data = event.detail.formData;
    if (!data || !form.contains(event.detail.elt) || event.detail.verb === "get") return;
    data.set("open", shownFields()); // a redrawn form keeps the fields that are open
    const yamlSide = source.value === "yaml";
    const findings = document.getElementById("findings-panel");
    if (findings && findings.dataset.digest) data.set("findings_digest", findings.dataset.digest);
    form.querySelectorAll("#form-panel input[name]:not([type=hidden]), #form-panel select[name]:not(#k8s-version):not(#pss), #form-panel textarea[name], #yaml-text").forEach(function (field) {
      const keep = field.id === "yaml-text" ? yamlSide : !yamlSide && !unchanged(field);
      if (!keep) data.delete(field.name);
    });
  });

  // --- after a swap: renamed items keep their ids, focus returns to the button pressed ---------
  let focusedAction = null;
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    const elt = event.detail.elt;
    focusedAction = elt && elt.tagName === "BUTTON" ? elt.value : null;
  });

  function followRenames() {
    form.querySelectorAll("#form-panel summary[data-section]").forEach(function (summary) {
      const details = summary.parentElement;
      const id = summary.dataset.section;
      if (details && details.tagName === "DETAILS" && details.id !== id && !document.getElementById(id)) details.id = id;
    });
  }

  document.body.addEventListener("htmx:afterSettle", function () {
    followRenames();
    const open = document.getElementById("editor-open");
    if (open) open.value = shownFields(); // a full post (Save) keeps them too
    if (pendingFocus && !document.querySelector("#" + CSS.escape(pendingFocus.section) + " .lazy-fields")) {
      const wanted = pendingFocus;
      pendingFocus = null;
      openTarget(wanted.section, wanted.field);
      return;
    }
    enhanceCopy();
    if (focusedAction !== null && (document.activeElement === document.body || !document.activeElement)) {
      const same = Array.from(form.querySelectorAll("button[name=action]")).find(function (b) { return b.value === focusedAction; });
      (same || document.getElementById("containers-heading") || form).focus();
    }
    focusedAction = null;
  });

  // --- Copy YAML ---------------------------------------------------------------------------
  function enhanceCopy() {
    const button = document.getElementById("copy-yaml");
    if (!button || !navigator.clipboard) return;
    button.hidden = false;
    button.onclick = function () {
      const area = document.querySelector(button.dataset.copy);
      navigator.clipboard.writeText(area ? area.value : "").then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy YAML"; }, 1500);
      });
    };
  }

  // --- Findings / YAML tabs (ARIA tabs: arrow keys move between them) ------------------------
  const side = document.getElementById("editor-side");
  const tabs = side ? Array.from(side.querySelectorAll("[role=tab]")) : [];
  function showTab(name, focus) {
    if (!side || !tabs.length) return;
    side.dataset.tab = name;
    tabs.forEach(function (tab) {
      const selected = tab.id === "tab-" + name;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      tab.tabIndex = selected ? 0 : -1;
      if (selected && focus) tab.focus();
    });
  }
  if (side && tabs.length) {
    side.classList.add("tabs-on");
    side.querySelector(".side-tabs").hidden = false;
    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () { showTab(tab.id.slice(4), false); });
      tab.addEventListener("keydown", function (event) {
        if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
        const next = tabs[(index + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
        showTab(next.id.slice(4), true);
      });
    });
  }

  enhanceCopy();
})();
