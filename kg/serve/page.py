"""The query page `kg serve` shows at /: an editor, the named queries as
examples, and a result table.

The page loads nothing from anywhere (no CDN, no fonts, no images): its one
script and one style sheet are inline, allowed by hash in the
Content-Security-Policy, which also stops the page from talking to anything
but its own server. Every piece of text from the graph or the queries
reaches the page as JSON inside a non-executable script element, escaped so
that it cannot close the element, and is put on screen with textContent.
"""

from __future__ import annotations

import html
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ..core.errors import KGError
from ..core.html import csp_hash, script_json
from ..core.namespaces import PREFIXES


@dataclass
class Example:
    """A named query as the page offers it: its name, the question it answers, and its text."""

    name: str
    title: str
    text: str


def _without_kg_prefixes(text: str) -> str:
    """Drop the PREFIX lines kg.query.prepare puts in front: the server declares kg's prefixes itself."""
    declared = {f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()}
    lines = text.splitlines(keepends=True)
    while lines and lines[0].strip() in declared:
        lines.pop(0)
    return "".join(lines)


def _short_entities(text: str) -> str:
    """Entity IRIs put in for parameters, written kgr:pakistan rather than in full, as a person would."""
    kgr = str(PREFIXES["kgr"])
    return re.sub("<" + re.escape(kgr) + r"([A-Za-z0-9_-]+)>", r"kgr:\1", text)


def examples(build: str | Path) -> list[Example]:
    """The named queries, each with its parameters set to their defaults so that it runs as it stands.

    A query whose defaults cannot be bound in this build (an entity it does
    not have) is offered with its $parameters left in, as written.
    """
    from ..sparql.named import named_queries, prepare
    from ..store.local import Store

    store = Store.open(build)
    out = []
    for name, named in named_queries().items():
        try:
            text = _short_entities(_without_kg_prefixes(prepare(named, store)))
        except KGError:
            text = named.text
        out.append(Example(name, named.title, text))
    return out


STYLE = """
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: #1d1d1f; background: #fff; }
header { display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: baseline; padding: 10px 16px;
         border-bottom: 1px solid #ddd; }
header h1 { font-size: 17px; margin: 0; font-weight: 600; }
header nav a { margin-right: 14px; }
main { padding: 12px 16px 32px; }
.limits { color: #555; margin: 0 0 10px; }
form { display: grid; gap: 8px; }
.bar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
select { max-width: 100%; font: inherit; }
textarea { width: 100%; min-height: 16em; font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
           padding: 8px; border: 1px solid #bbb; border-radius: 4px; resize: vertical; tab-size: 2; }
button { font: inherit; padding: 4px 16px; }
kbd { font: 12px ui-monospace, monospace; border: 1px solid #ccc; border-radius: 3px; padding: 0 3px; }
#status { margin: 12px 0 4px; color: #333; }
#notice { margin: 4px 0; padding: 6px 10px; background: #fff4d6; border: 1px solid #e8c66a; border-radius: 4px; }
#notice:empty { display: none; }
#downloads a { margin-right: 10px; }
.error { color: #a00; white-space: pre-wrap; background: #fff0f0; padding: 8px; border: 1px solid #e6b3b3; }
.boolean { font-size: 18px; font-weight: 600; }
pre { white-space: pre-wrap; word-break: break-word; font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
.scroll { overflow: auto; max-height: 70vh; border: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 4px 8px; text-align: left; vertical-align: top;
         max-width: 40em; overflow-wrap: anywhere; }
th { position: sticky; top: 0; background: #f5f5f7; font-weight: 600; overflow-wrap: normal; white-space: nowrap; }
td.n { color: #888; text-align: right; }
"""

SCRIPT = r"""
"use strict";
(function () {
  var config = JSON.parse(document.getElementById("kg-config").textContent);
  var editor = document.getElementById("query");
  var picker = document.getElementById("examples");
  var statusLine = document.getElementById("status");
  var notice = document.getElementById("notice");
  var output = document.getElementById("output");
  var downloads = document.getElementById("downloads");

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  config.examples.forEach(function (example) {
    var option = el("option", example.name + " \u2014 " + example.title);
    option.value = example.name;
    picker.appendChild(option);
  });
  picker.addEventListener("change", function () {
    var example = config.examples.find(function (e) { return e.name === picker.value; });
    if (example) { editor.value = example.text; }
  });

  function shorten(iri) {
    var names = Object.keys(config.prefixes);
    for (var i = 0; i < names.length; i++) {
      var ns = config.prefixes[names[i]];
      var local = iri.slice(ns.length);
      if (iri.lastIndexOf(ns, 0) === 0 && /^[A-Za-z0-9_.\-]*$/.test(local)) { return names[i] + ":" + local; }
    }
    return iri;
  }

  function describe(iri) {
    editor.value = "SELECT ?property ?value WHERE {\n  <" + iri + "> ?property ?value\n}\nORDER BY ?property ?value";
    run();
  }

  function cell(term) {
    var td = el("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var link = el("a", shorten(term.value));
      link.href = "#";
      link.title = term.value + " (click: everything said about it)";
      link.addEventListener("click", function (event) { event.preventDefault(); describe(term.value); });
      td.appendChild(link);
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) { td.title = "@" + term["xml:lang"]; }
      else if (term.datatype) { td.title = shorten(term.datatype); }
    }
    return td;
  }

  function table(data) {
    var vars = data.head.vars || [];
    var rows = data.results.bindings;
    var tbl = el("table");
    var head = el("tr");
    head.appendChild(el("th", "#"));
    vars.forEach(function (v) { head.appendChild(el("th", v)); });
    var thead = el("thead");
    thead.appendChild(head);
    tbl.appendChild(thead);
    var body = el("tbody");
    rows.forEach(function (row, index) {
      var tr = el("tr");
      tr.appendChild(el("td", String(index + 1), "n"));
      vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
      body.appendChild(tr);
    });
    tbl.appendChild(body);
    var scroll = el("div", null, "scroll");
    scroll.appendChild(tbl);
    output.appendChild(scroll);
    return rows.length;
  }

  function offerDownloads(query, formats) {
    downloads.replaceChildren(el("span", "Download: "));
    formats.forEach(function (pair) {
      var link = el("a", pair[0]);
      link.href = "sparql?" + new URLSearchParams({ query: query, format: pair[1] }).toString();
      link.download = "result." + pair[1];
      downloads.appendChild(link);
    });
  }

  function run() {
    var query = editor.value;
    output.replaceChildren();
    downloads.replaceChildren();
    notice.textContent = "";
    statusLine.textContent = "Running\u2026";
    var started = performance.now();
    var response;
    fetch("sparql", {
      method: "POST",
      headers: { "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: new URLSearchParams({ query: query })
    }).then(function (r) {
      response = r;
      return r.text();
    }).then(function (text) {
      var seconds = ((performance.now() - started) / 1000).toFixed(2) + " s";
      if (!response.ok) {
        statusLine.textContent = "Error " + response.status + " after " + seconds;
        output.appendChild(el("pre", text, "error"));
        return;
      }
      var type = (response.headers.get("Content-Type") || "").split(";")[0];
      if (type === "application/sparql-results+json") {
        var data = JSON.parse(text);
        if (Object.prototype.hasOwnProperty.call(data, "boolean")) {
          output.appendChild(el("p", data.boolean ? "yes" : "no", "boolean"));
          statusLine.textContent = "Answered in " + seconds;
        } else {
          var n = table(data);
          statusLine.textContent = n + (n === 1 ? " row" : " rows") + " in " + seconds;
          offerDownloads(query, [["CSV", "csv"], ["TSV", "tsv"], ["JSON", "json"], ["XML", "xml"]]);
        }
      } else {
        output.appendChild(el("pre", text));
        var count = response.headers.get("KG-Result-Count");
        statusLine.textContent = (count === null ? "" : count + " triples ") + "in " + seconds;
        offerDownloads(query, [["Turtle", "ttl"], ["N-Triples", "nt"], ["JSON-LD", "jsonld"], ["RDF/XML", "xml"]]);
      }
      if (response.headers.get("KG-Truncated")) {
        var limit = response.headers.get("KG-Max-Rows");
        notice.textContent = "Truncated: only the first " + limit + " results are shown, the most this " +
          "server returns (--max-rows). Add a LIMIT or narrow the query to see the rest.";
      }
    }).catch(function (error) {
      statusLine.textContent = "The server did not answer: " + error;
    });
  }

  document.getElementById("form").addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  editor.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") { event.preventDefault(); run(); }
  });
  var initial = new URLSearchParams(window.location.search).get("query");
  if (initial) {
    editor.value = initial;
  } else if (config.examples.length) {
    picker.value = config.examples[0].name;
    editor.value = config.examples[0].text;
  }
})();
"""


def content_security_policy() -> str:
    """The page's policy: its own inline script and style only, and requests to its own server only."""
    return ("default-src 'none'; "
            f"script-src {csp_hash(SCRIPT)}; style-src {csp_hash(STYLE)}; "
            "connect-src 'self'; img-src 'none'; font-src 'none'; object-src 'none'; frame-src 'none'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def render(examples: list[Example], *, timeout: float, max_rows: int, updates: bool) -> str:
    """The query page as one HTML document; serve it with content_security_policy()."""
    config = {"examples": [asdict(e) for e in examples],
              "prefixes": {p: str(ns) for p, ns in PREFIXES.items()}}
    limits = (f"Each query may run {timeout:g} s and return at most {max_rows:,} rows. "
              + ("Updates are on, for holders of the server's token; they change this server's copy only."
                 if updates else "The graph is read-only here."))
    prefixes = ", ".join(f"{p}:" for p in PREFIXES)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kg · SPARQL</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>kg · SPARQL over the graph of bilateral ties</h1>
<nav><a href="graph">Network view</a><a href="sparql">Service description</a></nav>
</header>
<main>
<p class="limits">{html.escape(limits)} The endpoint is <code>sparql</code> here (SPARQL 1.1 Protocol).
The prefixes {html.escape(prefixes)} are declared for you.</p>
<form id="form">
<div class="bar">
<label for="examples">Example:</label>
<select id="examples"></select>
</div>
<textarea id="query" spellcheck="false" aria-label="SPARQL query"></textarea>
<div class="bar"><button type="submit">Run</button> <span><kbd>Ctrl</kbd>+<kbd>Enter</kbd> runs it too.</span></div>
</form>
<p id="status" role="status"></p>
<p id="notice" role="alert"></p>
<p id="downloads"></p>
<div id="output"></div>
</main>
<script type="application/json" id="kg-config">{script_json(config)}</script>
<script>{SCRIPT}</script>
</body>
</html>
"""


def not_built_page(build: str | Path) -> str:
    """The page /graph shows when there is no network page in the build yet."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>No network page yet · kg</title></head>
<body>
<h1>No network page yet</h1>
<p>There is no graph.html in {html.escape(str(build))}/. Run <code>kg build</code>, which writes it,
or <code>kg viz</code> to draw another view, then reload this page.</p>
<p><a href="./">Back to the query page</a></p>
</body>
</html>
"""


NOT_BUILT_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
