// The live diagram: the server sends the pod's DOT (data-dot), the browser lays it out with
// Graphviz in WebAssembly (vendor/viz), keeps only allowlisted SVG (vendor/dompurify, its SVG
// profile; links only to "#..."), and shows it with zoom and pan (vendor/svg-pan-zoom).
//
//   <figure class="live-diagram" data-live-diagram data-dot="digraph {...}"></figure>
//
// Every such element is drawn on load and again whenever its data-dot changes or a new one
// enters the page (an htmx swap or a morph); the script owns the element's children. Container,
// init container and volume nodes become links to their forms (#form-container-<name>, ...):
// a click dispatches a cancelable "diagram-node" event (detail: id, kind, name, target) and,
// unless cancelled, opens the target's <details> and follows the link. A failed layout shows
// a message, with the last good drawing (if any) left in place, never a blank panel.
(function () {
  "use strict";

  const NODE_ID = /^(container|init|volume)-(.+)$/;
  const SCALE_STEP = 1.25;
  const PAN_STEP = 60;
  const PT_TO_PX = 4 / 3; // graphviz measures in points; "100%" is the drawing at its own size

  const purifier = window.DOMPurify(window);
  purifier.addHook("uponSanitizeAttribute", function (_node, data) {
    const name = data.attrName.toLowerCase();
    if ((name === "href" || name === "xlink:href") && !String(data.attrValue).trim().startsWith("#")) {
      data.keepAttr = false;
    }
  });
  const PURIFY = {
    USE_PROFILES: { svg: true },
    FORBID_TAGS: ["style", "foreignObject", "image", "use", "script", "set", "animate", "animateMotion", "animateTransform", "feImage"],
    FORBID_ATTR: ["style"],
    RETURN_DOM_FRAGMENT: true,
  };

  let vizPromise = null;
  function viz() {
    if (!vizPromise) vizPromise = window.Viz.instance();
    return vizPromise;
  }

  const states = new WeakMap(); // element -> {dot, panZoom, userZoomed, legendHidden, ...}
  const lastById = new Map(); // element id -> its last state, for an element a swap replaced

  // An htmx swap puts a new element with the same id in place of the old one: the person's zoom,
  // pan and legend choice carry over to it.
  function adopt(element) {
    const old = element.id ? lastById.get(element.id) : null;
    const state = { userZoomed: false, legendHidden: false };
    if (old && !old.element.isConnected) {
      state.legendHidden = old.legendHidden;
      state.userZoomed = old.userZoomed;
      state.carried = old.panZoom ? { zoom: old.panZoom.getZoom(), pan: old.panZoom.getPan() } : null;
      state.before = old.positions;
    }
    if (element.id) lastById.set(element.id, state);
    state.element = element;
    return state;
  }

  // --- the element's own parts: toolbar, viewport, message ------------------------------------
  function button(label, action, title) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "secondary outline";
    b.textContent = label;
    b.dataset.zoom = action;
    b.setAttribute("aria-label", title);
    b.title = title;
    return b;
  }

  function scaffold(element) {
    let viewport = element.querySelector(":scope > .live-diagram-viewport");
    if (viewport) return viewport;
    element.replaceChildren();
    const bar = document.createElement("div");
    bar.className = "live-diagram-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Diagram view");
    bar.append(
      button("\u2212", "out", "Zoom out (\u2212)"),
      button("+", "in", "Zoom in (+)"),
      button("Fit", "fit", "Fit to the panel (0)"),
      button("100%", "actual", "Actual size (1)"),
    );
    const legend = button("Legend", "legend", "Show or hide the legend");
    legend.setAttribute("aria-expanded", "true");
    bar.append(legend);
    const scale = document.createElement("output");
    scale.className = "live-diagram-scale";
    scale.setAttribute("aria-live", "polite");
    bar.append(scale);
    viewport = document.createElement("div");
    viewport.className = "live-diagram-viewport";
    viewport.tabIndex = 0;
    viewport.setAttribute("role", "group");
    viewport.setAttribute("aria-label", "Pod diagram: drag or arrow keys to pan, + and \u2212 to zoom, 0 to fit");
    const message = document.createElement("p");
    message.className = "live-diagram-message";
    message.setAttribute("role", "alert");
    message.hidden = true;
    element.append(bar, message, viewport);
    bar.addEventListener("click", function (event) {
      const target = event.target instanceof Element ? event.target.closest("button[data-zoom]") : null;
      if (target) act(element, target.dataset.zoom);
    });
    viewport.addEventListener("keydown", function (event) { onKey(element, event); });
    return viewport;
  }

  function showMessage(element, text) {
    const message = element.querySelector(":scope > .live-diagram-message");
    if (!message) return;
    message.textContent = text || "";
    message.hidden = !text;
    element.classList.toggle("live-diagram-failed", Boolean(text));
  }

  // --- layout --------------------------------------------------------------------------------
  async function draw(element) {
    const dot = element.dataset.dot || "";
    const state = states.get(element) || adopt(element);
    states.set(element, state);
    const viewport = scaffold(element);
    if (state.dot === dot && (state.busy || viewport.querySelector("svg"))) return;
    state.dot = dot;
    state.busy = true;
    element.setAttribute("aria-busy", "true");
    try {
      await layout(element, state, viewport, dot);
    } finally {
      state.busy = false;
      element.removeAttribute("aria-busy");
    }
  }

  async function layout(element, state, viewport, dot) {
    let svg = null;
    try {
      const instance = await viz();
      if (element.dataset.dot !== dot) return; // a newer text arrived while the engine loaded
      const result = instance.render(dot, { format: "svg" });
      if (result.status !== "success") {
        const errors = (result.errors || []).map(function (e) { return e.message.trim(); }).filter(Boolean);
        throw new Error(errors.join(" ") || "the layout engine gave no drawing");
      }
      svg = clean(result.output);
    } catch (error) {
      state.dot = null; // the same text again is tried again
      showMessage(element, "The diagram could not be drawn: " + (error && error.message ? error.message : error));
      if (!viewport.querySelector("svg")) viewport.classList.add("live-diagram-empty");
      element.dispatchEvent(new CustomEvent("diagram-failed", { bubbles: true }));
      return;
    }
    showMessage(element, "");
    viewport.classList.remove("live-diagram-empty");
    const previous = state.panZoom ? { zoom: state.panZoom.getZoom(), pan: state.panZoom.getPan() } : state.carried;
    const before = positions(viewport.querySelector("svg")) || state.before;
    state.carried = null;
    state.before = null;
    if (state.panZoom) state.panZoom.destroy();
    state.panZoom = null;
    viewport.replaceChildren(svg);
    enhance(svg);
    svg.classList.toggle("legend-hidden", state.legendHidden);
    state.natural = naturalWidth(svg);
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("width", "100%");
    svg.setAttribute("height", "100%");
    state.panZoom = panZoom(element, svg);
    if (previous && state.userZoomed) {
      state.panZoom.zoom(previous.zoom);
      state.panZoom.pan(previous.pan);
    }
    showScale(element);
    if (before) glide(svg, before);
    state.positions = positions(svg); // for a swap that replaces this element
    element.dispatchEvent(new CustomEvent("diagram-drawn", { bubbles: true }));
  }

  // --- between two layouts: nodes glide from where they were, edges fade in -------------------------
  const MOTION = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;
  const GLIDE_LIMIT = 400; // nodes; past this the drawing just changes

  // Node centres in the drawing's own space (graphviz's y grows upwards from the graph's height).
  function positions(svg) {
    if (!svg || (MOTION && MOTION.matches)) return null;
    const graph = svg.querySelector("g.graph");
    const nodes = svg.querySelectorAll("g.node[id]");
    if (!graph || nodes.length > GLIDE_LIMIT) return null;
    const shift = graph.transform.baseVal.consolidate();
    const dy = shift ? shift.matrix.f : 0;
    const dx = shift ? shift.matrix.e : 0;
    const found = new Map();
    nodes.forEach(function (node) {
      const box = node.getBBox();
      found.set(node.id, { x: box.x + box.width / 2 + dx, y: box.y + box.height / 2 + dy });
    });
    return found;
  }

  function glide(svg, before) {
    const after = positions(svg);
    if (!after) return;
    const moved = [];
    after.forEach(function (now, id) {
      const then = before.get(id);
      if (!then || (Math.abs(then.x - now.x) < 0.5 && Math.abs(then.y - now.y) < 0.5)) return;
      const node = svg.querySelector("[id='" + CSS.escape(id) + "']");
      node.style.transform = "translate(" + (then.x - now.x) + "px, " + (then.y - now.y) + "px)";
      moved.push(node);
    });
    if (!moved.length) return;
    svg.classList.add("live-diagram-relayout");
    svg.getBoundingClientRect(); // the start positions take effect before the transition
    moved.forEach(function (node) {
      node.classList.add("live-diagram-gliding");
      node.style.transform = "";
    });
    setTimeout(function () {
      svg.classList.remove("live-diagram-relayout");
      moved.forEach(function (node) { node.classList.remove("live-diagram-gliding"); });
    }, 400);
  }

  function clean(text) {
    const start = text.indexOf("<svg");
    const fragment = purifier.sanitize(start >= 0 ? text.slice(start) : text, PURIFY);
    const svg = fragment.querySelector("svg");
    if (!svg) throw new Error("the layout engine's output was not a drawing");
    return svg;
  }

  function naturalWidth(svg) {
    const box = svg.viewBox && svg.viewBox.baseVal;
    return box && box.width ? box.width : parseFloat(svg.getAttribute("width")) || 0;
  }

  // Ids, link targets and accessible names, as the server's SVG has them (render.sanitize_svg).
  function enhance(svg) {
    svg.querySelectorAll("[id^='a_']").forEach(function (el) {
      const id = el.id.slice(2);
      if (/^(port|container|init|volume)-/.test(id) && !svg.querySelector("[id='" + CSS.escape(id) + "']")) el.id = id;
    });
    svg.querySelectorAll("g.node[id]").forEach(function (node) {
      const target = nodeTarget(svg, node.id);
      if (!target) return;
      const link = node.querySelector("a") || wrapInLink(node);
      const tooltip = (link.getAttribute("xlink:title") || link.getAttribute("title") || "").trim();
      const name = tooltip || target.kind + " " + target.name;
      link.setAttribute("href", "#" + target.anchor);
      link.setAttribute("aria-label", "Edit " + name);
      link.dataset.diagramNode = node.id;
      const title = node.querySelector(":scope > title");
      if (title) title.textContent = name; // the hover text: "main app", not graphviz's "c0"
    });
    // Other links inside the drawing (a port, ...) are named by their tooltips too.
    svg.querySelectorAll("a:not([aria-label])").forEach(function (link) {
      const name = (link.getAttribute("xlink:title") || "").trim() || link.textContent.trim();
      if (name) link.setAttribute("aria-label", name);
    });
  }

  function nodeTarget(svg, id) {
    if (/^volume-missing-/.test(id)) return null;
    const match = NODE_ID.exec(id);
    if (!match) return null;
    let kind = match[1];
    let name = match[2];
    // A native sidecar's step in the init lane ("init-start-<name>") opens that sidecar.
    if (kind === "init" && name.startsWith("start-") && svg.querySelector("[id='init-" + CSS.escape(name.slice(6)) + "']")) {
      name = name.slice(6);
    }
    let anchor = "form-" + kind + "-" + name;
    if (kind === "init" && !document.getElementById(anchor)) anchor = "form-container-" + name;
    return { kind: kind, name: name, anchor: anchor };
  }

  function wrapInLink(node) {
    const link = document.createElementNS("http://www.w3.org/2000/svg", "a");
    Array.from(node.childNodes).forEach(function (child) {
      if (!(child instanceof Element && child.tagName === "title")) link.append(child);
    });
    node.append(link);
    return link;
  }

  function openTarget(anchor) {
    const target = document.getElementById(anchor);
    if (!target) return;
    for (let el = target; el; el = el.parentElement) if (el.tagName === "DETAILS") el.open = true;
  }

  // --- zoom and pan ----------------------------------------------------------------------------
  function panZoom(element, svg) {
    const state = states.get(element);
    let dragged = 0;
    let start = null;
    // svg-pan-zoom writes a style attribute for this unless one names overflow already; the CSP
    // refuses style attributes written as markup, but not properties set through the CSSOM.
    svg.style.overflow = "hidden";
    const instance = window.svgPanZoom(svg, {
      zoomEnabled: true,
      panEnabled: true,
      controlIconsEnabled: false,
      dblClickZoomEnabled: false,
      mouseWheelZoomEnabled: true,
      preventMouseEventsDefault: true,
      zoomScaleSensitivity: 0.25,
      minZoom: 0.1,
      maxZoom: 40,
      fit: true,
      center: true,
      onZoom: function () { state.userZoomed = true; showScale(element); },
      onPan: function () { state.userZoomed = true; },
      customEventsHandler: pinch(),
    });
    // A drag that ends on a node is a pan, not a click on the node.
    svg.addEventListener("pointerdown", function (e) { start = { x: e.clientX, y: e.clientY }; dragged = 0; });
    svg.addEventListener("pointermove", function (e) {
      if (start) dragged = Math.max(dragged, Math.abs(e.clientX - start.x) + Math.abs(e.clientY - start.y));
    });
    svg.addEventListener("click", function (event) {
      const moved = dragged > 4;
      start = null;
      dragged = 0;
      const link = event.target instanceof Element ? event.target.closest("a[data-diagram-node]") : null;
      if (!link) return;
      if (moved) { event.preventDefault(); return; }
      const target = nodeTarget(svg, link.dataset.diagramNode);
      const detail = { id: link.dataset.diagramNode, kind: target.kind, name: target.name, target: target.anchor };
      const go = element.dispatchEvent(new CustomEvent("diagram-node", { bubbles: true, cancelable: true, detail: detail }));
      if (!go) { event.preventDefault(); return; }
      openTarget(target.anchor);
    }, true);
    return instance;
  }

  // Two fingers zoom around their midpoint; one finger pans (svg-pan-zoom's own handling).
  function pinch() {
    let distance = 0;
    let instance = null;
    function spread(touches) {
      return Math.hypot(touches[0].clientX - touches[1].clientX, touches[0].clientY - touches[1].clientY);
    }
    function onStart(event) {
      if (event.touches.length === 2) { distance = spread(event.touches); instance.disablePan(); }
    }
    function onMove(event) {
      if (event.touches.length !== 2 || !distance) return;
      event.preventDefault();
      const next = spread(event.touches);
      const box = event.currentTarget.getBoundingClientRect();
      const x = (event.touches[0].clientX + event.touches[1].clientX) / 2 - box.left;
      const y = (event.touches[0].clientY + event.touches[1].clientY) / 2 - box.top;
      instance.zoomAtPointBy(next / distance, { x: x, y: y });
      distance = next;
    }
    function onEnd(event) {
      if (event.touches.length < 2 && distance) { distance = 0; instance.enablePan(); }
    }
    return {
      haltEventListeners: [],
      init: function (options) {
        instance = options.instance;
        options.svgElement.addEventListener("touchstart", onStart, { passive: true });
        options.svgElement.addEventListener("touchmove", onMove, { passive: false });
        options.svgElement.addEventListener("touchend", onEnd, { passive: true });
      },
      destroy: function (options) {
        options.svgElement.removeEventListener("touchstart", onStart);
        options.svgElement.removeEventListener("touchmove", onMove);
        options.svgElement.removeEventListener("touchend", onEnd);
      },
    };
  }

  // The scale shown is the drawing's own: 100% is its size in points on the page.
  function scaleOf(element) {
    const state = states.get(element);
    if (!state || !state.panZoom) return 0;
    return state.panZoom.getSizes().realZoom / PT_TO_PX;
  }

  function showScale(element) {
    const output = element.querySelector(".live-diagram-scale");
    if (output) output.textContent = Math.round(scaleOf(element) * 100) + "%";
  }

  function act(element, action) {
    const state = states.get(element);
    if (action === "legend") {
      state.legendHidden = !state.legendHidden;
      const svg = element.querySelector(".live-diagram-viewport svg");
      if (svg) svg.classList.toggle("legend-hidden", state.legendHidden);
      const toggle = element.querySelector("button[data-zoom='legend']");
      if (toggle) toggle.setAttribute("aria-expanded", String(!state.legendHidden));
      return;
    }
    const pz = state && state.panZoom;
    if (!pz) return;
    if (action === "in") pz.zoomIn();
    else if (action === "out") pz.zoomOut();
    else if (action === "fit") {
      // A panel with no size (hidden, or a window resized through nothing) would fit the
      // drawing to zero, and svg-pan-zoom never comes back from a zero zoom: wait for a size.
      const svg = element.querySelector("svg");
      const box = svg ? svg.getBoundingClientRect() : null;
      if (!box || box.width === 0 || box.height === 0) return;
      pz.resize();
      pz.fit();
      pz.center();
      state.userZoomed = false;
    } else if (action === "actual") {
      pz.zoom(pz.getZoom() * (PT_TO_PX / pz.getSizes().realZoom));
      pz.center();
    }
    showScale(element);
  }

  function onKey(element, event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const pz = states.get(element) && states.get(element).panZoom;
    if (!pz) return;
    const keys = {
      "+": function () { act(element, "in"); },
      "=": function () { act(element, "in"); },
      "-": function () { act(element, "out"); },
      "0": function () { act(element, "fit"); },
      "1": function () { act(element, "actual"); },
      ArrowLeft: function () { pz.panBy({ x: PAN_STEP, y: 0 }); },
      ArrowRight: function () { pz.panBy({ x: -PAN_STEP, y: 0 }); },
      ArrowUp: function () { pz.panBy({ x: 0, y: PAN_STEP }); },
      ArrowDown: function () { pz.panBy({ x: 0, y: -PAN_STEP }); },
    };
    const handler = keys[event.key];
    if (handler) {
      event.preventDefault();
      handler();
    }
  }

  // --- finding the elements, now and after swaps -----------------------------------------------
  function scan(root) {
    const scope = root && root.querySelectorAll ? root : document;
    const found = scope.matches && scope.matches("[data-live-diagram]") ? [scope] : [];
    scope.querySelectorAll("[data-live-diagram]").forEach(function (el) { found.push(el); });
    found.forEach(function (el) { draw(el); });
  }

  const observer = new MutationObserver(function (records) {
    const todo = new Set();
    records.forEach(function (record) {
      if (record.type === "attributes" && record.target.matches("[data-live-diagram]")) todo.add(record.target);
      record.addedNodes.forEach(function (node) {
        if (!(node instanceof Element)) return;
        if (node.matches("[data-live-diagram]")) todo.add(node);
        node.querySelectorAll("[data-live-diagram]").forEach(function (el) { todo.add(el); });
        const owner = node.parentElement && node.parentElement.closest("[data-live-diagram]");
        if (owner && !owner.querySelector(":scope > .live-diagram-viewport")) todo.add(owner);
      });
      // A morph that removed the drawing's parts: put them back.
      if (record.type === "childList" && record.target instanceof Element && record.target.matches("[data-live-diagram]")) {
        todo.add(record.target);
      }
    });
    todo.forEach(function (el) { if (el.isConnected) draw(el); });
  });

  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-live-diagram]").forEach(function (element) {
      const state = states.get(element);
      if (state && state.panZoom && !state.userZoomed) act(element, "fit");
    });
  });

  function start() {
    scan(document);
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-dot"] });
  }

  window.PodDesigner = window.PodDesigner || {};
  window.PodDesigner.liveDiagram = {
    draw: draw,
    scan: scan,
    scale: scaleOf,
    pan: function (element) { const s = states.get(element); return s && s.panZoom ? s.panZoom.getPan() : null; },
    act: act,
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
