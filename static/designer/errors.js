// When an htmx request fails (the server answers 4xx/5xx, or cannot be reached), say so in a
// banner at the top of the page. htmx swaps nothing on an error, so the page and every input
// keep what the user typed; the banner says the change was not saved and when to try again.
(function () {
  "use strict";

  function banner() {
    let box = document.getElementById("request-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "request-error";
      box.className = "request-error";
      box.setAttribute("role", "alert");
      const text = document.createElement("p");
      const close = document.createElement("button");
      close.type = "button";
      close.className = "secondary outline small";
      close.textContent = "Dismiss";
      close.addEventListener("click", function () { box.hidden = true; });
      box.append(text, close);
      const main = document.getElementById("main") || document.body;
      main.prepend(box);
    }
    return box;
  }

  function show(message) {
    const box = banner();
    box.querySelector("p").textContent = message;
    box.hidden = false;
  }

  function messageFrom(xhr) {
    const type = xhr.getResponseHeader("Content-Type") || "";
    const retry = xhr.getResponseHeader("Retry-After");
    let text = "";
    if (type.indexOf("application/json") === 0) {
      try { text = JSON.parse(xhr.responseText).detail || ""; } catch (e) { text = ""; }
    } else if (type.indexOf("text/html") === 0 && xhr.responseText.length < 4000) {
      // Our fragments (the 503 one) are short; a whole error page is not shown as text.
      const doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      text = (doc.body.textContent || "").trim();
    }
    if (!text) text = "The server could not complete the request (" + xhr.status + "): nothing was saved.";
    if (retry && text.indexOf("Try again") < 0) text += " Try again in " + retry + " s.";
    return text;
  }

  document.body.addEventListener("htmx:responseError", function (event) {
    show(messageFrom(event.detail.xhr));
  });
  document.body.addEventListener("htmx:sendError", function () {
    show("The server could not be reached: nothing was saved. Your changes are still on this page; try again.");
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    const box = document.getElementById("request-error");
    if (box && event.detail.successful) box.hidden = true;
  });
})();
