"""Projecting facts onto networkx, choosing views, and the files for Gephi."""

from __future__ import annotations

import csv
import datetime as dt
import io
from itertools import combinations

import networkx as nx
import pytest

from kg.core.errors import UnknownEntityError, UsageError
from kg.views.network import entity_graph, event_node, export_network, project, write_network
from kg.views.ties import load_ties
from kg.views.selection import View, select


@pytest.fixture(scope="module")
def ties(store):
    return load_ties(store)


def test_ties_read_facts_with_roles_dates_and_quotes(ties):
    order = ties.facts["pakistan-orders-mi-35m-2015"]
    assert order.type == "arms_order" and order.type_label == "arms order"
    assert [(r.key, r.entity) for r in order.roles][:2] == [("supplier", "russia"), ("recipient", "pakistan")]
    assert (order.date, order.precision) == ("2015", "year")
    assert (order.earliest, order.latest) == (dt.date(2015, 1, 1), dt.date(2015, 12, 31))
    assert "four Mi-35M" in order.quotes[0]
    assert order.sources[0].publisher == "Quwa"
    # The ontology's shortcut gives the tie its direction and label.
    assert [(p.subject, p.label, p.object) for p in order.pairs] == [("pakistan", "ordered arms from", "russia")]
    before = ties.facts["hayat-cjcsc"]
    assert before.earliest is None and before.latest == dt.date(2023, 11, 20)
    assert ties.facts["peace-mission-2018"].planned


def test_a_two_party_fact_is_one_edge_and_a_many_party_fact_an_event(ties):
    g = project(select(ties), events=True)
    for fact in ties.facts.values():
        parts = fact.participants
        if len(parts) == 2:
            keys = [k for *_, k, in g.edges(keys=True) if k.startswith(fact.id + "/")]
            assert len(keys) == 1, fact.id
            assert event_node(fact) not in g
        elif len(parts) > 2:
            node = event_node(fact)
            assert g.nodes[node]["kind"] == "event"
            assert {v for _, v, d in g.out_edges(node, data=True) if d["kind"] == "role"} == set(parts)
    order = g.edges["pakistan", "russia", "pakistan-orders-mi-35m-2015/0"] if g.has_edge(
        "pakistan", "russia", "pakistan-orders-mi-35m-2015/0") else None
    assert order is None  # four parties: an event
    rel = g.edges["pakistan", "russia", "pakistan-russia-diplomatic-relations/0"]
    assert rel["label"] == "has diplomatic relations with" and rel["directed"] is False
    assert rel["quote"].startswith("both countries are") and rel["date"] == "1948"
    energy = g.edges["russia", "pakistan", "russia-pakistan-crude-oil-third-shipment/0"]
    assert energy["directed"] is True and energy["label"] == "supplies energy to"


def test_folded_facts_give_one_edge_per_pair_and_parallel_ties_stay_distinct(ties):
    g = project(select(ties), events=False)
    assert all(d["kind"] == "entity" for _, d in g.nodes(data=True))
    expected = sum(len(list(combinations(f.participants, 2))) for f in ties.facts.values())
    assert g.number_of_edges() == expected
    assert g.graph["not_drawn"] == sum(1 for f in ties.facts.values() if len(f.participants) < 2)
    between = [k for u, v, k in g.edges(keys=True) if {u, v} == {"pakistan", "russia"}]
    assert len(between) == len(set(between)) > 10
    arms = g.edges["pakistan", "russia", "pakistan-orders-mi-35m-2015/0"]
    assert (arms["label"], arms["directed"]) == ("ordered arms from", True)


def test_entity_graph_weights_pairs_by_shared_facts(ties):
    g = entity_graph(select(ties))
    assert isinstance(g, nx.Graph) and not g.is_multigraph()
    assert g.edges["pakistan", "russia"]["weight"] == len(g.edges["pakistan", "russia"]["facts"]) > 10


def test_views_at_any_date_precision(ties):
    assert {f.id for f in select(ties, View(since="2016", until="2016")).facts.values()} >= {"friendship-2016"}
    june = select(ties, View(since="2017-06", until="2017-06-30", types=("membership",)))
    assert {f.id for f in june.facts.values()} == {"pakistan-joins-sco", "india-joins-sco"}
    assert "2017-06-01 to 2017-06-30" in june.subtitle
    labels = select(ties, View(types=("arms order", "Exercise"))).facts.values()
    assert {f.type for f in labels} == {"arms_order", "exercise"}


def test_focus_reaches_out_by_depth(ties):
    one = select(ties, View(focus="mi-35m"))
    assert set(one.entities) == {"mi-35m", "pakistan", "russia", "russian-helicopters"}
    two = select(ties, View(focus="Mi-35M", depth=2))
    assert len(two.facts) > 20 and "sco" in two.entities
    assert select(ties, View(focus="mi-35m", depth=0)).empty


def test_dyad_keeps_shared_organizations_and_treaties(ties):
    dyad = select(ties, View(dyad=("pakistan", "RUSSIA")))
    assert dyad.title == "Pakistan – Russia"
    ids = set(dyad.facts)
    assert {"pakistan-member-of-iaea", "russia-member-of-iaea", "friendship-2016"} <= ids
    assert "india-joins-sco" not in ids  # India is a third state, not common ground


def test_bad_views_are_usage_errors(ties):
    with pytest.raises(UnknownEntityError, match=r"no entity named 'Pakstan'.*did you mean Pakistan"):
        select(ties, View(focus="Pakstan"))
    with pytest.raises(UnknownEntityError) as info:
        select(ties, View(dyad=("Pakistan", "Rusia")))
    assert info.value.exit_code == 2 and "Russia" in str(info.value)
    for bad in (View(since="2016-13"), View(since="2018", until="2016"), View(types=("exercize",)),
                View(focus="Pakistan", dyad=("Pakistan", "Russia"))):
        with pytest.raises(UsageError):
            select(ties, bad)
    assert select(ties, View(since="2030")).empty_message().startswith("No facts match this view (2030-01-01")


def test_graphml_and_gexf_load_back_with_their_attributes(built, tmp_path):
    g = project(select(load_ties(built)))
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        path = tmp_path / f"kg.{fmt}"
        export_network(fmt, built, path)
        back = read(path)
        assert back.number_of_nodes() == g.number_of_nodes()
        assert back.number_of_edges() == g.number_of_edges()
        assert back.nodes["pakistan"]["entity_type"] == "State"
        assert back.nodes["fact/friendship-2016"]["fact_type"] == "exercise"
        edges = {d.get("id", k): d for _, _, k, d in back.edges(keys=True, data=True)}
        rel = edges["pakistan-russia-diplomatic-relations/0"]
        assert rel["fact_type"] == "diplomatic_relations" and rel["date"] == "1948"
        assert rel["earliest"] == "1948-01-01" and rel["directed"] in (False, "false")
        assert "Press Release" in rel["source"] and rel["url"].startswith("https://")
    stream = io.StringIO()
    write_network(g, "gexf", stream)
    assert 'mode="dynamic"' in stream.getvalue() and 'start="1948-01-01"' in stream.getvalue()


def test_csv_writes_gephi_node_and_edge_tables(built, tmp_path):
    files = export_network("csv", built, tmp_path / "gephi", events=False)
    assert [f.name for f in files] == ["nodes.csv", "edges.csv"]
    nodes = list(csv.DictReader((tmp_path / "gephi" / "nodes.csv").open(encoding="utf-8")))
    edges = list(csv.DictReader((tmp_path / "gephi" / "edges.csv").open(encoding="utf-8")))
    assert {"Id", "Label", "entity_type"} <= set(nodes[0])
    assert {"Source", "Target", "Type", "Label", "date", "source", "quote"} <= set(edges[0])
    arms = next(e for e in edges if e["Id"] == "pakistan-orders-mi-35m-2015/0")
    assert (arms["Source"], arms["Target"], arms["Type"]) == ("pakistan", "russia", "Directed")
    with pytest.raises(UsageError, match="-o DIR"):
        export_network("csv", built, None)
