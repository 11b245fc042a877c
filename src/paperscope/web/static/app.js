// paperscope's own script: math rendering and keyboard navigation. Pages work
// without it; it only adds to them.
(function () {
  "use strict";

  // Render $...$ and \(...\) in titles and abstracts with KaTeX. The text was
  // escaped by the server and reaches KaTeX as text; trust is off, so \href and
  // friends cannot make links, and a broken formula is shown as it was typed.
  function renderMath(root) {
    if (!window.renderMathInElement) return;
    root.querySelectorAll(".tex").forEach(function (el) {
      window.renderMathInElement(el, {
        delimiters: [
          { left: "$$", right: "$$", display: false },
          { left: "$", right: "$", display: false },
          { left: "\\(", right: "\\)", display: false },
          { left: "\\[", right: "\\]", display: false },
        ],
        throwOnError: false,
        trust: false,
        strict: "ignore",
        maxExpand: 200,
        ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code", "option"],
      });
    });
  }

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
