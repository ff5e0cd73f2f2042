"""kg.extract.folder.extract_drafts: the `kg extract` workflow as a library call, without click."""

from __future__ import annotations

import shutil

import pytest

from kg.core.errors import MissingInputError, UsageError
from kg.extract.folder import extract_drafts
from .conftest import ROOT

GOLD = ROOT / "eval" / "gold"


def test_a_folder_is_drafted_and_what_happened_is_said(tmp_path):
    src = tmp_path / "inbox"
    src.mkdir()
    for name in ("g01_rafale_india.txt", "g13_sweden_nato.txt"):
        shutil.copy(GOLD / name, src)
    (src / "bad.txt").write_bytes(b"caf\xe9")
    said: list[tuple[str, str]] = []
    seen: list[int] = []

    def progress(results, n):
        import contextlib

        seen.append(n)
        return contextlib.nullcontext(results)

    report = extract_drafts(src, tmp_path / "drafts", registry=GOLD / "entities.yaml", jobs=1,
                            say=lambda kind, text: said.append((kind, text)), progress=progress)
    assert (report.written, report.failed) == (2, 1) and report.facts > 0 and seen == [3]
    assert sorted(p.name for p in (tmp_path / "drafts").glob("*.facts.yaml")) == [
        "g01_rafale_india.facts.yaml", "g13_sweden_nato.facts.yaml"]
    assert [k for k, _ in said] == ["error"] and "bad.txt" in said[0][1]
    assert "from 2 document(s)" in report.summary() and "1 document(s) could not be read" in report.summary()
    with pytest.raises(UsageError, match="--force"):
        extract_drafts(src, tmp_path / "drafts", registry=GOLD / "entities.yaml", jobs=1)
    assert extract_drafts(src, tmp_path / "drafts", registry=GOLD / "entities.yaml", jobs=1, force=True).written == 2


def test_one_document_is_returned_as_text_and_a_missing_registry_is_a_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_RAW", str(tmp_path / "nowhere"))
    doc = tmp_path / "g13.txt"
    shutil.copy(GOLD / "g13_sweden_nato.txt", doc)
    said: list[tuple[str, str]] = []
    report = extract_drafts(doc, say=lambda kind, text: said.append((kind, text)))
    assert report.out is None and "facts:" in report.text and not list(tmp_path.glob("*.facts.yaml"))
    assert said == [("warning", "no entity registry found; every entity will be proposed as new")]
    with pytest.raises(MissingInputError):
        extract_drafts(tmp_path / "absent.txt")
    with pytest.raises(UsageError, match="-o DIR"):
        extract_drafts(tmp_path)
