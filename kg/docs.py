"""Reference tables for the README, generated from the ontology and shapes.

`python -m kg.docs` rewrites the marked sections of README.md; a test fails
when the README has drifted from the ontology.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from .core.namespaces import KG, PREFIXES
from .sources.schema import CONCEPT, ENTITY, FACT, NESTED, Field, load_schema


def _q(term) -> str:
    for prefix, ns in PREFIXES.items():
        if str(term).startswith(str(ns)):
            return f"{prefix}:{str(term)[len(str(ns)):]}"
    return str(term)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def ontology_tables() -> str:
    """Markdown tables of the ontology's classes and properties."""
    schema = load_schema()
    onto = schema.ontology
    lines = ["| class | subclass of | sheet type | CAMEO | definition |", "|---|---|---|---|---|"]
    classes = sorted((c for c in onto.subjects(RDF.type, OWL.Class)
                      if isinstance(c, URIRef) and str(c).startswith(str(KG))), key=str)
    for c in classes:
        parents = ", ".join(sorted(_q(p) for p in onto.objects(c, RDFS.subClassOf)))
        sheet = onto.value(c, KG.sheetType)
        cameo = onto.value(c, KG.cameoCode)
        code = onto.value(cameo, SKOS.notation) if cameo is not None else None
        lines.append(f"| `{_q(c)}` | {parents} | {f'`{sheet}`' if sheet else ''} | {code or ''} | "
                     f"{_cell(onto.value(c, SKOS.definition))} |")
    lines += ["", "| property | kind | sub-property of | definition |", "|---|---|---|---|"]
    props = sorted((p for t in (OWL.ObjectProperty, OWL.DatatypeProperty) for p in onto.subjects(RDF.type, t)
                    if str(p).startswith(str(KG))), key=str)
    for p in props:
        kind = "object" if (p, RDF.type, OWL.ObjectProperty) in onto else "datatype"
        parents = ", ".join(sorted(_q(x) for x in onto.objects(p, RDFS.subPropertyOf)))
        lines.append(f"| `{_q(p)}` | {kind} | {parents} | {_cell(onto.value(p, SKOS.definition))} |")
    return "\n".join(lines)


def _kind(f: Field, schema) -> str:
    if f.kind == ENTITY:
        return f"entity: {schema.label(f.range)}"
    if f.kind == FACT:
        return "id of another fact"
    if f.kind == CONCEPT:
        return "one of " + ", ".join(f"`{k}`" for k in sorted(f.concepts))
    if f.kind == NESTED:
        return "list of {" + ", ".join(s.key for s in f.nested) + "}"
    return _q(f.range).replace("xsd:", "")


def sheet_tables() -> str:
    """Markdown: for each fact type, the keys its fact sheets take."""
    schema = load_schema()
    common = [k for k in next(iter(schema.fact_types.values())).fields
              if all(k in t.fields for t in schema.fact_types.values())]  # the keys of every fact (kgsh:Fact)
    out = ["Every fact takes `type`, `date` and `quote` (text or a list; each must be found in the document), "
           f"and may take `id`, {', '.join(f'`{k}`' for k in common[:-1])} and `{common[-1]}`.", ""]
    for name, ftype in sorted(schema.fact_types.items()):
        definition = _cell(schema.ontology.value(ftype.cls, SKOS.definition))
        out += [f"**`{name}`** (`{_q(ftype.cls)}`): {definition}", "",
                "| key | value | required | many |", "|---|---|---|---|"]
        for key, f in ftype.fields.items():
            if key in common:
                continue
            out.append(f"| `{key}` | {_kind(f, schema)} | {'yes' if f.min_count else ''} | "
                       f"{'' if f.max_count == 1 else 'yes'} |")
        out.append("")
    return "\n".join(out).rstrip()


SECTIONS = {"ontology": ontology_tables, "fact-sheets": sheet_tables}


def render_readme(text: str) -> str:
    """The README with each generated section replaced by fresh output."""
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- begin generated: {name} -->).*?(<!-- end generated: {name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"README has no generated section {name!r}")
        text = pattern.sub(lambda m: m.group(1) + "\n" + make() + "\n" + m.group(2), text)
    return text


def main(argv: list[str] | None = None) -> int:
    path = Path(argv[0] if argv else "README.md")
    text = path.read_text(encoding="utf-8")
    fresh = render_readme(text)
    if fresh != text:
        path.write_text(fresh, encoding="utf-8")
        print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
