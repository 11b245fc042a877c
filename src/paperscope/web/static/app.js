// paperscope's own script: math rendering and keyboard navigation. Pages work
// without it; it only adds to them.
(function () {
  "use strict";

  // Render the formulas the server found (span.math, escaped text with its
  // delimiters) with KaTeX. The server finds them in linear time; the browser
  // never scans whole abstracts for delimiters. Trust is off, so \href and
  // friends cannot make links, and a broken formula is shown as it was typed.
  var DELIMITERS = [["$$", "$$"], ["\\[", "\\]"], ["\\(", "\\)"], ["$", "$"]];
  function formula(source) {
    for (var i = 0; i < DELIMITERS.length; i++) {
      var d = DELIMITERS[i];
      if (source.length > d[0].length + d[1].length - 1 &&
          source.slice(0, d[0].length) === d[0] && source.slice(-d[1].length) === d[1]) {
        return source.slice(d[0].length, source.length - d[1].length);
      }
    }
    return source;
  }
  function renderMath(root) {
    if (!window.katex) return;
    root.querySelectorAll("span.math:not([data-rendered])").forEach(function (el) {
      var source = el.textContent;
      try {
        window.katex.render(formula(source), el, {
          displayMode: el.getAttribute("data-mode") === "display",
          throwOnError: false,
          errorColor: "currentColor",  // a command it will not run shows as text, readable
          trust: false,
          strict: "ignore",
          maxExpand: 200,
          maxSize: 20,
        });
        el.setAttribute("data-rendered", "");
        el.setAttribute("title", source);
      } catch (e) {
        el.textContent = source;  // shown as typed
      }
    });
  }

  // A field whose pattern a browser would only call "the requested format"
  // says its rule instead (its title holds it).
  document.addEventListener("invalid", function (e) {
    var field = e.target;
    if (field.validity && field.validity.patternMismatch && field.title) {
      field.setCustomValidity(field.title);
    }
  }, true);
  document.addEventListener("input", function (e) {
    if (e.target.setCustomValidity) e.target.setCustomValidity("");
  }, true);

  // Forms that destroy something ask first: data-confirm holds the question.
  document.addEventListener("submit", function (e) {
    var question = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { e.preventDefault(); e.stopImmediatePropagation(); }
  }, true);

  // j / k move between paper cards, Enter opens the current one, / focuses search.
  var current = -1;
  function cards() { return Array.prototype.slice.call(document.querySelectorAll("[data-card]")); }
  function select(i) {
    var all = cards();
    if (!all.length) return;
    current = Math.max(0, Math.min(all.length - 1, i));
    all.forEach(function (c) { c.classList.remove("current"); });
    all[current].classList.add("current");
    all[current].focus({ preventScroll: true });
    all[current].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    if (e.key === "j") { select(current + 1); e.preventDefault(); }
    else if (e.key === "k") { select(current - 1); e.preventDefault(); }
    else if (e.key === "Enter" && current >= 0) {
      var link = cards()[current].querySelector(".title a");
      if (link) { link.click(); e.preventDefault(); }
    } else if (e.key === "/") {
      var box = document.querySelector("#q") || document.querySelector(".quick-search input");
      if (box) { box.focus(); box.select(); e.preventDefault(); }
    } else if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      var step = document.querySelector(e.key === "ArrowLeft" ? "[data-prev]" : "[data-next]");
      if (step) { step.click(); e.preventDefault(); }
    }
  });

  document.addEventListener("DOMContentLoaded", function () { renderMath(document.body); });
  document.addEventListener("htmx:afterSwap", function (e) { current = -1; renderMath(e.target); });
})();
