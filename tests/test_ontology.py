"""The ontology and its shapes: complete, labelled, aligned, and in step with the fact sheets."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.core import resources
from kg.core.namespaces import KG, SH
from kg.sources.schema import ENTITY, load_schema

ONTOLOGY = Graph().parse(resources.ontology_file())
SHAPES = Graph().parse(resources.shapes_file())


def _kg_terms():
    terms = {s for s in ONTOLOGY.subjects() if isinstance(s, URIRef) and str(s).startswith(str(KG))}
    return sorted(terms)


def test_it_is_an_owl_ontology():
    assert (URIRef("https://w3id.org/bilateral-kg/ontology"), RDF.type, OWL.Ontology) in ONTOLOGY


def test_every_term_has_a_label_and_a_definition():
    missing = [t for t in _kg_terms()
               if ONTOLOGY.value(t, RDFS.label) is None or ONTOLOGY.value(t, SKOS.definition) is None]
    assert missing == []
    assert len(_kg_terms()) > 150


def test_aligned_with_standard_vocabularies():
    ancestors = lambda c: set(ONTOLOGY.transitive_objects(c, RDFS.subClassOf))  # noqa: E731
    assert URIRef("http://www.w3.org/ns/org#Membership") in ancestors(KG.Membership)
    assert URIRef("http://www.w3.org/ns/org#Membership") in ancestors(KG.OfficeHolding)
    assert URIRef("http://www.w3.org/ns/prov#Entity") in ancestors(KG.Fact)
    assert URIRef("http://semanticweb.cs.vu.nl/2009/11/sem/Event") in ancestors(KG.MilitaryExercise)
    assert URIRef("https://schema.org/Event") in ancestors(KG.Conference)
    assert URIRef("http://www.w3.org/ns/org#Role") in ancestors(KG.Post)
    assert (KG.memberOf, RDFS.subPropertyOf, URIRef("http://www.w3.org/ns/org#memberOf")) in ONTOLOGY


def test_cameo_codes_are_skos_concepts_with_notations():
    codes = {str(ONTOLOGY.value(c, SKOS.notation)) for c in ONTOLOGY.subjects(SKOS.inScheme, KG.CameoScheme)}
    assert {"010", "040", "042", "043", "057", "061", "062"} <= codes
    for cls in ONTOLOGY.subjects(KG.cameoCode, None):
        assert (ONTOLOGY.value(cls, KG.cameoCode), RDF.type, SKOS.Concept) in ONTOLOGY


def test_every_fact_type_of_the_issue_is_there_with_a_shape():
    schema = load_schema()
    assert set(schema.fact_types) == {
        "membership", "arms_order", "arms_delivery", "exercise", "visit", "conference", "agreement",
        "treaty_status", "diplomatic_relations", "anniversary", "statement", "cooperation_mechanism",
        "energy_cooperation", "office"}
    for name, ftype in schema.fact_types.items():
        assert list(SHAPES.subjects(SH.targetClass, ftype.cls)), name
        own = set(ftype.fields) - {"planned", "note", "related"}
        assert own, f"{name} has no keys of its own"
        assert ftype.shortcuts or name == "anniversary", f"{name} yields no shortcut triple"


def test_every_shape_path_is_an_ontology_property():
    for path in SHAPES.objects(None, SH.path):
        if str(path).startswith(str(KG)):
            assert ONTOLOGY.value(path, RDF.type) in (OWL.ObjectProperty, OWL.DatatypeProperty), path


def test_role_properties_are_participants():
    schema = load_schema()
    for ftype in schema.fact_types.values():
        for f in ftype.fields.values():
            if f.kind == ENTITY:
                assert KG.participant in set(ONTOLOGY.transitive_objects(f.path, RDFS.subPropertyOf)), f.path


def test_the_schema_reads_the_ontology_and_shapes_as_rdflib_would():
    """load_schema parses with pyoxigraph (faster) into rdflib graphs: the same graphs, the same prefixes."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from kg.core import resources
    from kg.sources.schema import _read_turtle

    for path in (resources.ontology_file(), resources.shapes_file()):
        theirs, ours = Graph().parse(path, format="turtle"), _read_turtle(path)
        assert len(ours) > 100 and isomorphic(theirs, ours)
        assert sorted(theirs.namespaces()) == sorted(ours.namespaces())
