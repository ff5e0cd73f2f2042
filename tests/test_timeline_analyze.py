"""`kg timeline` and `kg analyze`: chronologies, measures and chains, through the API and the CLI."""

from __future__ import annotations

import io
import json

import pytest

from kg.views.analyze import measures, path
from kg.core.errors import UnknownEntityError, UsageError
from kg.views.ties import load_ties
from kg.render.timeline import chronology, plot, write
from kg.views.selection import View, select

from .conftest import invoke


@pytest.fixture(scope="module")
def ties(store):
    return load_ties(store)


def test_pakistan_russia_runs_from_1948_to_2023_in_order(ties):
    found = chronology(ties, "Pakistan", "Russia")
    keys = [f.sort_key() for f in found.facts]
    assert keys == sorted(keys)
    assert found.facts[0].date == "1948" and found.facts[0].type == "diplomatic_relations"
    assert found.facts[-1].date.endswith("2023-11-22")
    assert [f.date for f in found.facts[:4]] == ["1948", "2015", "2016", "2017"]


def test_timeline_cli_prints_a_table_in_date_order(built):
    result = invoke("timeline", "pakistan", "RUSSIA", "--build", built)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("Pakistan – Russia: 30 fact(s)")
    dated = [line.split()[0] for line in lines[4:] if line[:1].isdigit()]
    assert dated[0] == "1948" and dated[-1].startswith("2023")
    assert dated.index("2015") < dated.index("2016")
    quoted = invoke("timeline", "Pakistan", "Russia", "--quotes", "--since", "2015", "--until", "2015",
                    "--build", built)
    assert "“Thus far, the only notable order" in quoted.output and "— Pakistan will participate" in quoted.output


def test_timeline_formats_and_plot(ties, tmp_path):
    found = chronology(ties, "Pakistan", "Russia", View(types=("exercise",)))
    out = io.StringIO()
    write(found, out, "json")
    data = json.loads(out.getvalue())
    assert [f["fact"] for f in data["facts"]] == ["Friendship 2016", "Friendship 2017"]
    out = io.StringIO()
    write(found, out, "csv")
    assert out.getvalue().splitlines()[0].startswith("date,earliest,latest,precision,type,fact")
    for name in ("chart.png", "chart.svg"):
        written = plot(chronology(ties, "Pakistan", "Russia"), tmp_path / name)
        assert written.stat().st_size > 5000
    assert (tmp_path / "chart.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(UsageError):
        plot(found, tmp_path / "chart.gif")


def test_timeline_of_hostile_names_prints_no_control_characters(hostile_built):
    result = invoke("timeline", "pakistan", "evil-img", "--quotes", "--build", hostile_built)
    assert result.exit_code == 0
    assert "\u2028" not in result.output and "\x1b" not in result.output
    assert "<img src=x onerror=alert(1)>" in result.output  # a terminal shows it as the text it is


def test_measures_rank_the_two_states_first(ties):
    found = measures(select(ties), top=3)
    assert {r.name for r in found.degree[:2]} == {"Pakistan", "Russia"}
    assert found.betweenness[0].name in {"Pakistan", "Russia"}
    assert sum(c.size for c in found.communities) <= found.nodes == 32
    assert found.components == 1
    again = measures(select(ties), top=3)
    assert [c.members for c in again.communities] == [c.members for c in found.communities]


def test_bridges_are_the_ties_that_hold_groups_on(ties):
    # Memberships alone make a chain: India - SCO - Pakistan - IAEA - Russia.
    found = measures(select(ties, View(types=("membership",))))
    assert found.components == 1 and found.nodes == 5
    assert {(b.a, b.b, b.cut_off) for b in found.bridges} == {
        ("Pakistan", "Shanghai Cooperation Organisation", 2), ("International Atomic Energy Agency", "Pakistan", 2)}
    assert found.leaf_bridges == 2


def test_path_gives_each_hop_its_fact_date_and_quote(ties):
    hops = path(select(ties), "Kazi Khalilullah", "vladimir putin")
    assert [h.source for h in hops] == ["Kazi Khalilullah", "Russia"] and hops[-1].target == "Vladimir Putin"
    assert hops[0].fact.date == "as of 2018-02-01" and hops[0].fact.quotes
    with pytest.raises(UnknownEntityError, match="did you mean Vladimir Putin"):
        path(select(ties), "Kazi Khalilullah", "Vladimir Puttin")
    with pytest.raises(UsageError, match="no chain"):
        path(select(ties, View(since="2016", until="2016")), "Kyrgyzstan", "Russia")


def test_analyze_cli(built):
    result = invoke("analyze", "--top", "3", "--build", built)
    assert result.exit_code == 0
    assert "Degree centrality" in result.output and "Communities" in result.output and "Bridges" in result.output
    data = json.loads(invoke("analyze", "-f", "json", "--build", built).output)
    assert data["degree"][0]["name"] in {"Pakistan", "Russia"}
    result = invoke("analyze", "path", "Kazi Khalilullah", "Vladimir Putin", "--build", built)
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "Kazi Khalilullah to Vladimir Putin: 2 hop(s)"
    assert "“Pakistan’s Ambassador to Russia Kazi Khalilullah”" in result.output


def test_plot_marks_planned_and_open_ended_facts_and_skips_empty_decades(ties, tmp_path):
    from kg.render.timeline import plot_slots, status_of

    found = chronology(ties, "Pakistan", "Russia")
    slots = plot_slots(found)
    labels = [s.label for s in slots]
    # 1948, then one gap for the 66 empty years, then every year from 2015 to 2023.
    assert labels == ["1948", "1949–2014"] + [str(y) for y in range(2015, 2024)]
    assert slots[1].year is None and slots[1].total == 0
    by_year = {s.year: s for s in slots}
    assert sum(s.total for s in slots) == len(found.facts)
    # The planned visit and conference of April 2018, and "before 2018-02-01" statements.
    statuses = {st for s in slots for (_, st) in s.counts}
    assert statuses == {"reported", "planned", "open"}
    assert by_year[2018].counts[("visit", "planned")] == 1
    assert sum(n for (_, st), n in by_year[2018].counts.items() if st == "open") == \
        sum(1 for f in found.facts if status_of(f) == "open" and f.latest.year == 2018)
    written = plot(found, tmp_path / "chart.svg")
    svg = written.read_text(encoding="utf-8")
    assert "<pattern" in svg  # the hatches of planned and open-ended bars
