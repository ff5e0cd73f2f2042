"""How the graph page scales: write time, file size, first draw and a pan in headless Chromium.

    python bench/bench_viz.py [--sizes 1000,10000,50000] [--out DIR] [--no-browser]

For each size it makes a seeded synthetic graph of that many entities and
twice as many two-party ties (hubs like states, facts of every type, each
with a date, a quote and a source), renders the page (layout included),
writes it, and opens it from file:// in Debian's Chromium with the network
refused, and times the first draw and the redraws of a ten-step mouse drag
and of ten wheel notches of zoom (the median gap between frames: what panning
and zooming feel like, bounded below by how fast Playwright delivers input),
and the median JavaScript cost of a drag frame (from vis-network's
beforeDrawing to the end of afterDrawing; rasterizing comes on top). The baseline,
measured the same way in the same process, is the seed graph (raw/). The
machines are shared and noisy: read the ratios.

The synthetic graph is built as kg.ties records directly, so the figures are
those of kg.network, kg.layout, kg.viz and the browser, not of `kg build`
(bench/synth.py measures that).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import kg  # noqa: E402
from kg.views.network import project  # noqa: E402
from kg.views.ties import Citation, Entity, Fact, Pair, Role, Source, Ties, load_ties  # noqa: E402
from kg.views.selection import select  # noqa: E402
from kg.render.page import render  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
ENTITY_MIX = [("State", 0.02), ("InternationalOrganization", 0.02), ("Person", 0.5), ("Ministry", 0.08),
              ("ArmedService", 0.05), ("Company", 0.08), ("ThinkTank", 0.05), ("Place", 0.15),
              ("WeaponSystem", 0.05)]
FACT_TYPES = ["membership", "arms_order", "arms_delivery", "exercise", "visit", "conference", "statement",
              "office", "treaty_status", "diplomatic_relations", "cooperation_mechanism", "agreement"]


def synthetic_ties(n_entities: int, seed: int = 7) -> Ties:
    """``n_entities`` entities and 2 × that many two-party facts, with hubs (states)."""
    rng = random.Random(seed)
    seed_ties = load_ties(_seed_build())  # for the vocabulary (fact and entity type labels)
    entities: dict[str, Entity] = {}
    weights: list[float] = []
    for i in range(n_entities):
        etype = rng.choices([t for t, _ in ENTITY_MIX], [w for _, w in ENTITY_MIX])[0]
        eid = f"e{i}"
        entities[eid] = Entity(eid, f"https://example.org/{eid}", etype, seed_ties.entity_types.get(etype, etype),
                               f"{etype} {i}", (f"alias {i}",))
        weights.append(40.0 if etype == "State" else 6.0 if etype == "InternationalOrganization" else 1.0)
    ids = list(entities)
    sources = [Source(f"doc{d}", f"Report number {d} on defence ties", "Publisher", f"https://example.org/{d}")
               for d in range(50)]
    facts: dict[str, Fact] = {}
    cumulative = list(itertools.accumulate(weights))  # choices() would re-add the weights every call
    for i in range(2 * n_entities):
        a = ids[i % n_entities] if i < n_entities else rng.choices(ids, cum_weights=cumulative)[0]
        b = rng.choices(ids, cum_weights=cumulative)[0]
        while b == a:
            b = rng.choice(ids)
        ftype = FACT_TYPES[i % len(FACT_TYPES)]
        year = rng.randint(1990, 2024)
        month = rng.randint(1, 12)
        start = dt.date(year, month, 1)
        end = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))
        fid = f"f{i}"
        quote = f"Officials said that {entities[a].name} and {entities[b].name} agreed in {year} to deepen ties."
        facts[fid] = Fact(fid, f"https://example.org/{fid}", ftype, seed_ties.fact_types[ftype],
                          f"{seed_ties.fact_types[ftype].capitalize()}: {entities[a].name} – {entities[b].name}",
                          f"{year}-{month:02d}", "month", start, end, planned=rng.random() < 0.05,
                          roles=[Role("party", "party", a), Role("party", "party", b)],
                          citations=[Citation(quote, 0, len(quote), sources[i % len(sources)])],
                          pairs=[Pair(a, b, "relatedTo", "related to", rng.random() < 0.5)])
    return Ties(entities, facts, seed_ties.fact_types, seed_ties.entity_types, "synthetic")


_SEED: Path | None = None


def _seed_build() -> Path:
    global _SEED
    if _SEED is None:
        _SEED = Path(tempfile.mkdtemp(prefix="kg-bench-seed-")) / "build"
        kg.build(ROOT / "raw", _SEED)
    return _SEED


def measure_page(name: str, ties: Ties, out: Path, browser) -> dict:
    t0 = time.perf_counter()
    g = project(select(ties))
    t1 = time.perf_counter()
    html = render(g)
    path = out / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    t2 = time.perf_counter()
    row = {"graph": name, "nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
           "project_s": t1 - t0, "write_s": t2 - t1, "mb": path.stat().st_size / 1e6,
           "draw_s": None, "drag_ms": None, "zoom_ms": None, "render_ms": None, "requests": None}
    if browser is not None:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        refused: list[str] = []
        url = path.resolve().as_uri()

        def route(r):
            if r.request.url == url:
                r.continue_()
            else:
                refused.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url, timeout=600_000)
        page.wait_for_selector("html[data-drawn]", state="attached", timeout=600_000)
        if errors:
            raise RuntimeError(f"{name}: the page failed: {errors}")
        row["draw_s"] = page.evaluate("window.kgFirstDrawMs") / 1000
        # A person pans by dragging: vis-network hides the edges of big graphs while
        # a drag lasts. Time each redraw during a ten-step drag across the canvas.
        # Each frame's own cost too: from vis-network's beforeDrawing to the end of
        # afterDrawing (kg's label layer included), which is what bounds the frame rate.
        page.evaluate("""() => { window.kgFrames = []; window.kgRender = []; let start = 0;
            kgView.network.on("beforeDrawing", () => { start = performance.now(); });
            kgView.network.on("afterDrawing", () => { const t = performance.now();
              window.kgFrames.push(t); window.kgRender.push([t, t - start]); }); }""")
        box = page.locator("#canvas").bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        t_drag = page.evaluate("performance.now()")
        for step in range(1, 11):
            page.mouse.move(x + 20 * step, y + 10 * step)
        page.mouse.up()
        page.wait_for_timeout(200)
        frames = [t for t in page.evaluate("window.kgFrames") if t >= t_drag]
        gaps = sorted(b - a for a, b in zip([t_drag] + frames, frames))
        row["drag_ms"] = gaps[len(gaps) // 2] if gaps else None
        renders = sorted(ms for t, ms in page.evaluate("window.kgRender") if t >= t_drag)
        row["render_ms"] = renders[len(renders) // 2] if renders else None
        # Zooming with the wheel: ten notches in, the median gap between frames.
        page.wait_for_timeout(400)
        t_zoom = page.evaluate("performance.now()")
        for _ in range(10):
            page.mouse.wheel(0, -60)
        page.wait_for_timeout(400)
        frames = [t for t in page.evaluate("window.kgFrames") if t >= t_zoom]
        gaps = sorted(b - a for a, b in zip([t_zoom] + frames, frames))
        row["zoom_ms"] = gaps[len(gaps) // 2] if gaps else None
        shown = page.evaluate("kgView.shown()")
        assert shown == {"nodes": row["nodes"], "edges": row["edges"]}, shown
        row["requests"] = len(refused)
        context.close()
    return row


def table(rows: list[dict], base: dict) -> str:
    head = ("| graph | nodes | edges | project s | layout+render+write s | HTML MB | first draw s "
            "| drag: ms per frame | drag fps | zoom: ms per frame | zoom fps | JS ms per drag frame "
            "| write × baseline | draw × baseline |")
    lines = [head, "|" + "---|" * 14]

    def f(v, fmt):
        return "n/a" if v is None else format(v, fmt)

    for r in rows:
        wx = r["write_s"] / base["write_s"] if base["write_s"] else None
        dx = r["draw_s"] / base["draw_s"] if r["draw_s"] and base["draw_s"] else None
        lines.append(f"| {r['graph']} | {r['nodes']:,} | {r['edges']:,} | {f(r['project_s'], '.2f')} | "
                     f"{f(r['write_s'], '.2f')} | {f(r['mb'], '.2f')} | {f(r['draw_s'], '.2f')} | "
                     f"{f(r['drag_ms'], '.0f')} | {f(1000 / r['drag_ms'] if r['drag_ms'] else None, '.0f')} | "
                     f"{f(r['zoom_ms'], '.0f')} | {f(1000 / r['zoom_ms'] if r['zoom_ms'] else None, '.0f')} | "
                     f"{f(r['render_ms'], '.1f')} | {f(wx, '.1f')} | {f(dx, '.1f')} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="entity counts, comma-separated")
    parser.add_argument("--out", type=Path, default=None, help="folder for the pages (a temporary one by default)")
    parser.add_argument("--no-browser", action="store_true", help="only write the pages")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="kg-bench-viz-"))
    out.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    def run(browser) -> None:
        rows = [measure_page("seed (baseline)", load_ties(_seed_build()), out, browser)]
        for n in sizes:
            print(f"... {n:,} entities", file=sys.stderr, flush=True)
            rows.append(measure_page(f"synthetic {n:,}", synthetic_ties(n), out, browser))
        print(table(rows, rows[0]))
        refused = sum(r["requests"] or 0 for r in rows)
        print(f"\nrequests refused (should be 0): {refused}; pages in {out}")

    if args.no_browser:
        run(None)
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            run(browser)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
