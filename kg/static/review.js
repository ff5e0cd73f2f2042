// kg review: the page. Every text is put on screen with textContent; nothing is parsed as markup.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var base = data.base;
  var app = document.getElementById("app");
  var statusEl = document.getElementById("status");
  var state = data.state || null;
  var selected = null;
  var editing = null;
  var pendingSelection = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function say(message, isError) {
    statusEl.textContent = message || "";
    statusEl.className = isError ? "error" : "";
  }

  function api(op, args) {
    return fetch(base + "api/" + encodeURIComponent(data.session) + "/" + op, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify(args || {})
    }).then(function (r) {
      return r.json().then(function (body) { body._ok = r.ok; return body; },
                           function () { return {_ok: false, error: "the server answered " + r.status}; });
    }, function () { return {_ok: false, error: "the review server cannot be reached (was it stopped?)"}; });
  }

  // Operations run one after another, in the order they were asked for: a reviewer who presses
  // "a" twice accepts this fact and then the next, even before the first answer is back.
  var queue = Promise.resolve();
  var pending = 0;
  function enqueue(fn) {
    pending += 1;
    document.documentElement.dataset.busy = "1";
    queue = queue.then(fn).catch(function (e) { say(String(e), true); }).then(function () {
      pending -= 1;
      if (!pending) delete document.documentElement.dataset.busy;
    });
    return queue;
  }

  function act(op, args, after) {
    return enqueue(function () {
      var a = typeof args === "function" ? args() : args;
      if (a === null) return null;
      return api(op, a).then(function (body) {
        if (body.state) state = body.state;
        if (!body._ok) { say(body.error || "failed", true); }
        else { say(body.message || ""); }
        if (after) after(body);
        draw();
        return body;
      });
    });
  }

  function save() {
    // A save reads the sheet and the draft again, which numbers the facts afresh: start again
    // from the first fact still undecided.
    act("save", {}, function (body) {
      if (!body._ok) return;
      editing = null;
      var first = state.facts.filter(function (f) { return f.status === "draft"; })[0] || state.facts[0];
      selected = first ? first.key : null;
    });
  }

  // ------------------------------------------------------------ index of drafts
  function drawIndex() {
    app.className = "index";
    document.getElementById("title").textContent = "drafts awaiting review";
    var list = el("ul", "drafts");
    if (!data.drafts.length) app.appendChild(el("p", "empty", "No drafts await review. Add one with: kg add PAGE.html"));
    data.drafts.forEach(function (d) {
      var li = el("li");
      var a = el("a", null, d.title);
      a.setAttribute("href", base + "doc/" + encodeURIComponent(d.document));
      li.appendChild(a);
      li.appendChild(el("span", "muted", " " + d.document + " · " + d.facts + " fact(s)"));
      list.appendChild(li);
    });
    app.appendChild(list);
  }

  // ------------------------------------------------------------ the review
  function factByKey(key) {
    for (var i = 0; i < state.facts.length; i++) if (state.facts[i].key === key) return state.facts[i];
    return null;
  }
  function indexOfKey(key) {
    for (var i = 0; i < state.facts.length; i++) if (state.facts[i].key === key) return i;
    return -1;
  }

  function drawHeader() {
    document.getElementById("title").textContent = state.doc.title + " (" + state.doc.id + ")";
    var c = state.counts;
    document.getElementById("counts").textContent =
      c.draft + " draft · " + c.accepted + " accepted · " + c.edited + " edited · " + c.rejected + " rejected";
    var actions = document.getElementById("actions");
    actions.textContent = "";
    var undo = el("button", null, "Undo (u)");
    undo.id = "undo"; undo.type = "button"; undo.disabled = !state.can_undo;
    undo.addEventListener("click", function () { act("undo", {}); });
    var save = el("button", "primary", "Save (s)");
    save.id = "save"; save.type = "button";
    save.addEventListener("click", function () { save(); });
    var all = el("a", null, "All drafts");
    all.setAttribute("href", base);
    actions.appendChild(undo); actions.appendChild(save); actions.appendChild(all);
    var others = (data.drafts || []).filter(function (d) { return d !== state.doc.id; });
    if (others.length) {
      var next = el("a", null, "Next draft");
      next.id = "next";
      next.setAttribute("href", base + "doc/" + encodeURIComponent(others[0]));
      actions.appendChild(next);
    }
  }

  // Offsets count code points, as Python does; a JavaScript string counts UTF-16 units, which
  // differ after a character outside the Basic Multilingual Plane (an emoji, a flag).
  function codePoints(s) { return Array.from(s); }

  function drawDocument(pane) {
    var text = codePoints(state.doc.text);
    var cuts = {0: true};
    cuts[text.length] = true;
    state.facts.forEach(function (f) {
      if (f.status === "rejected") return;
      f.spans.forEach(function (s) { cuts[s[0]] = true; cuts[s[1]] = true; });
    });
    var points = Object.keys(cuts).map(Number).sort(function (a, b) { return a - b; });
    var first = null;
    for (var i = 0; i + 1 < points.length; i++) {
      var a = points[i], b = points[i + 1];
      var keys = [];
      state.facts.forEach(function (f) {
        if (f.status === "rejected") return;
        f.spans.forEach(function (s) { if (s[0] <= a && b <= s[1] && keys.indexOf(f.key) < 0) keys.push(f.key); });
      });
      if (!keys.length) { pane.appendChild(document.createTextNode(text.slice(a, b).join(""))); continue; }
      var span = el("mark", "hl", text.slice(a, b).join(""));
      span.dataset.facts = keys.join(" ");
      if (keys.indexOf(selected) >= 0) {
        span.className = "hl sel";
        if (first === null) first = span;
      }
      span.addEventListener("click", (function (k) {
        return function () { if (!window.getSelection().toString()) { select(k[0]); } };
      })(keys));
      pane.appendChild(span);
    }
    return first;
  }

  function valueText(v) {
    if (Array.isArray(v)) return v.map(valueText).join("; ");
    if (v !== null && typeof v === "object") return Object.keys(v).map(function (k) { return k + ": " + valueText(v[k]); }).join(", ");
    return String(v);
  }

  function drawFact(f, n) {
    var card = el("li", "card " + f.status + (f.key === selected ? " selected" : ""));
    card.dataset.key = String(f.key);
    card.id = "fact-" + f.key;
    var head = el("div", "head");
    head.appendChild(el("span", "num", String(n + 1)));
    var type = state.types[f.data.type];
    head.appendChild(el("span", "type", type ? type.label : String(f.data.type)));
    head.appendChild(el("span", "badge " + f.status, f.status));
    if (f.confidence !== null && f.confidence !== undefined) head.appendChild(el("span", "muted", "confidence " + f.confidence.toFixed(2)));
    card.appendChild(head);
    if (editing === f.key) { card.appendChild(editForm(f)); return card; }
    var dl = el("dl");
    Object.keys(f.data).forEach(function (k) {
      if (k === "type" || k === "quote") return;
      dl.appendChild(el("dt", null, k));
      var dd = el("dd", null, valueText(f.data[k]));
      if (k === "date" && f.date) {
        dd.appendChild(el("span", f.date.ok ? "norm" : "error",
          f.date.ok ? " → " + f.date.value + " (" + f.date.precision + "; " + (f.date.earliest || "…") + " to " + (f.date.latest || "…") + ")"
                    : " → " + f.date.error));
      }
      dl.appendChild(dd);
    });
    card.appendChild(dl);
    var quotes = Array.isArray(f.data.quote) ? f.data.quote : [f.data.quote];
    quotes.forEach(function (q) { if (q) card.appendChild(el("blockquote", null, q)); });
    if (f.problems.length) {
      var ul = el("ul", "problems");
      f.problems.forEach(function (p) { ul.appendChild(el("li", null, p)); });
      card.appendChild(ul);
    }
    var buttons = el("div", "buttons");
    [["accept", "Accept (a)"], ["reject", "Reject (r)"], ["edit", "Edit (e)"]].forEach(function (pair) {
      var b = el("button", "op-" + pair[0], pair[1]);
      b.type = "button";
      b.addEventListener("click", function (ev) { ev.stopPropagation(); selected = f.key; command(pair[0]); });
      buttons.appendChild(b);
    });
    card.appendChild(buttons);
    card.addEventListener("click", function () { if (selected !== f.key) select(f.key); });
    return card;
  }

  // ------------------------------------------------------------ editing
  function editForm(f) {
    var form = el("form", "edit");
    form.setAttribute("novalidate", "");
    var values = JSON.parse(JSON.stringify(f.data));
    var typeName = values.type;
    var inputs = {};

    function row(label, control, required) {
      var r = el("div", "row");
      var l = el("label", null, label + (required ? " *" : ""));
      r.appendChild(l);
      r.appendChild(control);
      form.appendChild(r);
      return r;
    }

    var typeSelect = el("select");
    typeSelect.name = "type";
    Object.keys(state.types).forEach(function (t) {
      var o = el("option", null, t + " (" + state.types[t].label + ")");
      o.value = t;
      if (t === typeName) o.selected = true;
      typeSelect.appendChild(o);
    });
    typeSelect.addEventListener("change", function () {
      var current = collect();
      current.type = typeSelect.value;
      f.data = current;
      draw();
    });
    row("type", typeSelect, true);
    var idInput = el("input");
    idInput.name = "id"; idInput.value = values.id || ""; idInput.placeholder = "derived from the fact if left empty";
    row("id", idInput, false);

    var fields = (state.types[typeName] || {fields: []}).fields;
    fields.forEach(function (fd) {
      var v = values[fd.key];
      if (fd.kind === "entity" || (fd.kind === "fact" && fd.many) || (fd.kind === "literal" && fd.many && Array.isArray(v))) {
        inputs[fd.key] = entityControl(fd, v, row);
      } else if (fd.kind === "concept") {
        inputs[fd.key] = conceptControl(fd, v, row);
      } else if (fd.kind === "nested") {
        inputs[fd.key] = nestedControl(fd, v, row);
      } else if (fd.literal === "boolean") {
        var cb = el("input");
        cb.type = "checkbox"; cb.name = fd.key; cb.checked = v === true;
        inputs[fd.key] = function () { return cb.checked ? true : ""; };
        row(fd.key, cb, fd.required);
      } else {
        var i = el("input");
        i.name = fd.key; i.value = v === undefined ? "" : String(v);
        inputs[fd.key] = (function (original, input) {
          return function () {
            // unchanged, a value keeps its YAML type (edition: 2018 stays a number, not "2018")
            if (original !== undefined && String(original) === input.value) return original;
            if (fd.literal === "integer" && /^-?\d+$/.test(input.value.trim())) return parseInt(input.value.trim(), 10);
            return input.value;
          };
        })(v, i);
        row(fd.key, i, fd.required);
      }
    });

    var date = el("input");
    date.name = "date"; date.value = values.date === undefined ? "" : String(values.date);
    date.placeholder = "as written: June 2017, 21-22 November 2023, as of 2018";
    var preview = el("div", "date-preview");
    preview.id = "date-preview";
    var dateRow = row("date", date, true);
    dateRow.appendChild(preview);
    var timer = null;
    function checkDate() {
      api("date", {text: date.value}).then(function (r) {
        if (r.ok) {
          preview.className = "date-preview norm";
          preview.textContent = "→ " + r.value + " (" + r.precision + "; " + (r.earliest || "…") + " to " + (r.latest || "…") + ")";
        } else {
          preview.className = "date-preview error";
          preview.textContent = r.error || "cannot read this date";
        }
      });
    }
    date.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(checkDate, 120); });
    checkDate();

    var quotes = Array.isArray(values.quote) ? values.quote : [values.quote];
    quotes.forEach(function (q) { if (q) form.appendChild(el("blockquote", null, q)); });

    function collect() {
      var out = {type: typeSelect.value};
      if (idInput.value.trim()) out.id = idInput.value.trim();
      Object.keys(inputs).forEach(function (k) {
        var v = inputs[k]();
        if (v !== "" && v !== null && !(Array.isArray(v) && !v.length)) out[k] = v;
      });
      out.date = values.date !== undefined && String(values.date) === date.value ? values.date : date.value;
      out.quote = values.quote;
      return out;
    }

    var buttons = el("div", "buttons");
    var done = el("button", "primary", "Done (Enter)");
    done.type = "submit"; done.id = "edit-done";
    var cancel = el("button", null, "Cancel (Esc)");
    cancel.type = "button"; cancel.id = "edit-cancel";
    cancel.addEventListener("click", function () { editing = null; draw(); });
    buttons.appendChild(done); buttons.appendChild(cancel);
    form.appendChild(buttons);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var payload = collect();
      act("edit", {key: f.key, data: payload}, function (body) { if (body._ok) editing = null; });
    });
    form.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { ev.preventDefault(); editing = null; draw(); }
    });
    setTimeout(function () { typeSelect.focus(); }, 0);
    return form;
  }

  // One menu per value; a field that takes several values offers one more, empty.
  function conceptControl(fd, value, row) {
    var box = el("div", "concepts");
    var selects = [];
    function addSelect(v) {
      var s = el("select");
      s.name = fd.key;
      s.appendChild(el("option", null, ""));
      fd.concepts.forEach(function (c) { var o = el("option", null, c); o.value = c; if (c === v) o.selected = true; s.appendChild(o); });
      s.addEventListener("change", function () {
        if (fd.many && selects[selects.length - 1] === s && s.value) addSelect("");
      });
      box.appendChild(s);
      selects.push(s);
    }
    var values = value === undefined ? [] : (Array.isArray(value) ? value : [value]);
    values.forEach(function (v) { addSelect(String(v)); });
    if (!values.length || fd.many) addSelect("");
    row(fd.key, box, fd.required);
    return function () {
      var vs = selects.map(function (s) { return s.value; }).filter(function (v) { return v; });
      if (fd.many && vs.length === 1 && value !== undefined && !Array.isArray(value)) return vs[0];
      return fd.many ? vs : (vs[0] || "");
    };
  }

  // A list of small mappings (a conference's speakers): one line of boxes per item.
  function nestedControl(fd, value, row) {
    var box = el("div", "nested");
    var items = [];
    function addItem(item) {
      var line = el("div", "item");
      var getters = {};
      fd.nested.forEach(function (sub) {
        var v = item ? item[sub.key] : undefined;
        if (Array.isArray(v)) v = v[0];
        if (sub.literal === "boolean") {
          var label = el("label", null, sub.key + " ");
          var cb = el("input");
          cb.type = "checkbox"; cb.name = fd.key + "." + sub.key; cb.checked = v === true;
          label.appendChild(cb);
          line.appendChild(label);
          getters[sub.key] = function () { return cb.checked ? true : ""; };
        } else {
          var i = el("input");
          i.name = fd.key + "." + sub.key;
          i.placeholder = sub.key + (sub.required ? " *" : "");
          i.value = v === undefined || v === null ? "" : String(v);
          line.appendChild(i);
          getters[sub.key] = (function (original, input) {
            return function () {
              return original !== undefined && String(original) === input.value ? original : input.value.trim();
            };
          })(v, i);
        }
      });
      var remove = el("button", "remove", "×");
      remove.type = "button";
      remove.setAttribute("aria-label", "Remove this " + fd.key + " item");
      var entry = {line: line, getters: getters};
      remove.addEventListener("click", function () { items.splice(items.indexOf(entry), 1); line.remove(); });
      line.appendChild(remove);
      box.insertBefore(line, more);
      items.push(entry);
    }
    var more = el("button", "add-item", "+ " + fd.key);
    more.type = "button";
    more.addEventListener("click", function () { addItem(null); });
    box.appendChild(more);
    (Array.isArray(value) ? value : (value ? [value] : [])).forEach(addItem);
    row(fd.key, box, fd.required);
    return function () {
      var out = [];
      items.forEach(function (entry) {
        var item = {};
        Object.keys(entry.getters).forEach(function (k) { var v = entry.getters[k](); if (v !== "") item[k] = v; });
        if (Object.keys(item).length) out.push(item);
      });
      return out;
    };
  }

  function entityControl(fd, value, row) {
    var box = el("div", "entity");
    var values = value === undefined ? [] : (Array.isArray(value) ? value.slice() : [value]);
    var list = el("div", "values");
    var found = el("div", "found");
    box.appendChild(list);
    box.appendChild(found);
    var inputsOf = [];
    function addInput(v) {
      var i = el("input");
      i.name = fd.key;
      i.value = v || "";
      i.setAttribute("autocomplete", "off");
      i.placeholder = fd.kind === "fact" ? "fact id" : fd.kind === "entity" ? "name, alias or id (" + (fd.range || "entity") + ")" : "";
      var t = null;
      i.addEventListener("input", function () {
        if (fd.many && inputsOf[inputsOf.length - 1] === i && i.value) addInput("");
        clearTimeout(t);
        t = setTimeout(function () { search(i); }, 120);
      });
      i.addEventListener("focus", function () { search(i); });
      list.appendChild(i);
      inputsOf.push(i);
      return i;
    }
    function search(input) {
      if (fd.kind !== "entity") return;
      var q = input.value.trim();
      if (found.dataset.creating && found.dataset.creating === q) return;  // its new-entity form is open
      delete found.dataset.creating;
      found.textContent = "";
      if (!q) return;
      api("search", {q: q}).then(function (r) {
        if (input.value.trim() !== q || found.dataset.creating) return;  // typed on, or creating: stale
        found.textContent = "";
        (r.entities || []).forEach(function (e) {
          var b = el("button", "pick", e.name + " (" + e.type + ")");
          b.type = "button";
          b.addEventListener("click", function () { input.value = e.name; found.textContent = ""; });
          found.appendChild(b);
        });
        if (r.did_you_mean && r.did_you_mean.length) {
          found.appendChild(el("span", "muted", "did you mean "));
          r.did_you_mean.forEach(function (name) {
            var b = el("button", "pick", name);
            b.type = "button";
            b.addEventListener("click", function () { input.value = name; found.textContent = ""; });
            found.appendChild(b);
          });
        }
        var create = el("button", "new-entity", "New entity “" + q + "”…");
        create.type = "button";
        create.addEventListener("click", function () { newEntityForm(input, found, fd); });
        found.appendChild(create);
      });
    }
    values.forEach(function (v) { addInput(String(v)); });
    if (!values.length || fd.many) addInput("");
    row(fd.key + (fd.many ? " (one per box)" : ""), box, fd.required);
    return function () {
      var vs = inputsOf.map(function (i) { return i.value.trim(); }).filter(function (v) { return v; });
      // one name where the sheet had one name, not a list of one: the diff shows only real changes
      if (fd.many && vs.length === 1 && value !== undefined && !Array.isArray(value)) return vs[0];
      return fd.many ? vs : (vs[0] || "");
    };
  }

  function newEntityForm(input, found, fd) {
    found.textContent = "";
    found.dataset.creating = input.value.trim();
    var box = el("fieldset", "new-entity-form");
    box.appendChild(el("legend", null, "New entity (saved to entities.yaml with the sheet)"));
    function field(label, control) { var l = el("label", null, label); l.appendChild(control); box.appendChild(l); return control; }
    var name = field("name ", el("input")); name.value = input.value.trim(); name.name = "ent-name";
    var type = field("type ", el("select")); type.name = "ent-type";
    // The role's own class is the likeliest type ("a state", "a place"), where it is one an entity can have.
    var wanted = String(fd && fd.range || "").replace(/\s+/g, "").toLowerCase();
    if (wanted === "actor" || wanted === "entity") wanted = "";  // too general to be a guess
    state.entity_types.forEach(function (t) {
      var o = el("option", null, t); o.value = t;
      if (t.toLowerCase() === wanted) o.selected = true;
      type.appendChild(o);
    });
    var aliases = field("aliases (; between) ", el("input")); aliases.name = "ent-aliases";
    var qid = field("Wikidata QID ", el("input")); qid.name = "ent-qid"; qid.placeholder = "Q123";
    var country = field("country ", el("input")); country.name = "ent-country";
    var iso = field("ISO 3166 code (a state) ", el("input")); iso.name = "ent-iso"; iso.placeholder = "PK";
    // What kg extract proposed for this name, if anything: its type, code and country.
    var norm = function (s) { return String(s || "").toLowerCase().split(/\s+/).join(" ").trim(); };
    var proposal = (state.proposals || []).filter(function (p) { return norm(p.name) === norm(name.value); })[0];
    if (proposal) {
      if (proposal.type && state.entity_types.indexOf(proposal.type) >= 0) type.value = proposal.type;
      if (proposal.iso3166) iso.value = proposal.iso3166;
      if (proposal.country) country.value = proposal.country;
      box.appendChild(el("p", "muted", "as kg extract proposed it; check before creating"));
    }
    var ok = el("button", "primary", "Create");
    ok.type = "button"; ok.id = "ent-create";
    ok.addEventListener("click", function () {
      enqueue(function () { return api("entity", {name: name.value, type: type.value, wikidata: qid.value, country: country.value,
                     iso3166: iso.value,
                     aliases: aliases.value.split(";").map(function (a) { return a.trim(); }).filter(Boolean)})
        .then(function (r) {
          if (!r._ok) { say(r.error, true); return; }
          if (r.state) state.entity_types = r.state.entity_types;
          input.value = r.name;
          found.textContent = "";
          delete found.dataset.creating;
          say("new entity " + r.entity + " (saved with the sheet)");
        }); });
    });
    box.appendChild(ok);
    found.appendChild(box);
    name.focus();
  }

  // ------------------------------------------------------------ selection of text: a new fact
  function selectionOffsets(pane) {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    var range = sel.getRangeAt(0);
    if (!pane.contains(range.startContainer) || !pane.contains(range.endContainer)) return null;
    var before = document.createRange();
    before.setStart(pane, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var start = codePoints(before.toString()).length;
    var end = start + codePoints(range.toString()).length;
    return end > start ? {start: start, end: end} : null;
  }

  function addFromSelection() {
    if (!pendingSelection) { say("select the words of the document the new fact rests on", true); return; }
    var args = {start: pendingSelection.start, end: pendingSelection.end, data: {type: "other"}};
    pendingSelection = null;
    window.getSelection().removeAllRanges();
    act("add", args, function (body) { if (body._ok) { selected = body.added; editing = body.added; } });
  }

  // ------------------------------------------------------------ drawing
  function draw() {
    if (!state) return;
    drawHeader();
    app.textContent = "";
    var docPane = el("section", "doc");
    docPane.id = "doc";
    var meta = el("div", "meta", state.doc.publisher + " · reference date " + state.doc.reference_date);
    var addBar = el("div", "addbar");
    var addButton = el("button", null, "Add a fact from the selected text (n)");
    addButton.type = "button"; addButton.id = "add-fact"; addButton.disabled = !pendingSelection;
    addButton.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
    addButton.addEventListener("click", addFromSelection);
    addBar.appendChild(addButton);
    var text = el("div", "text");
    text.id = "text";
    var focus = drawDocument(text);
    text.addEventListener("mouseup", function () {
      pendingSelection = selectionOffsets(text);
      addButton.disabled = !pendingSelection;
    });
    text.addEventListener("keyup", function () {
      pendingSelection = selectionOffsets(text);
      addButton.disabled = !pendingSelection;
    });
    docPane.appendChild(meta);
    docPane.appendChild(addBar);
    docPane.appendChild(text);
    var factPane = el("section", "facts");
    factPane.id = "facts";
    var list = el("ol", "cards");
    state.facts.forEach(function (f, i) { list.appendChild(drawFact(f, i)); });
    if (!state.facts.length) factPane.appendChild(el("p", "empty", "No facts yet: select words in the document and add one."));
    factPane.appendChild(list);
    app.appendChild(docPane);
    app.appendChild(factPane);
    if (focus && focus.scrollIntoView) focus.scrollIntoView({block: "center"});
    var card = document.getElementById("fact-" + selected);
    if (card && card.scrollIntoView) card.scrollIntoView({block: "nearest"});
    document.documentElement.dataset.ready = "1";
  }

  function select(key) {
    selected = key;
    editing = null;
    draw();
  }

  function move(step) {
    if (!state.facts.length) return;
    var i = indexOfKey(selected);
    i = i < 0 ? 0 : Math.max(0, Math.min(state.facts.length - 1, i + step));
    select(state.facts[i].key);
  }

  function command(op) {
    if (selected === null || !factByKey(selected)) return;
    if (op === "edit") { enqueue(function () { editing = selected; draw(); }); return; }
    var key = null;
    act(op, function () { key = selected; return factByKey(key) ? {key: key} : null; }, function (body) {
      if (body._ok && (op === "accept" || op === "reject")) {
        // on to the next undecided fact, as a reviewer works down the list
        var i = indexOfKey(key);
        for (var j = i + 1; j < state.facts.length; j++) {
          if (state.facts[j].status === "draft") { selected = state.facts[j].key; return; }
        }
        if (i + 1 < state.facts.length) selected = state.facts[i + 1].key;
      }
    });
  }

  document.addEventListener("keydown", function (ev) {
    if (!state || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
    if (editing !== null) return;
    var k = ev.key;
    if (k === "j") enqueue(function () { move(1); });
    else if (k === "k") enqueue(function () { move(-1); });
    else if (k === "a") command("accept");
    else if (k === "r") command("reject");
    else if (k === "e") { ev.preventDefault(); command("edit"); }
    else if (k === "u") act("undo", {});
    else if (k === "s") save();
    else if (k === "n") addFromSelection();
    else return;
    ev.preventDefault();
  });

  if (data.view === "index") { drawIndex(); document.documentElement.dataset.ready = "1"; }
  else if (data.view === "error") { app.appendChild(el("p", "error", data.error)); document.documentElement.dataset.ready = "1"; }
  else {
    var firstDraft = state.facts.filter(function (f) { return f.status === "draft"; })[0] || state.facts[0];
    selected = firstDraft ? firstDraft.key : null;
    draw();
  }
})();
