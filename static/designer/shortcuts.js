// Keyboard shortcuts of the editor page:
//   Ctrl+S (⌘S)        asks for the save message, then saves ([data-shortcut-save], the save button)
//   Enter              in the message field ([data-save-message]) saves
//   Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y)  outside text fields: the draft's undo / redo ([data-undo], [data-redo])
//   ?                  outside text fields: lists the shortcuts
// Buttons are clicked as a person would, so htmx and the page's own handlers see the same thing.
(function () {
  "use strict";

  const SHORTCUTS = [
    ["Ctrl+S", "save (asks for a message first)"],
    ["Enter", "in the message field: save"],
    ["Ctrl+Z", "undo the last draft step (outside text fields)"],
    ["Ctrl+Shift+Z", "redo (outside text fields; Ctrl+Y too)"],
    ["?", "this list"],
    ["Ctrl+F", "in the YAML editor: search"],
    ["Ctrl+Space", "in the YAML editor: complete a field name or value"],
    ["+ / \u2212 / 0 / 1 / arrows", "on the diagram: zoom in, out, fit, actual size, pan"],
    ["Esc", "close a dialog; in the YAML editor, then Tab, leaves it"],
  ];

  function isTextField(element) {
    if (!(element instanceof Element)) return false;
    if (element.closest(".cm-editor, [contenteditable=''], [contenteditable='true']")) return true;
    if (element.tagName === "TEXTAREA" || element.tagName === "SELECT") return true;
    if (element.tagName !== "INPUT") return false;
    return !["button", "checkbox", "radio", "submit", "reset", "file", "image", "range", "color"].includes(element.type);
  }

  function saveButton() {
    const button = document.querySelector("[data-shortcut-save]");
    return button && !button.disabled ? button : null;
  }

  function save(button) {
    const form = button.form || button.closest("form");
    if (form) form.requestSubmit(button);
    else button.click();
  }

  // --- dialogs, built here: the page has no markup for them ------------------------------------
  function dialog(className, title) {
    const element = document.createElement("dialog");
    element.className = className;
    element.setAttribute("aria-labelledby", className + "-title");
    const article = document.createElement("article");
    const heading = document.createElement("h2");
    heading.id = className + "-title";
    heading.textContent = title;
    article.append(heading);
    element.append(article);
    element.addEventListener("close", function () { element.remove(); });
    document.body.append(element);
    return { element: element, body: article };
  }

  function askAndSave() {
    const button = saveButton();
    if (!button || document.querySelector("dialog.save-dialog")) return;
    const field = document.querySelector("[data-save-message]");
    const d = dialog("save-dialog", "Save");
    const form = document.createElement("form");
    form.method = "dialog";
    const label = document.createElement("label");
    label.textContent = "Message for this version";
    const input = document.createElement("input");
    input.type = "text";
    input.name = "message";
    input.autocomplete = "off";
    input.value = field ? field.value : "";
    input.placeholder = field && field.placeholder ? field.placeholder : "what changed and why";
    if (field && field.maxLength > 0) input.maxLength = field.maxLength;
    label.append(input);
    const footer = document.createElement("footer");
    const ok = document.createElement("button");
    ok.type = "submit";
    ok.value = "save";
    ok.textContent = "Save";
    const cancel = document.createElement("button");
    cancel.type = "submit";
    cancel.value = "cancel";
    cancel.className = "secondary";
    cancel.textContent = "Cancel";
    footer.append(ok, cancel); // Save first: Enter in the message submits with it
    form.append(label, footer);
    d.body.append(form);
    d.element.addEventListener("close", function () {
      if (d.element.returnValue !== "save") return;
      if (field) {
        field.value = input.value;
        field.dispatchEvent(new Event("input", { bubbles: true }));
      }
      save(button);
    });
    d.element.showModal();
    input.focus();
    input.select();
  }

  function showShortcuts() {
    const open = document.querySelector("dialog.shortcuts-dialog");
    if (open) { open.close(); return; }
    const d = dialog("shortcuts-dialog", "Keyboard shortcuts");
    const list = document.createElement("dl");
    SHORTCUTS.forEach(function (entry) {
      const dt = document.createElement("dt");
      entry[0].split(" / ").forEach(function (key, i) {
        if (i) dt.append(" / ");
        const kbd = document.createElement("kbd");
        kbd.textContent = key;
        dt.append(kbd);
      });
      const dd = document.createElement("dd");
      dd.textContent = entry[1];
      list.append(dt, dd);
    });
    const form = document.createElement("form");
    form.method = "dialog";
    const close = document.createElement("button");
    close.textContent = "Close";
    form.append(close);
    d.body.append(list, form);
    d.element.showModal();
    close.focus();
  }

  function clickIfPresent(selector) {
    const button = document.querySelector(selector);
    if (!button || button.disabled || button.getAttribute("aria-disabled") === "true") return false;
    button.click();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    if (mod && !event.altKey && key === "s") {
      event.preventDefault(); // never the browser's "save page"
      askAndSave();
      return;
    }
    if (event.key === "Enter" && !mod && !event.shiftKey && event.target instanceof Element && event.target.matches("[data-save-message]")) {
      const button = saveButton();
      if (button) {
        event.preventDefault();
        save(button);
      }
      return;
    }
    if (isTextField(event.target) || document.querySelector("dialog[open]")) return;
    if (mod && !event.altKey && ((key === "z" && event.shiftKey) || (key === "y" && !event.shiftKey))) {
      if (clickIfPresent("[data-redo]")) event.preventDefault();
    } else if (mod && !event.altKey && key === "z") {
      if (clickIfPresent("[data-undo]")) event.preventDefault();
    } else if (event.key === "?" && !mod && !event.altKey) {
      event.preventDefault();
      showShortcuts();
    }
  }, true);

  window.PodDesigner = window.PodDesigner || {};
  window.PodDesigner.shortcuts = { list: SHORTCUTS, showShortcuts: showShortcuts, askAndSave: askAndSave };
})();
