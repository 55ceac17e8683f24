// The editor page, enhanced where htmx cannot: the tab's draft key kept in the URL, which side
// was edited last (forms or YAML), opening the form a diagram node or finding links to, open
// sections kept across morph swaps, Ctrl+Z / Ctrl+Shift+Z, the Findings/YAML tabs, zoom and
// Copy YAML. The server keeps the working copy (a draft per tab); without this file the page
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
  if (window.Idiomorph) {
    window.Idiomorph.defaults.callbacks.beforeAttributeUpdated = function (name, node) {
      return !(name === "open" && node.tagName === "DETAILS");
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
    if (link.classList.contains("line-link")) {
      event.preventDefault();
      showTab("yaml", false);
      selectLine(Number(link.dataset.line));
      return;
    }
    const id = fragmentOf(link);
    if (id === "yaml-text") showTab("yaml", false);
    else if (id && openTarget(id)) event.preventDefault();
    else if (link.dataset.section && openTarget(link.dataset.section, link.dataset.field)) event.preventDefault();
  });

  function selectLine(line) {
    const area = document.getElementById("yaml-text");
    if (!area || !line) return;
    const lines = area.value.split("\n");
    let start = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
    area.focus();
    area.setSelectionRange(start, start + (lines[line - 1] || "").length);
    area.scrollTop = Math.max(0, (line - 5) * (area.scrollHeight / Math.max(lines.length, 1)));
  }

  // Links in the drawing are named by their tooltip ("main app"): a node link says what it opens,
  // and carries the SVG 2 href beside Graphviz's xlink:href (what assistive tools look for).
  function nameDiagramLinks() {
    document.querySelectorAll("#diagram-panel a").forEach(function (link) {
      if (link.hasAttribute("aria-label")) return;
      const target = link.getAttributeNS("http://www.w3.org/1999/xlink", "href");
      if (target && !link.hasAttribute("href")) link.setAttribute("href", target); // SVG 2 spelling
      const title = (link.getAttributeNS("http://www.w3.org/1999/xlink", "title") || link.getAttribute("title") || link.textContent || "").trim();
      if (title) link.setAttribute("aria-label", fragmentOf(link).indexOf("form-") === 0 ? "Edit " + title : title);
    });
  }

  // --- undo / redo from the keyboard, outside text fields --------------------------------------
  document.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.key.toLowerCase() !== "z") return;
    const target = event.target;
    if (target instanceof Element && target.closest("input, textarea, select, [contenteditable]")) return;
    const button = document.getElementById(event.shiftKey ? "redo-button" : "undo-button");
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
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
  function shownFields() {
    return Array.from(form.querySelectorAll("#form-panel .container-fields[data-prefix]")).map(function (d) { return d.dataset.prefix; }).join(",");
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
    nameDiagramLinks();
    const open = document.getElementById("editor-open");
    if (open) open.value = shownFields(); // a full post (Save) keeps them too
    if (pendingFocus && !document.querySelector("#" + CSS.escape(pendingFocus.section) + " .lazy-fields")) {
      const wanted = pendingFocus;
      pendingFocus = null;
      openTarget(wanted.section, wanted.field);
      return;
    }
    applyZoom();
    enhanceCopy();
    if (focusedAction !== null && (document.activeElement === document.body || !document.activeElement)) {
      const same = Array.from(form.querySelectorAll("button[name=action]")).find(function (b) { return b.value === focusedAction; });
      (same || document.getElementById("containers-heading") || form).focus();
    }
    focusedAction = null;
  });

  // --- diagram zoom: fitted to the panel, or at its real size (scrolls) ------------------------
  let actualSize = false;
  function applyZoom() {
    const zoom = document.getElementById("diagram-zoom");
    const side = document.getElementById("editor-side");
    if (!zoom || !side) return;
    zoom.hidden = false;
    side.classList.toggle("diagram-actual-size", actualSize);
    zoom.setAttribute("aria-pressed", actualSize ? "true" : "false");
    zoom.textContent = actualSize ? "Fit to panel" : "Actual size";
  }
  document.addEventListener("click", function (event) {
    if (event.target instanceof Element && event.target.closest("#diagram-zoom")) {
      actualSize = !actualSize;
      applyZoom();
    }
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

  nameDiagramLinks();
  applyZoom();
  enhanceCopy();
})();
