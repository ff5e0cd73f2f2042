"""Bad input: one clear line naming file, line and reason; exit codes; nothing lost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kg
from kg.store.export import export

from .conftest import SEED_RAW, invoke

SHEET = "004_05d95eeefa1e2818.facts.yaml"


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def _break(raw: Path, old: str, new: str, name: str = SHEET) -> Path:
    path = raw / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _build_fails(raw: Path, out: Path):
    result = invoke("build", "--raw", raw, "--out", out)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.stderr


@pytest.fixture(scope="module")
def previous_build(tmp_path_factory) -> Path:
    """A good build that a failed build must leave byte for byte as it was. Built once: every
    case snapshots it just before its failed build and checks it after, so sharing it loses
    nothing (a case that changed it would fail there)."""
    out = tmp_path_factory.mktemp("previous") / "build"
    kg.build(SEED_RAW, out)
    return out


def _snapshot(out: Path) -> dict[str, bytes]:
    """Every file of a build folder, and the store's content as N-Quads."""
    files = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    files["store"] = export("nq", out)
    files["folders"] = repr(sorted(p.name for p in out.iterdir() if p.is_dir())).encode()
    return files


def _unchanged(out: Path, before: dict[str, bytes]) -> None:
    assert _snapshot(out) == before


CASES = {
    "syntax error": ("    member: Pakistan\n    organization: SCO", "    member: [Pakistan\n    organization: SCO",
                     "YAML syntax error"),
    "unknown entity": ("weapon: Mi-35M", "weapon: Mi-36X", "unknown entity 'Mi-36X'"),
    "unknown fact type": ("type: arms_order", "type: arms_sale", "unknown fact type 'arms_sale'"),
    "missing required field": ("    supplier: Russia\n", "", "missing required key 'supplier'"),
    "impossible date": ("date: June 2017", "date: 2017-13", "month 13 is out of range"),
    "quote not in document": ("quote: \"Thus far, the only notable order",
                              "quote: \"Thus far, the only remarkable order", "quote not found"),
    "wrong entity type": ("weapon: Mi-35M", "weapon: Pakistan", "'weapon' must be a weapon system"),
    "unknown key": ("    quantity: 4\n", "    quantity: 4\n    quantiy: 5\n", "unknown key 'quantiy'"),
    "bad status": ("status: full", "status: fully", "'status' must be one of"),
}


@pytest.mark.parametrize("case", CASES)
def test_malformed_fact_sheet_names_file_line_and_reason_and_keeps_build(case, raw_copy, previous_build):
    old, new, reason = CASES[case]
    path = _break(raw_copy, old, new)
    before = _snapshot(previous_build)
    stderr = _build_fails(raw_copy, previous_build)
    first = stderr.splitlines()[0]
    assert reason in first, stderr
    m = re.match(r"kg: error: (.+?):(\d+): ", first)
    assert m and Path(m.group(1)) == path, first
    # The line named is the line at fault (or, for a missing key, the fact's first line).
    anchor = {"missing required field": "type: arms_order", "syntax error": "organization: SCO"}.get(case, new.strip() or old.strip())
    expected = _line_of(path, anchor.splitlines()[0])
    assert abs(int(m.group(2)) - expected) <= 1, (first, expected)
    _unchanged(previous_build, before)


def test_every_problem_is_reported_not_just_the_first(raw_copy, tmp_path):
    _break(raw_copy, "weapon: Mi-35M", "weapon: Mi-36X")
    _break(raw_copy, "date: June 2017", "date: 2017-13")
    stderr = _build_fails(raw_copy, tmp_path / "out")
    assert "unknown entity 'Mi-36X'" in stderr and "month 13" in stderr
    assert "2 problem(s); nothing was written" in stderr
    assert not (tmp_path / "out").exists()


def test_shape_violation_maps_back_to_the_sheet_line(raw_copy, tmp_path):
    # Two quantities pass the sheet reader only if a list is given where one value is allowed.
    _break(raw_copy, "    quantity: 4\n", "    quantity: [4, 5]\n")
    stderr = _build_fails(raw_copy, tmp_path / "out")
    assert "'quantity' takes one value" in stderr


def test_conflicting_statements_of_one_fact_are_refused(raw_copy, tmp_path):
    (raw_copy / "010_x.txt").write_text("---\ntitle: t\npublisher: p\nreference_date: 2019\n---\n"
                                        "Pakistan ordered six Mi-35M in 2015.\n", encoding="utf-8")
    (raw_copy / "010_x.facts.yaml").write_text(
        "facts:\n  - type: arms_order\n    id: pakistan-orders-mi-35m-2015\n    supplier: Russia\n"
        "    recipient: Pakistan\n    weapon: Mi-35M\n    quantity: 6\n    date: 2015\n"
        "    quote: Pakistan ordered six Mi-35M in 2015.\n", encoding="utf-8")
    stderr = _build_fails(raw_copy, tmp_path / "out")
    assert "stated differently" in stderr and "010_x.facts.yaml:2" in stderr


def test_bad_front_matter_and_registry(raw_copy, tmp_path):
    doc = raw_copy / "004_05d95eeefa1e2818.txt"
    doc.write_text(doc.read_text(encoding="utf-8").replace("reference_date: 2018-02-01", "reference_date: 2018-02-31"),
                   encoding="utf-8")
    stderr = _build_fails(raw_copy, tmp_path / "out")
    assert f"{doc}:6: reference_date: day 31 is out of range" in stderr

    doc.write_text("no front matter here\n", encoding="utf-8")
    assert "no front matter" in _build_fails(raw_copy, tmp_path / "out")


def test_registry_alias_clash_is_refused(raw_copy, tmp_path):
    _break(raw_copy, "  aliases: [Islamic Republic of Pakistan, Pakistani]",
           "  aliases: [Islamic Republic of Pakistan, Pakistani, Russia]", name="entities.yaml")
    stderr = _build_fails(raw_copy, tmp_path / "out")
    assert "entities.yaml" in stderr and "already a name of" in stderr


def test_missing_folder_is_exit_2(tmp_path):
    result = invoke("build", "--raw", tmp_path / "nowhere", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"kg: error: no such folder: {tmp_path / 'nowhere'}"


def test_malformed_query_reports_line_and_column_exit_2(built):
    result = invoke("query", "--build", built, "SELECT ?x WHERE {\n  ?x a }")
    assert result.exit_code == 2
    assert re.search(r"line 2, column \d+", result.stderr), result.stderr
    assert "Traceback" not in result.output


def test_missing_query_file_and_missing_build_are_exit_2(built, tmp_path):
    result = invoke("query", "--build", built, str(tmp_path / "nope.rq"))
    assert result.exit_code == 2 and "no such query file" in result.stderr
    result = invoke("query", "--build", tmp_path / "empty", "dyad")
    assert result.exit_code == 2 and "run `kg build` first" in result.stderr
    result = invoke("export", "--build", tmp_path / "empty")
    assert result.exit_code == 2 and "run `kg build` first" in result.stderr


def test_bad_bindings_are_exit_2(built):
    result = invoke("query", "--build", built, "dyad", "--bind", "a=Pakistn")
    assert result.exit_code == 2 and "did you mean Pakistan" in result.stderr
    result = invoke("query", "--build", built, "dyad", "--bind", "zz=1")
    assert result.exit_code == 2 and "no parameter $zz" in result.stderr
    result = invoke("query", "--build", built, "dyad", "--bind", "novalue")
    assert result.exit_code == 2
    result = invoke("query", "--build", built, "nosuchquery")
    assert result.exit_code == 2 and "no named query" in result.stderr
