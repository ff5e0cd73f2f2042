"""`kg export`: every RDF format reads back as the same graph."""

from __future__ import annotations

from rdflib import Dataset, Graph

import kg
from kg.core.namespaces import KGR

from .conftest import ROOT, assert_isomorphic, invoke


def test_each_format_round_trips(built, tmp_path):
    reference = Graph().parse(built / "kg.ttl")
    for fmt, parser in (("ttl", "turtle"), ("nt", "nt"), ("xml", "xml"), ("jsonld", "json-ld"),
                        ("trig", "trig"), ("nq", "nquads")):
        out = tmp_path / f"kg.{fmt}"
        result = invoke("export", "--build", built, "--format", fmt, "-o", out)
        assert result.exit_code == 0, result.output
        ds = Dataset()
        ds.parse(out, format=parser)
        union = Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            union.add((s, p, o))
        assert_isomorphic(reference, union)


def test_stdout_by_default_and_trig_keeps_graphs(built):
    result = invoke("export", "--build", built, "--format", "trig")
    assert result.exit_code == 0
    ds = Dataset()
    ds.parse(data=result.output, format="trig")
    assert len(ds.graph(KGR["graph/004_05d95eeefa1e2818"])) > 100


def test_with_ontology_adds_the_terms(built):
    plain = Graph().parse(data=invoke("export", "--build", built).output, format="turtle")
    full = Graph().parse(data=invoke("export", "--build", built, "--with-ontology").output, format="turtle")
    assert len(full) > len(plain) + 500


def test_export_output_is_deterministic(built):
    assert invoke("export", "--build", built, "-f", "nt").output == invoke("export", "--build", built, "-f", "nt").output


def test_kg_export_writes_the_builds_own_files_byte_for_byte(tmp_path):
    """`kg export` equals build/kg.ttl and `kg export --format trig` build/kg.trig, so the
    README's `kg export --format nt | head -3` shows what a build's files begin with."""
    out = tmp_path / "build"
    kg.build(ROOT / "raw", out, files=True)
    assert invoke("export", "--build", out).stdout_bytes == (out / "kg.ttl").read_bytes()
    assert invoke("export", "--build", out, "--format", "trig").stdout_bytes == (out / "kg.trig").read_bytes()
    assert kg.export("trig", out) == (out / "kg.trig").read_bytes()
