"""The README's generated sections match the ontology, the commands, and what they print."""

from kg.docs import render_readme, seed_workdir

from .conftest import ROOT


def test_readme_generated_sections_are_up_to_date():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert render_readme(text) == text, "README is stale: run `python -m kg.docs`"


def test_readme_command_synopses_and_console_examples_are_what_the_commands_print(built, tmp_path):
    """Each `$ kg ...` in a console section is run on the seeds; the README must show its output."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    fresh = render_readme(text, seed_workdir(tmp_path, built=built))
    assert "$ kg query --list" in text and "kg serve [--build DIR]" in fresh
    assert fresh == text, "README is stale: run `python -m kg.docs`"
