// The YAML editor: a <textarea data-yaml-editor> becomes CodeMirror 6 (vendor/codemirror, window.CM)
// with YAML highlighting, line numbers, folding, search, bracket matching, the server's findings as
// inline diagnostics, completion of field names and enum values and hover text from the target
// version's schema. The textarea stays the form field that posts (kept in sync, with an "input"
// event on each change) and the page without JavaScript.
//
//   <textarea id="yaml-text" name="yaml_text" data-yaml-editor
//             data-schema-url="/schemas/1.33.json"
//             data-findings='[{"line": 3, "column": 5, "severity": "error", "message": "...", "rule": "..."}]'
//             data-yaml-error='{"line": 7, "column": 1, "message": "..."}'>...</textarea>
//
// or, so that a preview answer need not replace the textarea, data-findings-from="yaml-error findings-panel"
// naming elements that hold them: <script type="application/json"> with {"findings": [...],
// "yaml_error": ...}, or HTML marked with data-diagnostic (see fromElements).
//
// data-findings / data-yaml-error may change later (a morph): the diagnostics follow. A click on
// an element with data-yaml-line (and data-yaml-column) puts the cursor there. The page's CSP
// nonce (<meta name="csp-nonce">) lets CodeMirror add its styles under a CSP without
// 'unsafe-inline'.
(function () {
  "use strict";

  const CM = window.CM;
  const handles = new Map(); // wrapper element -> handle
  const schemas = new Map(); // url -> Promise<schema|null>
  const SEVERITY = { error: "error", warning: "warning", info: "info", hint: "hint" };

  // --- the schema: where the cursor is in the document, and what may go there --------------------
  function loadSchema(url) {
    if (!url) return Promise.resolve(null);
    if (!schemas.has(url)) {
      schemas.set(url, fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; }));
    }
    return schemas.get(url);
  }

  // One line of block YAML: the columns of its "- " markers, and the key it starts (if any).
  function parseLine(text) {
    let i = 0;
    while (text[i] === " ") i++;
    const dashes = [];
    while (text[i] === "-" && (text[i + 1] === " " || i + 1 === text.length)) {
      dashes.push(i);
      i++;
      while (text[i] === " ") i++;
    }
    const content = text.slice(i);
    const blank = !content || content[0] === "#";
    const match = /^("[^"]*"|'[^']*'|[^\s:#'"][^:#]*?)\s*:(?=\s|$)/.exec(content);
    return {
      blank: blank && dashes.length === 0,
      dashes: dashes,
      keyCol: i,
      key: match ? unquote(match[1]) : null,
      rest: match ? content.slice(match[0].length).trim() : content,
    };
  }

  function unquote(text) {
    return /^(["']).*\1$/.test(text) ? text.slice(1, -1) : text;
  }

  function opensBlock(rest) {
    return rest === "" || rest[0] === "#" || /^&\S+\s*$/.test(rest);
  }

  // The keys from the root down to the mapping that holds column `col` of line `index` (0-based).
  function parents(lineAt, index, col) {
    const path = [];
    let indent = col;
    let inSequence = false;
    const current = parseLine(lineAt(index));
    if (current.dashes.length && current.dashes[0] < col) {
      indent = current.dashes[0];
      inSequence = true;
    }
    for (let i = index - 1; i >= 0 && (indent > 0 || inSequence); i--) {
      const line = parseLine(lineAt(i));
      if (line.blank || (line.key === null && !line.dashes.length)) continue;
      const first = line.dashes.length ? line.dashes[0] : line.keyCol;
      if (line.key !== null && opensBlock(line.rest) && (line.keyCol < indent || (inSequence && !line.dashes.length && line.keyCol === indent))) {
        path.unshift(line.key);
        indent = line.dashes.length ? line.dashes[0] : line.keyCol;
        inSequence = line.dashes.length > 0;
      } else if (line.dashes.length && first < indent) {
        indent = first; // a sibling in the same list item: its list's key is further up
        inSequence = true;
      } else if (line.dashes.length && first === indent && inSequence) {
        continue; // an earlier item of the same list
      }
    }
    return path;
  }

  function kindOf(text) {
    const match = /^kind:\s*["']?([A-Za-z]+)/m.exec(text);
    return match ? match[1] : "Pod";
  }

  // The type name at a path of keys, or null (a scalar, or not in the schema).
  function typeAt(schema, kind, path) {
    let type = schema.kinds[kind] || schema.kinds.Pod;
    let mapValue = false;
    for (const key of path) {
      if (mapValue) { mapValue = false; continue; } // a map's own keys are free text
      const fields = schema.types[type];
      const field = fields && fields[key];
      if (!field) return null;
      if (field.map) { type = field.map; mapValue = true; continue; }
      type = field.type || field.list || null;
      if (!type) return null;
    }
    return mapValue ? null : type;
  }

  function fieldAt(schema, kind, path, key) {
    const type = typeAt(schema, kind, path);
    const fields = type && schema.types[type];
    return fields && Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : null;
  }

  function describe(field) {
    if (field.list) return "list of " + field.list.replace(/^.*\./, "");
    if (field.map) return "map of " + field.map.replace(/^.*\./, "");
    if (field.type) return field.type.replace(/^.*\./, "");
    return field.scalar || "";
  }

  function completionSource(handle) {
    return function (context) {
      const schema = handle.schema;
      if (!schema) return null;
      const state = context.state;
      const line = state.doc.lineAt(context.pos);
      const before = line.text.slice(0, context.pos - line.from);
      const lineAt = function (i) { return state.doc.line(i + 1).text; };
      const kind = kindOf(state.doc.toString());
      const value = /^(\s*(?:-\s+)*)("[^"]*"|'[^']*'|[^\s:#'"][^:#]*?)\s*:\s+["']?([\w.-]*)$/.exec(before);
      if (value) {
        const path = parents(lineAt, line.number - 1, value[1].length);
        const field = fieldAt(schema, kind, path, unquote(value[2]));
        if (!field || !field.enum) return null;
        return {
          from: context.pos - value[3].length,
          options: field.enum.map(function (v) { return { label: v, type: "enum", info: field.doc }; }),
          validFor: /^[\w.-]*$/,
        };
      }
      const key = /^(\s*(?:-\s+)*)([\w.-]*)$/.exec(before);
      if (!key || (!context.explicit && key[2] === "")) return null;
      const path = parents(lineAt, line.number - 1, key[1].length);
      const type = typeAt(schema, kind, path);
      const fields = type && schema.types[type];
      if (!fields) return null;
      return {
        from: context.pos - key[2].length,
        options: Object.keys(fields).map(function (name) {
          const field = fields[name];
          return {
            label: name,
            type: "property",
            detail: describe(field),
            info: field.doc,
            apply: field.scalar ? name + ": " : name + ":",
          };
        }),
        validFor: /^[\w.-]*$/,
      };
    };
  }

  function hover(handle) {
    return CM.hoverTooltip(function (view, pos) {
      const schema = handle.schema;
      if (!schema) return null;
      const line = view.state.doc.lineAt(pos);
      const parsed = parseLine(line.text);
      if (parsed.key === null) return null;
      const start = line.from + parsed.keyCol;
      const end = start + line.text.slice(parsed.keyCol).indexOf(":");
      if (pos < start || pos > end) return null;
      const lineAt = function (i) { return view.state.doc.line(i + 1).text; };
      const path = parents(lineAt, line.number - 1, parsed.keyCol);
      const field = fieldAt(schema, kindOf(view.state.doc.toString()), path, parsed.key);
      if (!field) return null;
      return {
        pos: start,
        end: end,
        above: true,
        create: function () {
          const dom = document.createElement("div");
          dom.className = "yaml-hover";
          const title = document.createElement("strong");
          title.textContent = parsed.key + " \u2014 " + describe(field) + (field.enum ? " (" + field.enum.join(", ") + ")" : "");
          dom.append(title, document.createTextNode(field.doc || ""));
          return { dom: dom };
        },
      };
    });
  }

  // --- findings as diagnostics ---------------------------------------------------------------------
  function readJSON(text, fallback) {
    if (!text) return fallback;
    try { return JSON.parse(text); } catch (_) { return fallback; }
  }

  // From the textarea's attributes, or from other elements (data-findings-from: their ids, space
  // separated), which a preview answer can swap on its own without touching the textarea the
  // person is typing into. Such an element is either JSON ({"findings": [...], "yaml_error":
  // {...}}) or HTML whose [data-diagnostic="<severity>"] elements are the findings, each with
  // data-rule, its line and column in data-yaml-line / data-line (on itself or a descendant) and
  // its message in a [data-diagnostic-message] descendant, else its first link: the findings
  // panel, shown once.
  function fromElements(ids) {
    const found = { findings: [], error: null };
    ids.split(/\s+/).forEach(function (id) {
      const source = id ? document.getElementById(id) : null;
      if (!source) return;
      if (source.tagName === "SCRIPT") {
        const data = readJSON(source.textContent, {}) || {};
        found.findings = found.findings.concat(data.findings || []);
        found.error = found.error || data.yaml_error || null;
        return;
      }
      source.querySelectorAll("[data-diagnostic]").forEach(function (el) {
        const at = el.matches("[data-yaml-line], [data-line]") ? el : el.querySelector("[data-yaml-line], [data-line]");
        const message = el.querySelector("[data-diagnostic-message]") || el.querySelector("a") || el;
        const item = {
          line: at ? at.dataset.yamlLine || at.dataset.line : "",
          column: at ? at.dataset.yamlColumn || at.dataset.column : "",
          severity: el.dataset.diagnostic,
          message: message.textContent.trim(),
          rule: el.dataset.rule || "",
        };
        if (item.rule === "YAML") found.error = found.error || item;
        else found.findings.push(item);
      });
    });
    // While the text does not load, the findings describe the last version that did: their lines
    // are not this text's, so only the error shows.
    if (found.error) found.findings = [];
    return found;
  }

  function reported(textarea) {
    if (textarea.dataset.findingsFrom) return fromElements(textarea.dataset.findingsFrom);
    return { findings: readJSON(textarea.dataset.findings, []), error: readJSON(textarea.dataset.yamlError, null) };
  }

  function diagnostics(doc, textarea) {
    const found = reported(textarea);
    const findings = found.findings;
    const error = found.error;
    const all = Array.isArray(findings) ? findings.slice() : [];
    if (error && error.line) all.push({ line: error.line, column: error.column, severity: "error", message: error.message, rule: "YAML" });
    return all.filter(function (f) { return f && Number(f.line) > 0; }).map(function (f) {
      const line = doc.line(Math.min(Number(f.line), doc.lines));
      const from = line.from + Math.max(0, Math.min(Number(f.column || 1) - 1, line.length));
      // To the end of the word there ("image", "nginx:1.27"), a key without its colon.
      const token = /^[^\s,\]}#]+/.exec(line.text.slice(from - line.from));
      const to = token ? from + token[0].replace(/:$/, "").length : line.to;
      return {
        from: from,
        to: Math.max(from, to),
        severity: SEVERITY[f.severity] || "info",
        message: String(f.message || ""),
        source: f.rule ? String(f.rule) : undefined,
      };
    });
  }

  // --- one editor ------------------------------------------------------------------------------------
  function nonce() {
    const meta = document.querySelector('meta[name="csp-nonce"]');
    return meta ? meta.content : "";
  }

  function labelOf(textarea) {
    if (textarea.getAttribute("aria-label")) return textarea.getAttribute("aria-label");
    const label = textarea.labels && textarea.labels[0];
    return label ? label.textContent.trim() : "YAML";
  }

  function upgrade(textarea) {
    if (textarea.classList.contains("yaml-editor-upgraded")) return handleOf(textarea);
    // A swap that replaced only the textarea: the editor beside it carries on with the new one.
    const beside = textarea.nextElementSibling;
    if (beside && handles.has(beside) && !handles.get(beside).textarea.isConnected) {
      const handle = handles.get(beside);
      bind(handle, textarea);
      handle.refresh();
      return handle;
    }
    const wrapper = document.createElement("div");
    wrapper.className = "yaml-editor";
    const handle = { wrapper: wrapper, textarea: null, schema: null, applying: false };
    const readOnly = textarea.readOnly || textarea.disabled;
    const extensions = [
      CM.lineNumbers(),
      CM.foldGutter(),
      CM.highlightSpecialChars(),
      CM.history(),
      CM.drawSelection(),
      CM.indentOnInput(),
      CM.syntaxHighlighting(CM.defaultHighlightStyle, { fallback: true }),
      CM.bracketMatching(),
      CM.closeBrackets(),
      CM.highlightActiveLine(),
      CM.highlightActiveLineGutter(),
      CM.highlightSelectionMatches(),
      CM.indentUnit.of("  "),
      CM.yaml(),
      CM.lintGutter(),
      CM.autocompletion({ override: [completionSource(handle)], activateOnTyping: true }),
      hover(handle),
      CM.keymap.of([].concat(CM.closeBracketsKeymap, CM.defaultKeymap, CM.searchKeymap, CM.historyKeymap, CM.foldKeymap, CM.completionKeymap, CM.lintKeymap, [CM.indentWithTab])),
      CM.EditorView.contentAttributes.of({ "aria-label": labelOf(textarea) }),
      CM.EditorView.updateListener.of(function (update) {
        if (!update.docChanged || handle.applying) return;
        handle.textarea.value = update.state.doc.toString();
        handle.textarea.dispatchEvent(new Event("input", { bubbles: true }));
      }),
      CM.EditorState.readOnly.of(readOnly),
      CM.EditorView.editable.of(!readOnly),
    ];
    const cspNonce = nonce();
    if (cspNonce) extensions.push(CM.EditorView.cspNonce.of(cspNonce));
    handle.view = new CM.EditorView({
      state: CM.EditorState.create({ doc: textarea.value, extensions: extensions }),
      parent: wrapper,
    });
    textarea.after(wrapper);
    handles.set(wrapper, handle);
    handle.refresh = function () { refresh(handle); };
    handle.goToLine = function (line, column) { goToLine(handle, line, column); };
    handle.setText = function (text) { setText(handle, text); };
    bind(handle, textarea);
    showDiagnostics(handle);
    return handle;
  }

  function bind(handle, textarea) {
    if (handle.observer) handle.observer.disconnect();
    handle.textarea = textarea;
    textarea.classList.add("yaml-editor-upgraded");
    textarea.setAttribute("aria-hidden", "true");
    textarea.tabIndex = -1;
    handle.observer = new MutationObserver(function () { refresh(handle); });
    handle.observer.observe(textarea, { attributes: true, attributeFilter: ["data-findings", "data-yaml-error", "data-schema-url"], childList: true, characterData: true, subtree: true });
    const url = textarea.dataset.schemaUrl;
    if (url !== handle.schemaUrl) {
      handle.schemaUrl = url;
      loadSchema(url).then(function (schema) { if (handle.schemaUrl === url) handle.schema = schema; });
    }
  }

  function handleOf(textarea) {
    for (const handle of handles.values()) if (handle.textarea === textarea) return handle;
    return null;
  }

  // The server's text wins unless the person is typing in the editor right now.
  function refresh(handle) {
    const textarea = handle.textarea;
    if (textarea.dataset.schemaUrl !== handle.schemaUrl) bind(handle, textarea);
    const text = textarea.value;
    if (text !== handle.view.state.doc.toString() && !handle.view.hasFocus) setText(handle, text);
    showDiagnostics(handle);
  }

  function setText(handle, text) {
    const view = handle.view;
    const head = Math.min(view.state.selection.main.head, text.length);
    handle.applying = true;
    try {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: head } });
    } finally {
      handle.applying = false;
    }
    handle.textarea.value = text;
  }

  function showDiagnostics(handle) {
    const view = handle.view;
    view.dispatch(CM.setDiagnostics(view.state, diagnostics(view.state.doc, handle.textarea)));
  }

  function goToLine(handle, line, column) {
    const view = handle.view;
    const doc = view.state.doc;
    const target = doc.line(Math.max(1, Math.min(Number(line) || 1, doc.lines)));
    const pos = target.from + Math.max(0, Math.min((Number(column) || 1) - 1, target.length));
    view.dispatch({ selection: { anchor: pos }, effects: CM.EditorView.scrollIntoView(pos, { y: "center" }) });
    view.focus();
  }

  // --- the page ---------------------------------------------------------------------------------------
  function scan(root) {
    const scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("textarea[data-yaml-editor]")) upgrade(scope);
    scope.querySelectorAll("textarea[data-yaml-editor]").forEach(upgrade);
  }

  function first() {
    for (const handle of handles.values()) if (handle.textarea.isConnected) return handle;
    return null;
  }

  document.addEventListener("click", function (event) {
    const link = event.target instanceof Element ? event.target.closest("[data-yaml-line]") : null;
    const handle = link && first();
    if (!handle) return;
    event.preventDefault();
    // After the page's own handlers (a tab switch to the YAML panel) have run.
    requestAnimationFrame(function () { handle.goToLine(link.dataset.yamlLine, link.dataset.yamlColumn); });
  });

  function start() {
    scan(document);
    new MutationObserver(function (records) {
      const sources = new Set();
      records.forEach(function (record) {
        const target = record.target instanceof Element ? record.target : record.target.parentElement;
        if (target && target.closest(".cm-editor")) return; // the editor's own typing
        record.addedNodes.forEach(function (node) {
          if (node instanceof Element) scan(node);
        });
        for (let el = target; el; el = el.parentElement) if (el.id) sources.add(el.id);
        record.addedNodes.forEach(function (node) { if (node instanceof Element && node.id) sources.add(node.id); });
      });
      // A swapped findings element: the diagnostics follow.
      for (const handle of handles.values()) {
        const from = handle.textarea.dataset.findingsFrom;
        if (from && from.split(/\s+/).some(function (id) { return sources.has(id); })) showDiagnostics(handle);
      }
      // Editors whose textarea left the page go with it.
      for (const [wrapper, handle] of handles) {
        if (!wrapper.isConnected) { handle.observer.disconnect(); handle.view.destroy(); handles.delete(wrapper); }
      }
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  }

  window.PodDesigner = window.PodDesigner || {};
  window.PodDesigner.yamlEditor = {
    upgrade: upgrade,
    scan: scan,
    get: function (textarea) { return textarea ? handleOf(textarea) : first(); },
    goToLine: function (line, column) { const h = first(); if (h) h.goToLine(line, column); },
    // For tests and the editor: what the schema says is at a line and column.
    pathAt: function (text, line, column) {
      const lines = text.split("\n");
      return parents(function (i) { return lines[i]; }, line - 1, column - 1);
    },
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
