// The report's only script: jump between a quote and its source span, and the failures filter.
// It reads ids from data attributes and never inserts markup, so no draft or source text can
// become code here (the page's Content-Security-Policy allows this script alone).
(function () {
  "use strict";
  var reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var lastQuote = null;

  function show(el) {
    el.scrollIntoView({ behavior: reduce ? "auto" : "smooth", block: "center" });
  }
  function activate(qid) {
    document.querySelectorAll(".active").forEach(function (el) { el.classList.remove("active"); });
    document.querySelectorAll('[data-q~="' + CSS.escape(qid) + '"]').forEach(function (el) {
      el.classList.add("active");
    });
  }
  function toSource(qid) {
    var target = document.querySelector('.src-text [data-q~="' + CSS.escape(qid) + '"]');
    lastQuote = qid;
    activate(qid);
    if (target) {
      show(target);
      target.focus({ preventScroll: true });
    }
  }
  function toDraft(ids) {
    var qid = ids.indexOf(lastQuote) >= 0 ? lastQuote : ids[0];
    var quote = document.getElementById("q-" + qid);
    activate(qid);
    if (quote) {
      show(quote);
      quote.focus({ preventScroll: true });
    }
  }
  function handle(el) {
    if (el.matches(".q")) { toSource(el.dataset.q); return true; }
    if (el.matches(".m")) { toDraft(el.dataset.q.split(" ")); return true; }
    if (el.matches(".jump")) { toSource(el.dataset.jump); return true; }
    return false;
  }
  document.addEventListener("click", function (event) {
    var el = event.target.closest(".q, .m, .jump");
    if (el && handle(el)) { event.preventDefault(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") { return; }
    var el = event.target.closest && event.target.closest(".q, .m");
    if (el && handle(el)) { event.preventDefault(); }
  });

  // Mark the draft's top-level blocks that hold a failing quote or its evidence (an aside
  // after the quote's paragraph), for the filter.
  var draft = document.getElementById("draft");
  document.querySelectorAll("#draft .q.fail, #draft .detail.fail").forEach(function (q) {
    var block = q;
    while (block.parentElement && block.parentElement !== draft) { block = block.parentElement; }
    block.classList.add("has-fail");
  });
  var filter = document.getElementById("only-failures");
  function applyFilter() { document.body.classList.toggle("only-failures", filter.checked); }
  filter.addEventListener("change", applyFilter);
  applyFilter();
}());
