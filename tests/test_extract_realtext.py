"""`kg eval` on gold in the development set's format (kg.extract.realtext), with an article of our own.

The article and its gold are written here in the shape of the shared
development set (a header, `---`, the text; facts with subject, object,
date, quote and `optional`), so the scoring rules are tested without any
third-party text in the repository.
"""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner

from kg.cli import main
from kg.extract.realtext import evaluate_realtext, fold

ARTICLE = """title: Lesotho and Ghana sign defence pact
url: https://example.org/story
published: 2024-03-08
publisher: test
---
MASERU, March 8 (Wire) - Lesotho and Ghana signed a defence cooperation agreement on Thursday, the two governments said.
Foreign Minister Tumi Mokoena said the agreement would deepen military training.
"We have waited for this day," she said.
Lesotho has cut diplomatic ties with Taiwan, officials said on Friday.
"""

GOLD = {
    "article": "a01_test.txt",
    "facts": [
        {"id": "a01-01", "type": "agreement", "date": "2024-03-07",
         "subject": {"text": "Lesotho", "norm": "Lesotho", "kind": "country", "iso": "LS"},
         "object": {"text": "Ghana", "norm": "Ghana", "kind": "country", "iso": "GH"},
         "quote": "Lesotho and Ghana signed a defence cooperation agreement on Thursday, the two governments said."},
        {"id": "a01-02", "type": "statement", "date": "2024-03",
         "subject": {"text": "Tumi Mokoena", "norm": "Tumi Mokoena", "kind": "person", "iso": "LS"},
         "object": {"text": "the agreement", "norm": "agreement", "kind": "topic"},
         "quote": "Foreign Minister Tumi Mokoena said the agreement would deepen military training."},
        {"id": "a01-03", "type": "diplomatic_relations", "date": "2024-03-08",
         "subject": {"text": "Lesotho", "norm": "Lesotho", "kind": "country", "iso": "LS"},
         "object": {"text": "Taiwan", "norm": "Taiwan, Province of China", "kind": "country", "iso": "TW"},
         "quote": "Lesotho has cut diplomatic ties with Taiwan, officials said on Friday."},
        {"id": "a01-04", "type": "exercise", "date": "2023", "optional": True,
         "subject": {"text": "Lesotho", "norm": "Lesotho", "kind": "country", "iso": "LS"},
         "object": {"text": "Ghana", "norm": "Ghana", "kind": "country", "iso": "GH"},
         "quote": "Lesotho and Ghana signed a defence cooperation agreement on Thursday, the two governments said."},
    ],
}


def _folder(tmp_path):
    (tmp_path / "a01_test.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "a01_test.gold.yaml").write_text(yaml.safe_dump(GOLD, allow_unicode=True), encoding="utf-8")
    return tmp_path


def test_real_text_gold_is_scored_by_its_rules(tmp_path):
    report = evaluate_realtext(_folder(tmp_path))
    o = report.overall
    assert (o.gold, o.found) == (3, 3)  # the optional exercise is not counted
    assert report.by_type["statement"].found == 1 and report.by_type["agreement"].found == 1
    assert o.matched <= o.predicted and o.precision == o.matched / o.predicted


def test_a_wrong_speaker_or_date_does_not_match(tmp_path):
    gold = dict(GOLD)
    gold["facts"] = [dict(GOLD["facts"][1], subject={"text": "Ama Owusu", "norm": "Ama Owusu", "kind": "person"}),
                     dict(GOLD["facts"][0], date="2023-03-07")]
    (tmp_path / "a01_test.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "a01_test.gold.yaml").write_text(yaml.safe_dump(gold), encoding="utf-8")
    report = evaluate_realtext(tmp_path)
    assert report.overall.found == 0


def test_kg_eval_reads_the_format_and_reports_per_type(tmp_path):
    result = CliRunner().invoke(main, ["eval", "--gold", str(_folder(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "scored by the development set's rules" in result.output and "diplomatic_relations" in result.output
    data = json.loads(CliRunner().invoke(main, ["eval", "--gold", str(tmp_path), "--json"]).output)
    assert data["format"] == "extract-dev" and data["overall"]["recall"] == 1.0


def test_a_gold_without_its_article_is_one_clear_error(tmp_path):
    (tmp_path / "x.gold.yaml").write_text("article: missing.txt\nfacts: []\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "--gold", str(tmp_path)])
    assert result.exit_code != 0 and "missing.txt" in result.output and "Traceback" not in result.output


def test_fold_drops_titles_and_accents():
    assert fold("President Călin Popescu-Tăriceanu") == "calin popescu tariceanu"
