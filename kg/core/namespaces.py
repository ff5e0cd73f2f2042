"""The IRIs kg mints and the vocabularies it uses."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, TIME

BASE = "https://w3id.org/bilateral-kg/"
KG = Namespace(BASE + "ontology#")
KGR = Namespace(BASE + "id/")
KGSH = Namespace(BASE + "shapes#")
CAMEO = Namespace(BASE + "cameo/")
ORG = Namespace("http://www.w3.org/ns/org#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")
SH = Namespace("http://www.w3.org/ns/shacl#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")

PREFIXES = {
    "kg": KG, "kgr": KGR, "cameo": CAMEO, "rdf": RDF, "rdfs": RDFS, "owl": OWL,
    "xsd": XSD, "skos": SKOS, "dcterms": DCTERMS, "prov": PROV, "org": ORG,
    "sem": SEM, "schema": SCHEMA, "time": TIME, "wd": WD, "foaf": FOAF,
}

REGISTRY_GRAPH = KGR["graph/registry"]


def entity_iri(entity_id: str):
    return KGR[entity_id]


def fact_iri(fact_id: str):
    return KGR["fact/" + fact_id]


def document_iri(doc_id: str):
    return KGR["doc/" + doc_id]


def graph_iri(doc_id: str):
    return KGR["graph/" + doc_id]


def citation_path(doc_id: str, start: int, end: int) -> str:
    """A citation's IRI after KGR (a plain string, for code that makes many: rdflib's Namespace is slow)."""
    return f"citation/{doc_id}/{start}-{end}"


def sparql_prefixes() -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
