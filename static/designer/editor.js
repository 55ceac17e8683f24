// The editor page, enhanced: which side was edited last (forms or YAML), diagram nodes that open
// their form, finding links that focus their field, open sections kept across htmx swaps, a
// leave-page guard while changes are unsaved, and a Copy YAML button. Without this file the
// page still works through full-page posts.
(function () {
  "use strict";

  const form = document.getElementById("editor-form");
  if (!form) return;
  const source = document.getElementById("editor-source");
  const openState = new Map(); // details id -> open?
  let typedSinceAnswer = false;
  let submitting = false;

  function isDirty() {
    const status = document.getElementById("editor-status");
    return typedSinceAnswer || (status && status.dataset.dirty === "1");
  }

  // --- forms or YAML: the server applies whichever the user edited last ----------------------
  function noteEdit(event) {
    const target = event.target;
    if (!(target instanceof Element) || target.closest(".no-preview")) return;
    if (target.closest("#yaml-panel")) source.value = "yaml";
    else if (target.closest("#form-panel")) source.value = "form";
    typedSinceAnswer = true;
  }
  form.addEventListener("input", noteEdit, true);
  form.addEventListener("change", noteEdit, true);

  // --- leave-page guard -------------------------------------------------------------------
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && isDirty()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // --- opening a form: from a diagram node, a finding, a line link -------------------------
  function reveal(element) {
    for (let node = element; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
  }

  function openSection(sectionId, fieldId) {
    const section = document.getElementById(sectionId);
    if (!section) return false;
    section.open = true;
    let target = fieldId ? document.getElementById(fieldId) : null;
    if (!target) {
      const group = section.querySelector("details.field-group");
      if (group) group.open = true;
      target = section.querySelector("input:not([type=hidden]), select, textarea");
    }
    if (target) {
      reveal(target);
      target.focus();
      target.scrollIntoView({ block: "center" });
    } else {
      section.querySelector("summary").focus();
    }
    return true;
  }

  function sectionForNode(id) {
    const clean = id.replace(/^a_/, "");
    const match = /^(container|init|volume)-(.+)$/.exec(clean);
    if (!match) return null;
    if (match[1] === "init") return document.getElementById("form-init-" + match[2]) ? "form-init-" + match[2] : "form-container-" + match[2];
    return "form-" + match[1] + "-" + match[2];
  }

  function nodeOf(target) {
    return target instanceof Element ? target.closest("g[id^='container-'], g[id^='init-'], g[id^='volume-']") : null;
  }

  document.addEventListener("click", function (event) {
    const node = nodeOf(event.target);
    if (node && node.closest("#diagram-panel")) {
      const section = sectionForNode(node.id);
      if (section && openSection(section)) event.preventDefault();
      return;
    }
    const link = event.target instanceof Element ? event.target.closest("a.finding-link") : null;
    if (link && openSection(link.dataset.section, link.dataset.field)) {
      event.preventDefault();
      return;
    }
    const lineLink = event.target instanceof Element ? event.target.closest("a.line-link") : null;
    if (lineLink) {
      event.preventDefault();
      selectLine(Number(lineLink.dataset.line));
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") return;
    const node = nodeOf(event.target);
    if (node && node.closest("#diagram-panel")) {
      const section = sectionForNode(node.id);
      if (section && openSection(section)) event.preventDefault();
    }
  });

  function selectLine(line) {
    const area = document.getElementById("yaml-text");
    if (!area || !line) return;
    const lines = area.value.split("\n");
    let start = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
    const end = start + (lines[line - 1] || "").length;
    area.focus();
    area.setSelectionRange(start, end);
    const lineHeight = area.scrollHeight / Math.max(lines.length, 1);
    area.scrollTop = Math.max(0, (line - 5) * lineHeight);
  }

  // Diagram nodes are reachable with the keyboard too. Graphviz titles nodes with internal ids
  // ("c0", "v2"); the human name is the tooltip of the node's link ("main app", "volume data").
  const XLINK = "http://www.w3.org/1999/xlink";
  function linkTitle(link) {
    return link ? (link.getAttributeNS(XLINK, "title") || link.getAttribute("xlink:title") || "").trim() : "";
  }
  function enhanceDiagram() {
    document.querySelectorAll("#diagram-panel g[id^='container-'], #diagram-panel g[id^='init-'], #diagram-panel g[id^='volume-']").forEach(function (node) {
      if (!sectionForNode(node.id)) return;
      const name = linkTitle(node.querySelector("a")) || node.id.replace(/^(container|init|volume)-/, "$1 ");
      const title = node.querySelector(":scope > title");
      if (title) title.textContent = name; // the hover tooltip, and what SVG names the group by
      node.setAttribute("tabindex", "0");
      node.setAttribute("role", "button");
      node.setAttribute("aria-label", "Edit " + name);
    });
    // Links inside the drawing (a port, ...) are focusable: name each by its tooltip.
    document.querySelectorAll("#diagram-panel a").forEach(function (link) {
      if (link.hasAttribute("aria-label")) return;
      const name = linkTitle(link) || link.textContent.trim();
      if (name) link.setAttribute("aria-label", name);
    });
  }

  // --- diagram zoom: fitted to the panel, or at its real size (scrolls) ------------------------
  // Delegated and re-applied after each swap, since htmx may redraw the side panel.
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
  document.body.addEventListener("htmx:afterSettle", applyZoom);
  applyZoom();

  // --- htmx: keep open sections and focus across swaps; note the answer ------------------------
  document.addEventListener("toggle", function (event) {
    const details = event.target;
    if (details.tagName === "DETAILS" && details.id) openState.set(details.id, details.open);
  }, true);

  let focusedAction = null;
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    const elt = event.detail.elt;
    focusedAction = elt && elt.tagName === "BUTTON" ? elt.value : null;
  });

  // A container or volume renamed in its form gets a new head (summary and buttons) from the
  // preview; its section takes the id the diagram and the findings now link to.
  function followRenames() {
    form.querySelectorAll("#form-panel summary[data-section]").forEach(function (summary) {
      const details = summary.parentElement;
      const id = summary.dataset.section;
      if (!details || details.tagName !== "DETAILS" || details.id === id || document.getElementById(id)) return;
      if (openState.has(details.id)) openState.set(id, openState.get(details.id));
      details.id = id;
    });
  }

  document.body.addEventListener("htmx:afterSettle", function () {
    followRenames();
    openState.forEach(function (open, id) {
      const details = document.getElementById(id);
      if (details && details.tagName === "DETAILS") details.open = open;
    });
    enhanceDiagram();
    enhanceCopy();
    if (focusedAction !== null && (document.activeElement === document.body || !document.activeElement)) {
      const same = Array.from(form.querySelectorAll("button[name=action]")).find(function (b) { return b.value === focusedAction; });
      (same || document.getElementById("containers-heading") || form).focus();
    }
    focusedAction = null;
  });

  // Send only what changed since the forms were drawn: the working copy carries the rest, and
  // the server leaves every field it is not sent untouched. A 12-container pod has ~1000 fields.
  function unchanged(field) {
    if (field.tagName === "SELECT") {
      return Array.from(field.options).every(function (o) { return o.selected === o.defaultSelected; });
    }
    return field.value === field.defaultValue;
  }
  document.body.addEventListener("htmx:configRequest", function (event) {
    const data = event.detail.formData;
    if (!data || !form.contains(event.detail.elt)) return;
    const yamlSide = source.value === "yaml";
    const findings = document.getElementById("findings-panel");
    if (findings && findings.dataset.digest) data.set("findings_digest", findings.dataset.digest);
    form.querySelectorAll("#form-panel input[name]:not([type=hidden]), #form-panel select[name]:not(#k8s-version), #form-panel textarea[name], #yaml-text").forEach(function (field) {
      const keep = field.id === "yaml-text" ? yamlSide : !yamlSide && !unchanged(field);
      if (!keep) data.delete(field.name);
    });
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) typedSinceAnswer = false;
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
    // Links into the YAML (a finding's line, "edit it in YAML") switch to the YAML tab first.
    document.addEventListener("click", function (event) {
      const link = event.target instanceof Element ? event.target.closest("a[href='#yaml-text']") : null;
      if (link) showTab("yaml", false);
    }, true);
  }

  enhanceDiagram();
  enhanceCopy();
})();
