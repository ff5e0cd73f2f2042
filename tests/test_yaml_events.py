"""kg's YAML read from libyaml's events gives what PyYAML's nodes give, lines included.

kg.sources.yamlsrc builds plain YAML (untagged mappings, sequences and scalars)
straight from the parser's events, and hands anything else to the node-based
loader. These tests hold the two to the same values, types and lines on every
YAML file the project has and on odd texts, and check that the unusual ones
still get the node-based loader's errors.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kg.core.errors import SourceError
from kg.sources import yamlsrc

ROOT = Path(__file__).resolve().parent.parent


def _nodes(text: str):
    return yaml.load(text, Loader=yamlsrc._Loader)  # noqa: S506 - the node-based path, for comparison


def _same(a, b) -> bool:
    """Equal values of equal types, with equal lines for every mapping, key, sequence and item."""
    if type(a) is not type(b):
        return False
    if isinstance(a, yamlsrc.LDict):
        return (a.line == b.line and a.key_lines == b.key_lines and list(a) == list(b)
                and all(_same(a[k], b[k]) for k in a))
    if isinstance(a, yamlsrc.LList):
        return a.line == b.line and a.item_lines == b.item_lines and len(a) == len(b) and all(map(_same, a, b))
    return a == b


PROJECT_YAML = sorted(p for pattern in ("raw/*.yaml", "raw/*.yml", "eval/**/*.yaml", "tests/**/*.yaml")
                      for p in ROOT.glob(pattern))


@pytest.mark.parametrize("path", PROJECT_YAML, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_of_the_project_reads_the_same_from_events(path):
    text = path.read_text(encoding="utf-8")
    events = yamlsrc._from_events(text)  # (raises _Unusual where it would hand the text on)
    assert _same(events, _nodes(text))


def test_there_are_project_files_to_compare():
    assert len(PROJECT_YAML) >= 10 and any(p.name == "entities.yaml" for p in PROJECT_YAML)


PLAIN = [
    "",
    "# only a comment\n",
    "a: 1\n",
    "a: 1\nb: -2\nc: 0x1F\nd: 0o17\ne: 1_000\nf: +5\ng: 0b101\n",
    "a: 1.5\nb: .inf\nc: -.Inf\nd: 1e3\ne: 6.8523015e+5\n",
    "a: yes\nb: No\nc: true\nd: off\ne: ON\n",
    "a: null\nb: ~\nc:\nd: Null\n",
    "a: 2017-06-09\nb: 2001-12-14t21:59:43.10-05:00\nc: '2017-06-09'\n",
    "a: 'single'\nb: \"double \\u00e9\"\nc: plain text here\nd: |\n  block\n  text\ne: >\n  folded\n  text\n",
    "- 1\n- two\n- [3, four, {five: 5}]\n- {a: b, c: [d]}\n",
    "facts:\n  - type: visit\n    date: June 2017\n    participants: [pakistan, russia]\n"
    "    nested:\n      - k: v\n        k2:\n          - x\n",
    "1: one\n2: two\n",
    "true: yes\n",  # a bool key: the node-based loader takes it too (as "True")
    "a: &anchor 1\nb: 2\n",  # an anchor with no alias is harmless
    "---\na: 1\n...\n",
    "a: [\n  1,\n  2\n]\n",
    "key with spaces: value\n'quoted key': 2\n",
    "a: 1 # a comment\n# another\nb: 2\n",
    "a: ''\nb: \"\"\nc: '  '\n",
    "a: 12:30:00\nb: 1:20\n",  # sexagesimal numbers (YAML 1.1)
]


@pytest.mark.parametrize("text", PLAIN)
def test_plain_yaml_reads_the_same_from_events_or_is_handed_on(text):
    try:
        events = yamlsrc._from_events(text)
    except yamlsrc._Unusual:
        events = _nodes(text)
    assert _same(events, _nodes(text))
    assert _same(yamlsrc.loads(text), _nodes(text))


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n",  # an alias
    "a: !!str 1\n",  # an explicit tag
    "a: !custom x\n",
    "!!map {a: 1}\n",
    "base: &b {x: 1}\nother:\n  <<: *b\n",
    "<<: {x: 1}\n",  # a merge key
    "a: 1\na: 2\n",  # a repeated key
    "? [a, b]\n: 1\n",  # a complex key
    "? {a: 1}\n: 1\n",
    "1.5: x\n",  # a key that is not text
    "null: x\n",
    "a: 1\n---\nb: 2\n",  # two documents
    "!!set {a, b}\n",
    "a: =\n",  # YAML 1.1's value key
])
def test_what_events_leave_to_the_node_based_loader(text):
    with pytest.raises(yamlsrc._Unusual):
        yamlsrc._from_events(text)
    try:
        expected = _nodes(text)
    except (yaml.YAMLError, SourceError) as exc:
        with pytest.raises(SourceError):
            yamlsrc.loads(text)
        assert exc is not None
    else:
        assert _same(yamlsrc.loads(text), expected)


@pytest.mark.parametrize("text, message, line", [
    ("a: &x 1\nb: *x\n", "alias", 2),
    ("a: 1\na: 2\n", "appears twice", 2),
    ("<<: {x: 1}\n", "merge key", 1),
    ("? [a, b]\n: 1\n", "a key must be text", 1),
    ("a: [1, 2\nb: 3\n", "YAML syntax error", None),
    ("a: 'open\nb: c\n", "YAML syntax error", 3),
    ("a: 1\n---\nb: 2\n", "YAML syntax error", None),
])
def test_errors_are_those_of_the_node_based_loader(text, message, line):
    with pytest.raises(SourceError, match=message) as err:
        yamlsrc.loads(text)
    if line is not None:
        assert err.value.line == line


def test_a_synthetic_sheet_reads_the_same(tmp_path):
    """A generated fact sheet (bench/synth.py), every value kind a real sheet has."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from synth import generate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    generate(tmp_path / "raw", facts=300)
    sheets = sorted((tmp_path / "raw").glob("*.yaml"))
    assert sheets
    for sheet in sheets:
        text = sheet.read_text(encoding="utf-8")
        assert _same(yamlsrc._from_events(text), _nodes(text)), sheet.name


def test_nesting_is_bounded_with_the_line_where_it_goes_too_deep():
    sheet = "facts:\n" + "".join("  " * i + f"- b{i}:\n" for i in range(1, 20))  # 39 levels: read
    assert isinstance(yamlsrc.loads(sheet), yamlsrc.LDict)
    flow_ok = "a: " + "[" * (yamlsrc.MAX_NESTING - 1) + "]" * (yamlsrc.MAX_NESTING - 1) + "\n"
    assert isinstance(yamlsrc.loads(flow_ok), yamlsrc.LDict)
    with pytest.raises(SourceError, match="nested too deeply") as err:
        yamlsrc.loads("x: 1\na: " + "[" * yamlsrc.MAX_NESTING + "]" * yamlsrc.MAX_NESTING + "\n")
    assert err.value.line == 2
