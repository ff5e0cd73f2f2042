"""`kg diff`: what changed between two builds, fact by fact and field by field."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from kg.views.changes import EntityRecord, FactRecord, Snapshot, compare, diff

from .conftest import SEED_RAW, invoke
from .edits import DOC, NEW_DOC, write_edited_raw

MI35 = "“Thus far, the only notable order to have come from the thaw in relations is {} Mi-35M from Russian " \
       "Helicopters in 2015.” (004_05d95eeefa1e2818)"


def _fields(change) -> dict:
    return {c.field: (c.old, c.new) for c in change.changes}


def assert_exactly_the_edits(found) -> None:
    assert [f.id for f in found.facts_added] == ["friendship-2018"]
    assert found.facts_removed == []
    changed = {c.id: _fields(c) for c in found.facts_changed}
    assert changed == {
        "friendship-2017": {
            "date": (["2017"], ["2017-10"]),
            "quote": (["“This was followed by Friendship 2017 in Russia.” (004_05d95eeefa1e2818)"],
                      ["“It was held in October 2017.” (004_05d95eeefa1e2818)",
                       "“This was followed by Friendship 2017 in Russia.” (004_05d95eeefa1e2818)"])},
        "pakistan-orders-mi-35m-2015": {
            "quantity": (["4"], ["6"]),
            "quote": ([MI35.format("four")], [MI35.format("six")])},
    }
    assert [(e.id, e.name, e.type) for e in found.entities_added] == [("pabbi", "Pabbi", "Place")]
    assert found.entities_removed == [] and found.entities_merged == [] and found.entities_changed == []
    assert [d.id for d in found.documents_added] == [NEW_DOC]
    assert [d.id for d in found.documents_changed] == [DOC]
    assert found.documents_removed == []


def test_one_edited_and_one_added_document_give_exactly_those_changes(built, edited_built):
    # Editing 004 moved the offsets of every quote after the edit: none of those facts shows.
    assert_exactly_the_edits(diff(built, edited_built))
    back = diff(edited_built, built)
    assert [f.id for f in back.facts_removed] == ["friendship-2018"] and back.facts_added == []
    assert {c.id for c in back.facts_changed} == {"friendship-2017", "pakistan-orders-mi-35m-2015"}
    assert diff(built, built).empty


def test_the_cli_prints_text_json_and_an_html_section(built, edited_built, tmp_path):
    result = invoke("diff", built, edited_built)
    assert result.exit_code == 0, result.output
    text = result.output
    assert "facts: 1 added, 0 removed, 2 changed" in text
    assert "  + Friendship 2018 (2018-10)" in text
    assert "      date: 2017 → 2017-10" in text and "      quantity: 4 → 6" in text
    assert "  + Pabbi (Place)" in text
    result = invoke("diff", built, edited_built, "--json", "--html", tmp_path / "changes.html")
    data = json.loads(result.stdout)
    assert [f["id"] for f in data["facts_added"]] == ["friendship-2018"]
    assert {c["id"] for c in data["facts_changed"]} == {"friendship-2017", "pakistan-orders-mi-35m-2015"}
    section = (tmp_path / "changes.html").read_text(encoding="utf-8")
    assert section.startswith('<section class="kg-diff"') and "quantity: 4 → 6" in section


def test_two_git_revisions_of_raw_give_the_same_changes(tmp_path):
    if shutil.which("git") is None:
        pytest.fail("git is missing: kg diff of revisions needs it")
    repo = tmp_path / "repo"
    shutil.copytree(SEED_RAW, repo / "raw")

    def git(*args):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                       env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                            "GIT_COMMITTER_EMAIL": "t@t", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "seed")
    shutil.rmtree(repo / "raw")
    write_edited_raw(SEED_RAW, repo / "raw")
    git("add", "-A")
    git("commit", "-qm", "edits")
    assert_exactly_the_edits(diff("HEAD~1", "HEAD", raw=repo / "raw"))
    result = invoke("diff", "HEAD~1", "HEAD", "--raw", repo / "raw")
    assert result.exit_code == 0 and "quantity: 4 → 6" in result.output


def test_a_refined_date_keeps_a_derived_id_fact_as_one_changed_fact(built, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SEED_RAW, raw)
    sheet = raw / "000_7ea689264487c6d2.facts.yaml"
    text = sheet.read_text(encoding="utf-8")
    old = "    treaty: NPT\n    status: party\n    date: as of 21-22 November 2023\n"
    assert text.count(old) == 1
    sheet.write_text(text.replace(old, "    treaty: NPT\n    status: party\n    date: as of 22 November 2023\n"),
                     encoding="utf-8")
    import kg

    kg.build(raw, tmp_path / "build")
    found = diff(built, tmp_path / "build")
    assert found.facts_added == [] and found.facts_removed == []
    (change,) = found.facts_changed
    fields = _fields(change)
    assert fields["id"] == (["treaty-status-russia-npt-party-as-of-2023-11-21-2023-11-22"],
                            ["treaty-status-russia-npt-party-as-of-2023-11-22"])
    assert fields["date"] == (["as of 2023-11-21/2023-11-22"], ["as of 2023-11-22"])


def test_an_entity_gone_under_another_name_is_merged():
    def snap(entities):
        return Snapshot({}, {e.id: e for e in entities}, {}, {}, {})
    old = snap([EntityRecord("ceness", "CENESS", "ThinkTank"), EntityRecord("pir", "PIR Center", "ThinkTank"),
                EntityRecord("gone", "Gone Institute", "ThinkTank")])
    new = snap([EntityRecord("center-for-energy", "Center for Energy and Security Studies", "ThinkTank",
                             ["CENESS"]), EntityRecord("pir", "PIR Center", "ThinkTank", ["PIR"])])
    found = compare(old, new)
    assert [(m.old.id, m.into.id) for m in found.entities_merged] == [("ceness", "center-for-energy")]
    assert [e.id for e in found.entities_removed] == ["gone"]
    assert found.entities_added == []  # the new id is the merged one, not a new entity
    assert [(e.id, [c.field for c in cs]) for e, cs in found.entities_changed] == [("pir", ["aliases"])]
    rec = FactRecord("f", "exercise", "X (2017)", "2017", {"@participant": ["A", "B"], "name": ["X"],
                                                           "date": ["2017"]})
    moved = FactRecord("g", "exercise", "X (2017-06)", "2017-06", {"@participant": ["A", "B"], "name": ["X"],
                                                                  "date": ["2017-06"]})
    found = compare(Snapshot({"f": rec}, {}, {}, {}, {}), Snapshot({"g": moved}, {}, {}, {}, {}))
    assert [(c.old_id, c.id) for c in found.facts_changed] == [("f", "g")]


def test_bad_sides_are_one_line_and_exit_2(built, tmp_path):
    (tmp_path / "notabuild").mkdir()
    for args, words in (((built, tmp_path / "notabuild"), "is not a build folder"),
                        ((built, "no-such-revision-xyz"), "neither a build folder nor a git revision")):
        result = invoke("diff", *args, "--raw", SEED_RAW)
        assert result.exit_code == 2, result.output
        lines = [line for line in result.output.splitlines() if line]
        assert len(lines) == 1 and words in lines[0] and "Traceback" not in result.output
