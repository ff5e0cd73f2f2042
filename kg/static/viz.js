/* kg graph page: draws the graph embedded in #kg-data with vis-network, and
 * gives a reader filters, a time range, search, neighbourhoods and sources.
 *
 * Every string in the data (names, labels, quotes, titles, links) comes from
 * documents and fact sheets, so none of it is ever parsed as HTML: text goes
 * in through textContent, links only if they are http(s), and the rest is
 * drawn on the canvas. There is no innerHTML in this file, and the page's
 * Content-Security-Policy runs no script but this one and vis-network.
 */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const root = document.documentElement;
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const SVG = "http://www.w3.org/2000/svg";
  const SHAPES = {
    dot: ["circle", { cx: 8, cy: 8, r: 6 }],
    hexagon: ["polygon", { points: "8,1.5 13.6,4.75 13.6,11.25 8,14.5 2.4,11.25 2.4,4.75" }],
    square: ["rect", { x: 2.5, y: 2.5, width: 11, height: 11 }],
    triangle: ["polygon", { points: "8,1.5 14.5,13.5 1.5,13.5" }],
    triangleDown: ["polygon", { points: "1.5,2.5 14.5,2.5 8,14.5" }],
    star: ["polygon", { points: "8,1 9.9,6 15,6.2 11,9.4 12.4,14.5 8,11.6 3.6,14.5 5,9.4 1,6.2 6.1,6" }],
    diamond: ["polygon", { points: "8,1 15,8 8,15 1,8" }],
    line: ["line", { x1: 1, y1: 8, x2: 15, y2: 8 }],
  };

  function swatch(shape, color, dashed) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("viewBox", "0 0 16 16");
    const [tag, attrs] = SHAPES[shape] || SHAPES.dot;
    const item = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) item.setAttribute(k, String(v));
    if (shape === "line") {
      item.setAttribute("stroke", color);
      item.setAttribute("stroke-width", "3");
      if (dashed) item.setAttribute("stroke-dasharray", "3 2");
    } else {
      item.setAttribute("fill", color);
      item.setAttribute("stroke", "#555");
      item.setAttribute("stroke-width", "0.8");
    }
    svg.append(item);
    return svg;
  }

  // ------------------------------------------------------------------ data

  // The rows are arrays to keep big pages small (kg.viz.page_data documents them);
  // here they become objects once.
  const factTypes = new Map(data.factTypes.map((t) => [t.key, t]));
  const entityTypes = new Map(data.entityTypes.map((t) => [t.key, t]));
  const PRECISIONS = ["year", "month", "day"];
  const KINDS = ["tie", "role", "related"];
  data.sources = data.sources.map(([title, publisher, url, reliability]) => ({ title, publisher, url, reliability }));
  data.citations = data.citations.map(([quote, source, start, end]) => ({ quote, source, start, end }));
  data.facts = data.facts.map(([type, label, date, precision, em, lm, planned, roles, citations, grade, conflicts,
    deal]) => ({
    type: data.factTypes[type].key, label, date, precision: PRECISIONS[precision], em, lm,
    planned: planned === 1, roles: roles.map(([node, role]) => [node, data.strings[role]]), citations,
    grade: grade || "", conflicts: conflicts || [], deal: deal ? { id: deal[0], stages: deal[1] } : null,
  }));
  data.nodes = data.nodes.map(([label, x, y, size, type, fact, focus, country, aliases, wikidata], id) => ({
    id, label, x, y, size, event: fact >= 0, fact, type: type >= 0 ? data.entityTypes[type].key : null,
    focus: focus === 1, country: country >= 0 ? country : undefined, aliases,
    wikidata: /^Q[1-9][0-9]*$/.test(wikidata || "") ? wikidata : "",
  }));
  const pairSize = new Map();
  const pairKey = (a, b) => (a < b ? a + "," + b : b + "," + a);
  data.edges = data.edges.map(([from, to, label, fact, kind, directed, bend], id) => {
    pairSize.set(pairKey(from, to), (pairSize.get(pairKey(from, to)) || 0) + 1);
    return {
      id, from, to, label: data.strings[label], fact, kind: KINDS[kind], directed: directed === 1,
      curve: bend ? [bend > 0 ? "curvedCW" : "curvedCCW", Math.abs(bend)] : null,
    };
  });
  const monthLabel = (m) => String(Math.floor(m / 12)).padStart(4, "0") + "-" + String((m % 12) + 1).padStart(2, "0");
  const nodeById = new Map(data.nodes.map((n) => [n.id, n]));

  const state = {
    factTypeOn: new Set(data.factTypes.map((t) => t.key)),
    entityTypeOn: new Set(data.entityTypes.map((t) => t.key)),
    from: null,
    to: null,
    visibleNodes: new Set(),
    visibleEdges: new Set(),
    highlighted: null,
  };

  function factVisible(index) {
    const fact = data.facts[index];
    if (!state.factTypeOn.has(fact.type)) return false;
    if (state.from !== null && fact.lm !== null && fact.lm < state.from) return false;
    if (state.to !== null && fact.em !== null && fact.em > state.to) return false;
    return true;
  }

  function nodePasses(node) {
    return node.event ? factVisible(node.fact) : state.entityTypeOn.has(node.type);
  }

  // A node shows when it passes its own filter and keeps at least one tie;
  // an edge shows when its fact does and both its ends pass.
  function recompute() {
    const edges = new Set();
    const nodes = new Set();
    for (const edge of data.edges) {
      if (!factVisible(edge.fact)) continue;
      const a = nodeById.get(edge.from);
      const b = nodeById.get(edge.to);
      if (!nodePasses(a) || !nodePasses(b)) continue;
      edges.add(edge.id);
      nodes.add(edge.from);
      nodes.add(edge.to);
    }
    state.visibleNodes = nodes;
    state.visibleEdges = edges;
  }

  // ------------------------------------------------------------------ header and empty page

  function showCounts() {
    const text = data.nodes.length
      ? `${state.visibleNodes.size} of ${data.nodes.length} nodes, ${state.visibleEdges.size} of ${data.edges.length} edges shown`
      : "";
    $("counts").textContent = text;
    const empty = $("empty");
    if (data.nodes.length && state.visibleNodes.size === 0) {
      empty.textContent = "Nothing matches the filters: widen the time range or tick more types.";
      empty.classList.remove("hidden");
    } else if (data.nodes.length) {
      empty.classList.add("hidden");
    }
  }

  if (!data.nodes.length) {
    // The page already says why it is empty; mark it drawn so that tools waiting on it stop.
    for (const input of document.querySelectorAll("#side input")) input.disabled = true;
    root.dataset.drawn = "empty";
    return;
  }

  // ------------------------------------------------------------------ vis-network items

  const baseNodeColor = new Map();
  const visNodes = data.nodes.map((n) => {
    const style = n.event ? factTypes.get(data.facts[n.fact].type) : entityTypes.get(n.type);
    const color = {
      background: style.color,
      border: n.event ? "#333" : "#4a4a4a",
      highlight: { background: style.color, border: "#000" },
      hover: { background: style.color, border: "#000" },
    };
    baseNodeColor.set(n.id, color);
    const item = {
      id: n.id,
      x: n.x,
      y: n.y,
      size: n.size,
      shape: n.event ? "diamond" : style.shape,
      color: color,
      borderWidth: n.focus ? 3 : 1,
      font: { size: n.event ? 12 : 17, color: n.event ? "#333" : "#111" },
    };
    // Small graphs: vis-network draws the labels, and declutter() below moves nodes
    // until none overlap. Big ones: plain dots (other shapes cost three times as
    // much to draw) and the label layer below draws the labels that fit.
    if (data.labelLayer) item.shape = "dot";
    else item.label = n.label;
    return item;
  });

  const baseEdgeColor = new Map();
  const visEdges = data.edges.map((e) => {
    const fact = data.facts[e.fact];
    const hue = e.kind === "related" ? "#9a9a9a" : factTypes.get(fact.type).color;
    const color = { color: hue, highlight: hue, hover: hue, inherit: false, opacity: 1 };
    baseEdgeColor.set(e.id, color);
    const item = {
      id: e.id,
      from: e.from,
      to: e.to,
      color: color,
      width: e.kind === "tie" ? 2 : 1.2,
      arrows: { to: { enabled: !!e.directed, scaleFactor: 0.6 } },
      dashes: e.kind === "related" ? [2, 4] : fact.planned ? [7, 4] : false,
    };
    // Edge labels are drawn by the label layer below, where they fit; role edges
    // (event to party) go unlabelled: the hover box names the role.
    e.text = e.kind === "tie" ? e.label : "";
    e.ink = "#444";
    // A fact another source contradicts (kg check) is marked: red, thick, and a warning sign.
    if (fact.conflicts.length && e.kind !== "related") {
      const red = { color: "#b00020", highlight: "#b00020", hover: "#b00020", inherit: false, opacity: 1 };
      baseEdgeColor.set(e.id, red);
      item.color = red;
      item.width = 4;
      e.text = "⚠ " + (e.text || "conflict");
      e.ink = "#b00020";
      item.conflict = true;
    }
    // Room between a pair for its parallel ties, where physics runs.
    const parallel = pairSize.get(pairKey(e.from, e.to));
    if (parallel > 1) item.length = 90 + 30 * Math.min(parallel, 8);
    if (e.curve) item.smooth = { enabled: true, type: e.curve[0], roundness: e.curve[1] };
    return item;
  });

  const nodes = new vis.DataSet(visNodes);
  const edges = new vis.DataSet(visEdges);
  const nodesView = new vis.DataView(nodes, { filter: (n) => state.visibleNodes.has(n.id) });
  const edgesView = new vis.DataView(edges, { filter: (e) => state.visibleEdges.has(e.id) });
  recompute();
  nodesView.refresh();
  edgesView.refresh();

  const big = data.big;
  const network = new vis.Network($("canvas"), { nodes: nodesView, edges: edgesView }, {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 1 },
    physics: data.physics
      ? {
          enabled: true,
          solver: "forceAtlas2Based",
          forceAtlas2Based: { gravitationalConstant: -45, centralGravity: 0.01, springLength: 90, springConstant: 0.05, avoidOverlap: 0.7 },
          stabilization: { iterations: 200, fit: true },
        }
      : { enabled: false },
    interaction: {
      // Above BIG_GRAPH_EDGES a redraw with every edge takes most of a second, and
      // hovering redraws: there, a click gives the details instead.
      hover: !big,
      hoverConnectedEdges: false,
      tooltipDelay: 100,
      hideEdgesOnDrag: big,
      hideEdgesOnZoom: big,
      dragNodes: !big,
      keyboard: false,
      navigationButtons: false,
    },
    nodes: { borderWidthSelected: 3, scaling: { label: { drawThreshold: 6 } } },
    edges: {
      smooth: false,
      font: { size: 10, color: "#444", strokeWidth: 3, strokeColor: "#fff", align: "middle" },
      selectionWidth: 2,
      hoverWidth: 1,
    },
  });

  network.once("afterDrawing", () => {
    window.kgFirstDrawMs = performance.now();
  });
  // "Drawn" (for people's tools and the tests) means settled and fully set up:
  // marked on the first frame after this script has finished.
  let settled = false;
  let ready = false;
  const markDrawn = () => {
    if (settled && ready) root.dataset.drawn = "1";
    else network.once("afterDrawing", markDrawn);
  };
  network.once("afterDrawing", markDrawn);
  // Once the layout is still (at once, or when physics has settled), and vis-network
  // has measured every label by drawing it, move nodes apart until no label overlaps.
  const settle = () => {
    const started = performance.now();
    window.kgDeclutterRounds = declutter();
    window.kgDeclutterMs = performance.now() - started;
    if (window.kgDeclutterRounds) network.fit();
    settled = true;
    network.redraw();
  };
  if (data.physics) {
    network.once("stabilizationIterationsDone", () => {
      network.setOptions({ physics: { enabled: false } });
      network.once("afterDrawing", () => setTimeout(settle, 0));
      network.redraw();
    });
  } else {
    network.once("afterDrawing", () => setTimeout(settle, 0));
  }

  // ------------------------------------------------------------------ fluid pans and zooms on big graphs

  // Redrawing 10,000 nodes takes a quarter of a second in Chromium without a GPU,
  // most of it rasterizing. So while a big graph is dragged or zoomed, the page
  // moves and scales a picture of the last full frame instead (one drawImage per
  // frame), and draws everything again once the gesture ends.
  if (big) {
    const renderer = network.renderer;
    let snapshot = null;
    let lastView = null;
    const drawNodes = renderer._drawNodes.bind(renderer);
    const drawEdges = renderer._drawEdges.bind(renderer);
    renderer._drawNodes = (ctx, always) => (snapshot ? { drawExternalLabels: () => {} } : drawNodes(ctx, always));
    renderer._drawEdges = (ctx) => (snapshot ? undefined : drawEdges(ctx));
    const take = () => {
      if (snapshot || !lastView) return;
      const src = network.canvas.frame.canvas;
      const copy = document.createElement("canvas");
      copy.width = src.width;
      copy.height = src.height;
      copy.getContext("2d").drawImage(src, 0, 0);
      snapshot = { image: copy, view: lastView };
    };
    network.on("dragStart", take);
    network.on("zoom", take);
    network.on("beforeDrawing", () => {
      if (snapshot && !renderer.dragging && !renderer.zooming) snapshot = null;
    });
    network.on("afterDrawing", (ctx) => {
      const scale = network.getScale();
      const t = network.body.view.translation;
      if (!snapshot) {
        lastView = { scale, x: t.x, y: t.y };
        return;
      }
      const k = scale / snapshot.view.scale;
      const ratio = network.canvas.pixelRatio || 1;
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(snapshot.image, (t.x - snapshot.view.x * k) * ratio, (t.y - snapshot.view.y * k) * ratio,
        snapshot.image.width * k, snapshot.image.height * k);
      ctx.restore();
    });
    window.kgSnapshot = () => snapshot !== null;
  }

  // ------------------------------------------------------------------ labels that do not overlap

  // Each node's box (shape and label) around its position, as vis-network measured it.
  function nodeBox(id) {
    const b = network.getBoundingBox(id);
    return b ? [b.left, b.top, b.right, b.bottom] : null;
  }
  const overlap = (a, b, gap) => a[0] < b[2] + gap && b[0] < a[2] + gap && a[1] < b[3] + gap && b[1] < a[3] + gap;

  // Push overlapping boxes apart, a little over half each way along the axis where
  // they overlap least (so that pairs settle rather than creep), until none do or
  // data.declutterRounds have passed. A grid as big as the largest box keeps it to
  // neighbours. Returns the rounds it took (0: nothing moved).
  function declutter() {
    if (data.labelLayer) return 0;
    const ids = network.body.nodeIndices.slice();
    const pos = network.getPositions(ids);
    const rel = new Map();
    let cell = 1;
    for (const id of ids) {
      const b = nodeBox(id);
      if (!b) continue;
      const p = pos[id];
      rel.set(id, [b[0] - p.x, b[1] - p.y, b[2] - p.x, b[3] - p.y]);
      cell = Math.max(cell, b[2] - b[0], b[3] - b[1]);
    }
    const xy = new Map([...rel.keys()].map((id) => [id, [pos[id].x, pos[id].y]]));
    const GAP = 10;
    let rounds = 0;
    for (let round = 1; round <= data.declutterRounds; round++) {
      const grid = new Map();
      for (const [id, [x, y]] of xy) {
        const key = Math.floor(x / cell) + "," + Math.floor(y / cell);
        if (!grid.has(key)) grid.set(key, []);
        grid.get(key).push(id);
      }
      let moved = false;
      for (const [id, at] of xy) {
        const gx = Math.floor(at[0] / cell);
        const gy = Math.floor(at[1] / cell);
        for (let dx = -1; dx <= 1; dx++) {
          for (let dy = -1; dy <= 1; dy++) {
            for (const other of grid.get(gx + dx + "," + (gy + dy)) || []) {
              if (other <= id) continue;
              const o = xy.get(other);
              const ra = rel.get(id);
              const rb = rel.get(other);
              const a = [at[0] + ra[0], at[1] + ra[1], at[0] + ra[2], at[1] + ra[3]];
              const b = [o[0] + rb[0], o[1] + rb[1], o[0] + rb[2], o[1] + rb[3]];
              const ox = Math.min(a[2], b[2]) - Math.max(a[0], b[0]) + GAP;
              const oy = Math.min(a[3], b[3]) - Math.max(a[1], b[1]) + GAP;
              if (ox <= 0.5 || oy <= 0.5) continue;  // apart by the gap, give or take rounding
              moved = true;
              if (ox < oy) {
                const s = ((a[0] + a[2]) >= (b[0] + b[2]) ? 1 : -1) * (ox * 0.6 + 0.5);
                at[0] += s;
                o[0] -= s;
              } else {
                const s = ((a[1] + a[3]) >= (b[1] + b[3]) ? 1 : -1) * (oy * 0.6 + 0.5);
                at[1] += s;
                o[1] -= s;
              }
            }
          }
        }
      }
      if (!moved) break;
      rounds = round;
    }
    if (rounds) nodes.update([...xy].map(([id, [x, y]]) => ({ id, x, y })));
    return rounds;
  }

  // The label layer: drawn over each frame, in canvas coordinates, at a constant size
  // on screen. Edge labels (ties only) show where they collide with no node and no
  // other label, so zooming in shows more of them; the hovered edge's label always
  // shows. On big graphs it also draws node labels: the most tied first, only where
  // they fit, and only once they are large enough to read.
  const LABEL_FONT = 'px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
  const degree = new Map();
  for (const e of data.edges) {
    degree.set(e.from, (degree.get(e.from) || 0) + 1);
    degree.set(e.to, (degree.get(e.to) || 0) + 1);
  }
  const labelOrder = data.nodes.map((n) => n.id).sort((a, b) => (degree.get(b) || 0) - (degree.get(a) || 0));
  let hoveredEdge = null;
  let drawnLabels = { nodes: [], edges: [], edgeIds: [] };

  function drawText(ctx, text, x, y, size, ink, scale) {
    ctx.font = size + LABEL_FONT;
    ctx.lineWidth = 3 / scale;
    ctx.strokeStyle = "#ffffff";
    ctx.lineJoin = "round";
    ctx.strokeText(text, x, y);
    ctx.fillStyle = ink;
    ctx.fillText(text, x, y);
  }

  network.on("afterDrawing", (ctx) => {
    drawnLabels = { nodes: [], edges: [], edgeIds: [] };
    const scale = network.getScale();
    const dragging = network.renderer.dragging || network.renderer.zooming;
    const taken = [];
    ctx.save();
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    if (data.labelLayer) {
      const size = 13 / scale;  // 13 px on screen
      const view = network.DOMtoCanvas({ x: 0, y: 0 });
      const far = network.DOMtoCanvas({ x: $("canvas").clientWidth, y: $("canvas").clientHeight });
      const positions = network.body.nodes;
      if (!dragging) {
        ctx.font = size + LABEL_FONT;
        for (const id of labelOrder) {
          const node = positions[id];
          if (!node || !state.visibleNodes.has(id)) continue;
          const r = node.options.size;
          if (node.x < view.x || node.x > far.x || node.y < view.y || node.y > far.y) continue;
          if (r * scale < 4) continue;  // too small on screen to be worth a name
          const n = data.nodes[id];
          const w = ctx.measureText(n.label).width;
          const y = node.y + r + size * 0.8;
          const box = [node.x - w / 2, y - size * 0.6, node.x + w / 2, y + size * 0.6];
          if (taken.some((t) => overlap(t, box, 0))) continue;
          taken.push(box);
          drawnLabels.nodes.push(box);
          drawText(ctx, n.label, node.x, y, size, n.event ? "#333" : "#111", scale);
        }
      }
    } else {
      for (const id of network.body.nodeIndices) {
        const b = nodeBox(id);
        if (b) taken.push(b);
        const size = network.body.nodes[id].labelModule.size;
        if (size && size.width > 0) taken.push([size.left, size.top, size.left + size.width, size.top + size.height]);
      }
    }
    if (!dragging && (data.edgeLabels || hoveredEdge !== null)) {
      const size = 11 / scale;  // 11 px on screen, whatever the zoom
      ctx.font = size + LABEL_FONT;
      const order = data.edgeLabels ? network.body.edgeIndices.slice() : [];
      if (hoveredEdge !== null) order.unshift(hoveredEdge);
      const seen = new Set();
      for (const id of order) {
        if (seen.has(id)) continue;
        seen.add(id);
        const e = data.edges[id];
        const edge = network.body.edges[id];
        if (!e || !e.text || !edge || !state.visibleEdges.has(id)) continue;
        const p = edge.edgeType.getPoint(0.5);
        const w = ctx.measureText(e.text).width + 4 / scale;
        const box = [p.x - w / 2, p.y - size * 0.65, p.x + w / 2, p.y + size * 0.65];
        if (id !== hoveredEdge && taken.some((t) => overlap(t, box, 0))) continue;
        taken.push(box);
        drawnLabels.edges.push(box);
        drawnLabels.edgeIds.push(id);
        drawText(ctx, e.text, p.x, p.y, size, e.ink, scale);
      }
    }
    ctx.restore();
  });

  function applyFilters() {
    recompute();
    nodesView.refresh();
    edgesView.refresh();
    if (state.highlighted !== null && !state.visibleNodes.has(state.highlighted)) clearHighlight();
    showCounts();
  }

  // ------------------------------------------------------------------ filters and legend

  function legendRow(label, count, sw, checked, onChange) {
    const box = el("input", { type: "checkbox" });
    box.checked = checked;
    const row = el("label", { class: "legend-row" }, box, sw, el("span", { text: label }), el("span", { class: "count", text: String(count) }));
    box.addEventListener("change", () => {
      row.classList.toggle("off", !box.checked);
      onChange(box.checked);
    });
    return row;
  }

  for (const t of data.factTypes) {
    $("fact-types").append(legendRow(t.label, t.count, swatch("line", t.color), true, (on) => {
      if (on) state.factTypeOn.add(t.key);
      else state.factTypeOn.delete(t.key);
      applyFilters();
    }));
  }
  for (const t of data.entityTypes) {
    $("entity-types").append(legendRow(t.label, t.count, swatch(data.labelLayer ? "dot" : t.shape, t.color), true, (on) => {
      if (on) state.entityTypeOn.add(t.key);
      else state.entityTypeOn.delete(t.key);
      applyFilters();
    }));
  }
  if (data.nodes.some((n) => n.event)) {
    $("legend-extra").append(
      el("div", { class: "legend-row" }, swatch("diamond", "#ddd"), el("span", { text: "event (coloured by fact type)" })),
      el("div", { class: "legend-row" }, swatch("line", "#777", true), el("span", { text: "planned, or made at / for an event" })),
    );
  }

  // Time range: two sliders over the months the facts span.
  // A loop, not Math.min(...months): spreading 100,000 values overflows the stack.
  let minMonth = Infinity;
  let maxMonth = -Infinity;
  for (const f of data.facts) {
    for (const m of [f.em, f.lm]) {
      if (m === null) continue;
      if (m < minMonth) minMonth = m;
      if (m > maxMonth) maxMonth = m;
    }
  }
  if (minMonth === Infinity) minMonth = maxMonth = 0;
  const fromInput = $("range-from");
  const toInput = $("range-to");
  for (const input of [fromInput, toInput]) {
    input.min = String(minMonth);
    input.max = String(maxMonth);
    input.step = "1";
    input.disabled = minMonth === maxMonth;
  }
  fromInput.value = String(minMonth);
  toInput.value = String(maxMonth);

  function onRange(moved) {
    let from = Number(fromInput.value);
    let to = Number(toInput.value);
    if (from > to) {
      if (moved === fromInput) to = from;
      else from = to;
      fromInput.value = String(from);
      toInput.value = String(to);
    }
    state.from = from === minMonth ? null : from;
    state.to = to === maxMonth ? null : to;
    $("range-label").textContent = `${monthLabel(from)} to ${monthLabel(to)}`;
    applyFilters();
  }
  fromInput.addEventListener("input", () => onRange(fromInput));
  toInput.addEventListener("input", () => onRange(toInput));
  $("range-label").textContent = `${monthLabel(minMonth)} to ${monthLabel(maxMonth)}`;

  // ------------------------------------------------------------------ neighbourhood highlighting

  const FADED_NODE = { background: "rgba(200,200,200,0.35)", border: "rgba(170,170,170,0.35)" };
  const FADED_EDGE = { color: "rgba(190,190,190,0.25)", highlight: "rgba(190,190,190,0.25)", hover: "rgba(190,190,190,0.25)", inherit: false, opacity: 0.25 };

  function highlight(id) {
    const keep = new Set([id, ...network.getConnectedNodes(id)]);
    const keepEdges = new Set(network.getConnectedEdges(id));
    nodes.update(data.nodes.map((n) => ({
      id: n.id,
      color: keep.has(n.id) ? baseNodeColor.get(n.id) : FADED_NODE,
      font: { color: keep.has(n.id) ? (n.event ? "#333" : "#111") : "rgba(0,0,0,0.18)" },
    })));
    edges.update(data.edges.map((e) => ({ id: e.id, color: keepEdges.has(e.id) ? baseEdgeColor.get(e.id) : FADED_EDGE })));
    state.highlighted = id;
  }

  function clearHighlight() {
    if (state.highlighted === null) return;
    nodes.update(data.nodes.map((n) => ({ id: n.id, color: baseNodeColor.get(n.id), font: { color: n.event ? "#333" : "#111" } })));
    edges.update(data.edges.map((e) => ({ id: e.id, color: baseEdgeColor.get(e.id) })));
    state.highlighted = null;
  }

  // ------------------------------------------------------------------ details and hover

  const safeUrl = (url) => (/^https?:\/\//i.test(url || "") ? url : null);

  function precisionWords(p) {
    return { year: "to the year", month: "to the month", day: "to the day" }[p] || p;
  }

  function typeLine(fact) {
    const t = factTypes.get(fact.type);
    const badge = el("span", { class: "badge" });
    badge.style.background = t.color;
    return el("div", { class: "kind" }, badge, t.label);
  }

  function citationBlock(index) {
    const c = data.citations[index];
    const src = data.sources[c.source];
    const cite = el("div", { class: "cite" }, "— ");
    const url = safeUrl(src.url);
    if (url) {
      const a = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" });
      a.textContent = src.title;
      cite.append(a);
    } else {
      cite.append(src.title);
    }
    if (src.publisher) cite.append(", " + src.publisher);
    if (src.reliability) cite.append(" (reliability " + src.reliability + ")");
    if (data.documents[c.source]) {
      const read = el("button", { class: "read", type: "button", text: "read in the document" });
      read.addEventListener("click", () => openReader(c));
      cite.append(" ", read);
    }
    return [el("blockquote", { text: c.quote }), cite];
  }

  // The reader pane: the quote's document, the quote marked at its offsets. The
  // text is the document's as built (kg.render.reader checks the offsets), set as text.
  function openReader(c) {
    const doc = data.documents[c.source];
    const mark = el("mark", { text: doc.text.slice(c.start, c.end) });
    $("reader-title").textContent = doc.title;
    $("reader-meta").textContent = doc.meta;
    $("reader-text").replaceChildren(document.createTextNode(doc.text.slice(0, c.start)), mark,
      document.createTextNode(doc.text.slice(c.end)));
    $("reader").classList.remove("hidden");
    mark.scrollIntoView({ block: "center" });
  }
  $("reader-close").addEventListener("click", () => $("reader").classList.add("hidden"));

  function factDetails(fact, roleLabel) {
    const box = $("details-body");
    box.replaceChildren();
    box.append(typeLine(fact), el("h2", { text: fact.label }));
    const dl = el("dl");
    dl.append(el("dt", { text: "Date" }), el("dd", {}, fact.date + " (" + precisionWords(fact.precision) + ")",
      fact.planned ? el("span", { class: "planned", text: " · planned" }) : null));
    if (fact.grade) {
      dl.append(el("dt", { text: "Grade" }), el("dd", { class: "grade", text: fact.grade,
        title: "source reliability " + fact.grade[0] + " (A best, F cannot be judged), information credibility " +
          fact.grade[1] + " (1 confirmed, 6 cannot be judged)" }));
    }
    if (roleLabel) dl.append(el("dt", { text: "Tie" }), el("dd", { text: roleLabel }));
    const parties = el("dd");
    fact.roles.forEach(([nodeId, roles], i) => {
      const n = nodeById.get(nodeId);
      if (i) parties.append("; ");
      parties.append(nodeLink(n), " (" + roles + ")");
    });
    if (fact.roles.length) dl.append(el("dt", { text: "Parties" }), parties);
    box.append(dl);
    for (const c of fact.citations) box.append(...citationBlock(c));
    // An arms deal is drawn once; its stages, each with its own date and sources, are listed here.
    if (fact.deal) {
      const section = el("div", { class: "deal" });
      section.append(el("h3", { text: "Deal " + fact.deal.id }));
      const list = el("ol");
      for (const [stage, date, index] of fact.deal.stages) {
        const stageFact = data.facts[index];
        const b = el("button", { class: "link", type: "button", text: stage || "stage" });
        b.addEventListener("click", () => factDetails(stageFact, null));
        list.append(el("li", {}, date + " · ", b, stageFact.grade ? " (" + stageFact.grade + ")" : ""));
      }
      section.append(list);
      box.append(section);
    }
    // Both sides of each conflict: this fact's quotes above, the other's here.
    for (const [otherIndex, reason] of fact.conflicts) {
      const other = data.facts[otherIndex];
      const section = el("div", { class: "conflict" });
      section.append(el("h3", { text: "⚠ Conflict" }), el("p", { text: reason }));
      const b = el("button", { class: "link", type: "button", text: other.label });
      b.addEventListener("click", () => factDetails(other, null));
      section.append(el("p", {}, "Contradicted by: ", b, other.grade ? " (" + other.grade + ")" : ""));
      for (const c of other.citations) section.append(...citationBlock(c));
      box.append(section);
    }
    $("details").classList.remove("hidden");
  }

  function nodeLink(n) {
    if (!n) return document.createTextNode("?");
    const b = el("button", { class: "link", type: "button", text: n.label });
    b.addEventListener("click", () => focusNode(n.id));
    return b;
  }

  function entityDetails(n) {
    const box = $("details-body");
    box.replaceChildren();
    const t = entityTypes.get(n.type);
    box.append(el("div", { class: "kind" }, swatch(data.labelLayer ? "dot" : t.shape, t.color), " " + t.label), el("h2", { text: n.label }));
    const dl = el("dl");
    if (n.aliases && n.aliases.length) dl.append(el("dt", { text: "Also" }), el("dd", { text: n.aliases.join("; ") }));
    if (n.country !== undefined) {
      dl.append(el("dt", { text: "Country" }), el("dd", {}, nodeLink(nodeById.get(n.country))));
    }
    if (n.wikidata) {
      const a = el("a", { href: "https://www.wikidata.org/wiki/" + n.wikidata, target: "_blank",
        rel: "noopener noreferrer", text: n.wikidata, class: "wikidata" });
      dl.append(el("dt", { text: "Wikidata" }), el("dd", {}, a));
    }
    box.append(dl);
    const facts = [...new Set(data.edges.filter((e) => (e.from === n.id || e.to === n.id) && state.visibleEdges.has(e.id)).map((e) => e.fact))];
    box.append(el("div", { class: "kind", text: `${facts.length} fact${facts.length === 1 ? "" : "s"} shown` }));
    const list = el("ul");
    for (const index of facts.slice(0, 200)) {
      const fact = data.facts[index];
      const b = el("button", { class: "link", type: "button", text: `${fact.date} · ${fact.label}` });
      b.addEventListener("click", () => factDetails(fact, null));
      list.append(el("li", {}, b));
    }
    box.append(list);
    $("details").classList.remove("hidden");
  }

  const tip = $("tip");
  function showTip(pointer, fact, heading) {
    tip.replaceChildren(typeLine(fact), el("div", { text: heading }),
      el("div", {}, fact.date + (fact.planned ? " · planned" : "") + (fact.grade ? " · " + fact.grade : "")));
    if (fact.citations.length) {
      const c = data.citations[fact.citations[0]];
      const src = data.sources[c.source];
      const q = c.quote;
      tip.append(el("div", { class: "quote", text: "“" + (q.length > 220 ? q.slice(0, 217) + "…" : q) + "”" }));
      tip.append(el("div", { class: "cite", text: "— " + src.title + (src.publisher ? ", " + src.publisher : "") +
        (fact.citations.length > 1 ? ` (+${fact.citations.length - 1} more; click for all)` : "") }));
    }
    const box = $("graph").getBoundingClientRect();
    tip.classList.remove("hidden");
    const x = Math.min(pointer.x + 14, box.width - tip.offsetWidth - 8);
    const y = Math.min(pointer.y + 14, box.height - tip.offsetHeight - 8);
    tip.style.left = Math.max(4, x) + "px";
    tip.style.top = Math.max(4, y) + "px";
  }
  const hideTip = () => tip.classList.add("hidden");

  network.on("hoverEdge", (p) => {
    hoveredEdge = p.edge;
    network.redraw();
    const e = data.edges[p.edge];
    const a = nodeById.get(e.from).label;
    const b = nodeById.get(e.to).label;
    showTip(p.pointer.DOM, data.facts[e.fact], `${a} → ${e.label} → ${b}`);
  });
  network.on("hoverNode", (p) => {
    const n = nodeById.get(p.node);
    if (n.event) showTip(p.pointer.DOM, data.facts[n.fact], data.facts[n.fact].label);
  });
  network.on("blurEdge", () => {
    hoveredEdge = null;
    hideTip();
    network.redraw();
  });
  network.on("blurNode", hideTip);
  network.on("dragStart", hideTip);

  network.on("click", (p) => {
    hideTip();
    if (p.nodes.length) {
      const n = nodeById.get(p.nodes[0]);
      highlight(n.id);
      if (n.event) factDetails(data.facts[n.fact], null);
      else entityDetails(n);
    } else if (p.edges.length) {
      const e = data.edges[p.edges[0]];
      factDetails(data.facts[e.fact], e.label);
    } else {
      clearHighlight();
      $("details").classList.add("hidden");
    }
  });
  $("details-close").addEventListener("click", () => {
    $("details").classList.add("hidden");
    clearHighlight();
    network.unselectAll();
  });

  // ------------------------------------------------------------------ search

  const names = new Map();
  for (const n of data.nodes) {
    if (n.event) continue;
    for (const name of [n.label, ...(n.aliases || [])]) {
      const key = name.toLowerCase();
      if (!names.has(key)) names.set(key, n.id);
    }
  }
  const options = $("names");
  for (const n of data.nodes) {
    if (!n.event) options.append(el("option", { value: n.label }));
  }

  function focusNode(id) {
    if (!state.visibleNodes.has(id)) {
      $("search-status").textContent = "That node is hidden by the filters.";
      return;
    }
    $("search-status").textContent = "";
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 400 } });
    highlight(id);
    const n = nodeById.get(id);
    if (n.event) factDetails(data.facts[n.fact], null);
    else entityDetails(n);
  }

  function search(text) {
    const key = text.trim().toLowerCase();
    if (!key) return;
    let id = names.get(key);
    if (id === undefined) {
      for (const [name, nodeId] of names) {
        if (name.includes(key)) {
          id = nodeId;
          break;
        }
      }
    }
    if (id === undefined) {
      $("search-status").textContent = "No entity goes by that name here.";
      return;
    }
    focusNode(id);
  }
  $("search").addEventListener("change", (ev) => search(ev.target.value));
  $("search").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") search(ev.target.value);
  });

  showCounts();
  window.kgView = {
    network,
    shown: () => ({ nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length }),
    total: () => ({ nodes: data.nodes.length, edges: data.edges.length }),
    // The boxes of the labels on screen, in canvas coordinates (for the tests'
    // overlap count): node labels as vis-network or the label layer drew them,
    // and the edge labels the label layer drew.
    labelBoxes: () => {
      const out = { nodes: drawnLabels.nodes.slice(), edges: drawnLabels.edges.slice(), edgeIds: drawnLabels.edgeIds.slice() };
      if (!data.labelLayer) {
        for (const id of network.body.nodeIndices) {
          const size = network.body.nodes[id].labelModule.size;
          if (size && size.width > 0) out.nodes.push([size.left, size.top, size.left + size.width, size.top + size.height]);
        }
      }
      return out;
    },
  };
  ready = true;
  network.redraw();
})();
