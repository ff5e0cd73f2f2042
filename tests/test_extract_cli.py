"""`kg extract` and `kg eval` from the command line: output formats, bad input, and the build."""

from __future__ import annotations

import json
import os
import shutil

import pytest
import yaml

import kg
from .conftest import ROOT, SEED_RAW, invoke

SCHEMA = ROOT / "docs" / "extract-draft.schema.json"
GOLD = ROOT / "eval" / "gold"
SEED_DOCS = sorted(SEED_RAW.glob("*.txt"))


def test_seed_drafts_are_accepted_by_kg_build_as_they_stand(raw_copy, tmp_path):
    for sheet in raw_copy.glob("*.facts.yaml"):
        sheet.unlink()
    result = invoke("extract", raw_copy, "-o", raw_copy)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in raw_copy.glob("*.facts.yaml")) == [p.stem + ".facts.yaml" for p in SEED_DOCS]
    built = kg.build(raw_copy, tmp_path / "build")
    assert built.facts >= 30
    assert {"membership", "treaty_status", "office", "statement", "conference"} <= set(built.facts_by_type)


def test_drafts_that_need_new_entities_are_commented_out_and_proposed(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(GOLD / "g10_poland_korea_k2.txt", raw)
    shutil.copy(SEED_RAW / "entities.yaml", raw)  # a registry that knows none of Poland, Korea, K2
    result = invoke("extract", raw, "-o", raw)
    assert result.exit_code == 0, result.stderr
    sheet = (raw / "g10_poland_korea_k2.facts.yaml").read_text()
    assert "# not included: needs new" in sheet and "#   weapon: K2" in sheet
    proposals = yaml.safe_load((raw / "g10_poland_korea_k2.entities.yaml").read_text())
    assert proposals["poland"] == {"name": "Poland", "type": "State", "iso3166": "PL"}
    assert proposals["hyundai-rotem"]["type"] == "Company"
    kg.build(raw, tmp_path / "build")  # the sheet still builds


def test_one_document_prints_a_yaml_sheet_to_stdout():
    result = invoke("extract", SEED_DOCS[1])
    assert result.exit_code == 0, result.stderr
    sheet = yaml.safe_load(result.stdout)
    types = {f["type"] for f in sheet["facts"]}
    assert {"membership", "exercise", "visit", "office", "arms_order"} <= types
    assert "# confidence" in result.stdout


def test_json_output_follows_the_documented_schema():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text())
    for doc in [*SEED_DOCS, GOLD / "g11_ipsr_npt_roundtable.txt", GOLD / "g03_egypt_russia_feature.txt"]:
        result = invoke("extract", doc, "--format", "json")
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        jsonschema.validate(data, schema)
        text = doc.read_text(encoding="utf-8").split("---\n", 2)[2]
        for fact in data:
            assert text[fact["start"]:fact["end"]] == fact["quote"]


def test_json_output_has_the_required_fields_even_without_jsonschema():
    data = json.loads(invoke("extract", SEED_DOCS[1], "--format", "json").stdout)
    required = json.loads(SCHEMA.read_text())["$defs"]["fact"]["required"]
    for fact in data:
        assert all(k in fact for k in required)
        assert 0 <= fact["confidence"] <= 1 and isinstance(fact["participants"], list)
    order = next(f for f in data if f["type"] == "arms_order")
    assert order["weapon"] == "Mi-35M" and order["quantity"] == 4 and order["date"] == "2015"


def test_a_folder_is_drafted_into_the_out_folder_with_a_progress_bar(tmp_path):
    src = tmp_path / "inbox"
    src.mkdir()
    for name in ("g01_rafale_india.txt", "g06_iran_russia_treaty.txt", "g13_sweden_nato.txt"):
        shutil.copy(GOLD / name, src)
    result = invoke("extract", src, "-o", tmp_path / "drafts", "--registry", GOLD / "entities.yaml", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "drafting" in result.stderr and "from 3 document(s)" in result.stderr
    assert len(list((tmp_path / "drafts").glob("*.facts.json"))) == 3
    again = invoke("extract", src, "-o", tmp_path / "drafts", "--format", "json")
    assert again.exit_code == 2 and "--force" in again.stderr


def test_a_folder_needs_an_out_folder():
    result = invoke("extract", SEED_RAW)
    assert result.exit_code == 2 and "-o DIR" in result.stderr


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"caf\xe9 au lait", "not UTF-8"),
    (b"   \n\n  ", "white space"),
])
def test_bad_input_gets_a_one_line_message(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = invoke("extract", path, "--reference-date", "2024-01-01")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and reason in lines[0]
    assert "Traceback" not in result.stderr


def test_text_without_front_matter_needs_a_reference_date(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Sweden formally joined NATO on Thursday, the government said.\n")
    refused = invoke("extract", path)
    assert refused.exit_code == 1 and "--reference-date" in refused.stderr
    ok = invoke("extract", path, "--reference-date", "2024-03-07", "--format", "json")
    fact = next(f for f in json.loads(ok.stdout) if f["type"] == "membership")
    assert fact["date"] == "2024-03-07"


def test_an_html_page_is_reduced_to_text(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<html><head><title>News</title><script>track()</script></head><body><nav>Menu</nav>"
                    "<p>Finland became a member of NATO on 4 April 2023.</p><p>Also Read: more</p></body></html>")
    result = invoke("extract", path, "--reference-date", "2023-04-05", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [f["type"] for f in json.loads(result.stdout)] == ["membership"]


def test_a_very_large_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:  # a sparse 50 MB file: the size is checked with os.stat, nothing is read
        fh.truncate(50 * 1024 * 1024)
    result = invoke("extract", path, "--reference-date", "2024-01-01")
    assert result.exit_code == 1 and "limit" in result.stderr and os.path.getsize(path) == 50 * 1024 * 1024


def test_eval_on_the_gold_documents_reaches_the_target():
    result = invoke("eval", "--gold", GOLD, "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["overall"]["f1"] >= 0.8
    assert set(report["by_type"]) >= {"membership", "office", "energy_cooperation", "anniversary"}


def test_eval_prints_a_table():
    result = invoke("eval", "--gold", SEED_RAW)
    assert result.exit_code == 0
    assert "precision" in result.stdout and "overall" in result.stdout


def test_eval_of_a_missing_folder_is_a_usage_error(tmp_path):
    result = invoke("eval", "--gold", tmp_path / "nowhere")
    assert result.exit_code == 2 and "no such folder" in result.stderr


def test_text_in_another_language_gets_a_note_and_an_empty_draft(tmp_path):
    doc = tmp_path / "fr.txt"
    doc.write_text("---\ntitle: t\npublisher: p\nreference_date: 2024-01-02\n---\n"
                   "Le ministre de la Défense a signé mardi un accord avec son homologue pour la livraison de vingt "
                   "avions. Les deux pays organiseront des exercices communs en mars prochain dans le golfe.\n",
                   encoding="utf-8")
    result = invoke("extract", doc, "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert result.stderr.strip().endswith("no English sentences found") and "note" in result.stderr.splitlines()[-1]


def test_a_long_single_line_is_drafted_in_bounded_blocks():
    from kg.extract.pipeline import BLOCK_CHARS, _blocks
    from kg.extract.text import sentences

    text = " ".join(["Chile and Peru signed a fisheries pact in Lima on Monday."] * 4000)  # 240 KB, one line
    sents = sentences(text)
    blocks = list(_blocks(sents))
    assert len(blocks) >= 4 and sum(len(b) for b in blocks) == len(sents)
    assert all(b[-1].end - b[0].start <= BLOCK_CHARS + 100 for b in blocks)
