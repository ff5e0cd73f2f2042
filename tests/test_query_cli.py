"""`kg query`: names, files, strings, parameters and every output format."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

from rdflib import Graph
from rdflib.plugins.sparql.results.jsonresults import JSONResultParser

from kg.sparql.named import named_queries

from .conftest import invoke


def test_list_shows_every_named_query_with_its_parameters(built):
    result = invoke("query", "--list")
    assert result.exit_code == 0
    for name, q in named_queries().items():
        assert name in result.output and q.title in result.output
    assert "parameters: a=Pakistan b=Russia" in result.output


# The seeds agree with each other: `conflicts` answers with no rows there (tests/test_conflicts.py
# gives it a contradiction to find).
EMPTY_ON_SEEDS = {"conflicts"}


def test_every_named_query_has_a_title_and_runs(built):
    for name in named_queries():
        result = invoke("query", "--build", built, name, "-f", "json")
        assert result.exit_code == 0, (name, result.output)
        bindings = json.loads(result.output)["results"]["bindings"]
        assert bool(bindings) != (name in EMPTY_ON_SEEDS), name


def test_table_is_the_default(built):
    result = invoke("query", "--build", built, "arms-transfers")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[1].startswith("| transfer") and lines[-1] == "1 row"
    assert "Mi-35M" in result.output


def test_json_is_sparql_results_json(built):
    result = invoke("query", "--build", built, "membership", "-f", "json")
    parsed = JSONResultParser().parse(io.StringIO(result.output))
    assert [str(v) for v in parsed.vars][:2] == ["memberName", "organizationName"]
    row = {str(k): str(v) for k, v in parsed.bindings[0].items()}
    assert row["joinedWith"] == "India"


def test_csv_tsv_and_xml(built):
    out = invoke("query", "--build", built, "bilateral-exercises", "-f", "csv").output
    table = list(csv.DictReader(io.StringIO(out)))
    assert [r["exercise"] for r in table] == ["Friendship 2016", "Friendship 2017"]
    tsv = invoke("query", "--build", built, "bilateral-exercises", "-f", "tsv").output.splitlines()
    assert tsv[0].startswith("?exercise\t?date") and '"Friendship 2016"' in tsv[1]
    xml = invoke("query", "--build", built, "bilateral-exercises", "-f", "xml").output
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    assert len(ET.fromstring(xml).findall("s:results/s:result", ns)) == 2


def test_bind_sets_parameters(built):
    result = invoke("query", "--build", built, "membership", "-b", "member=India", "-f", "csv")
    assert "India,Shanghai Cooperation Organisation,full member,2017-06,Pakistan" in result.output
    # an alias, in any case, names the entity
    result = invoke("query", "--build", built, "posts", "-f", "csv")
    assert "Kazi Khalilullah" in result.output
    result = invoke("query", "--build", built, "statements-by", "-b", "speaker=gen. zubair mahmood hayat", "-f", "csv")
    assert len(list(csv.DictReader(io.StringIO(result.output)))) == 4


def test_query_string_and_rq_file_with_parameters(built, tmp_path):
    q = "SELECT ?org WHERE { $state kg:memberOf ?o . ?o kg:acronym ?org } ORDER BY ?org"
    result = invoke("query", "--build", built, q, "-b", "state=Pakistan", "-f", "csv")
    assert result.output.split() == ["org", "IAEA", "SCO"]
    rq = tmp_path / "members.rq"
    rq.write_text("# title: members\n# param: org = SCO (entity)\nSELECT ?m WHERE { ?m kg:memberOf $org }\n")
    result = invoke("query", "--build", built, rq, "-f", "csv")
    assert sorted(result.output.split()[1:]) == ["https://w3id.org/bilateral-kg/id/india",
                                                  "https://w3id.org/bilateral-kg/id/pakistan"]
    # a $parameter inside a string or an IRI is not a parameter
    result = invoke("query", "--build", built, 'SELECT ("$state" AS ?x) WHERE {}', "-f", "csv")
    assert result.output.split() == ["x", "$state"]


def test_construct_gives_rdf_in_any_format(built):
    q = "CONSTRUCT { ?a kg:exercisedWith ?b } WHERE { ?a kg:exercisedWith ?b }"
    ttl = invoke("query", "--build", built, q).output
    g = Graph().parse(data=ttl, format="turtle")
    assert len(g) == 2
    nt = invoke("query", "--build", built, q, "-f", "nt").output
    assert len(Graph().parse(data=nt, format="nt")) == 2
    refused = invoke("query", "--build", built, "arms-transfers", "-f", "ttl")
    assert refused.exit_code == 2


def test_ask_and_show(built):
    assert invoke("query", "--build", built, "ASK { kgr:pakistan kg:memberOf kgr:sco }").output == "yes\n"
    shown = invoke("query", "--build", built, "dyad", "--show").output
    assert "<https://w3id.org/bilateral-kg/id/pakistan>" in shown and "$a" not in shown.split("WHERE")[1]
