/* kg brief: the reader pane. A click on "read" beside a quote opens its document
 * with the quote highlighted at its character offsets.
 *
 * The documents travel as JSON in #kg-docs; their text comes from sources
 * nobody here controls, so it goes into the page only through textContent.
 * There is no innerHTML in this file, and the page's Content-Security-Policy
 * runs no script but this one.
 */
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const docs = JSON.parse($("kg-docs").textContent);
  const pane = $("reader");
  const body = $("reader-text");

  function open(docId, start, end) {
    const doc = docs[docId];
    if (!doc) return;
    const text = doc.text;
    const before = document.createTextNode(text.slice(0, start));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(start, end);
    const after = document.createTextNode(text.slice(end));
    $("reader-title").textContent = doc.title;
    $("reader-meta").textContent = doc.meta;
    body.replaceChildren(before, mark, after);
    pane.classList.remove("hidden");
    mark.scrollIntoView({ block: "center" });
    window.kgReader = { doc: docId, start: start, end: end, marked: mark.textContent };
  }

  for (const button of document.querySelectorAll("button.read")) {
    button.addEventListener("click", () => {
      open(button.dataset.doc, Number(button.dataset.start), Number(button.dataset.end));
    });
  }
  $("reader-close").addEventListener("click", () => pane.classList.add("hidden"));
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") pane.classList.add("hidden");
  });
  document.documentElement.dataset.ready = "1";
})();
