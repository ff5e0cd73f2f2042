"""The README's generated reference sections match the ontology and shapes."""

from kg.docs import render_readme

from .conftest import ROOT


def test_readme_generated_sections_are_up_to_date():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert render_readme(text) == text, "README is stale: run `python -m kg.docs`"
