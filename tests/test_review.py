"""kg add and the review library (kg.review): each operation, saving, and the round trip."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

import kg
from kg.core.errors import ConflictError, SourceError, UsageError, ValidationError
from kg.sources.factsheet import draft_path_for, is_draft, sheet_path_for
from kg.review import add_document, list_drafts, open_review
from kg.review.add import write_draft
from kg.review.sheetfile import render_fact, split_sheet

from .conftest import ROOT, SEED_RAW, assert_isomorphic, invoke

PAGES = Path(__file__).parent / "pages"
ARTICLE = PAGES / "article.html"
SEED_004 = "004_05d95eeefa1e2818"


@pytest.fixture
def added(raw_copy):
    """The test article added to a copy of the seed raw/ folder."""
    return add_document(ARTICLE, raw_copy)


def _facts(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["facts"] or []


# ---------------------------------------------------------------- kg add

def test_add_reads_the_page_metadata_and_text_and_drafts_beside_it(added, raw_copy):
    assert added.document == raw_copy / "2018-03-14_pakistan-and-russia-hold-defence-talks-in-moscow.txt"
    assert added.meta == {"title": "Pakistan and Russia hold defence talks in Moscow", "publisher": "Test Defence Weekly",
                          "author": "A. Writer", "url": "https://defence-weekly.example/2018/03/pakistan-russia-talks",
                          "published": "2018-03-14", "reference_date": "2018-03-14"}
    assert any("reference date 2018-03-14 is the published date" in n for n in added.notes)
    from kg.sources.documents import read_document

    doc = read_document(added.document)
    assert "visited Moscow on 12 March 2018" in doc.text
    for clutter in ("Home", "Most read", "Copyright", "Photo: the minister", "font-family"):
        assert clutter not in doc.text
    assert added.draft == draft_path_for(added.document) and is_draft(added.draft)
    assert added.facts == len(_facts(added.draft)) > 0


def test_add_options_win_over_the_page(raw_copy):
    a = add_document(ARTICLE, raw_copy, title="Talks", publisher="Own notes", reference_date="2018-03",
                     draft=False)
    assert a.meta["title"] == "Talks" and a.meta["publisher"] == "Own notes"
    assert a.meta["reference_date"] == "2018-03" and a.meta["published"] == "2018-03-14"
    assert a.document.name == "2018-03_talks.txt" and a.draft is None
    assert not any("published date" in n for n in a.notes)


def test_add_refuses_what_is_missing_naming_the_option_or_asks(raw_copy, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("Pakistan and Russia held talks in Moscow in June 2017 about helicopters.\n", encoding="utf-8")
    with pytest.raises(UsageError, match="--publisher"):
        add_document(text, raw_copy, title="Talks", reference_date="2017-06", draft=False)
    asked = []
    a = add_document(text, raw_copy, title="Talks", draft=False,
                     ask=lambda key, option: asked.append(option) or {"publisher": "Me", "reference_date": "2017-06"}[key])
    assert asked == ["--publisher", "--reference-date"] and a.meta["publisher"] == "Me"


def test_add_refuses_the_same_text_twice_and_never_overwrites(added, raw_copy, tmp_path):
    with pytest.raises(UsageError, match=f"already in {added.document}"):
        add_document(ARTICLE, raw_copy)
    # The same words with other spacing are the same text.
    copy = tmp_path / "copy.txt"
    copy.write_text("  \n".join(read_text_words(added.document)), encoding="utf-8")
    with pytest.raises(UsageError, match="already in"):
        add_document(copy, raw_copy, title="X", publisher="Y", reference_date="2018")
    with pytest.raises(UsageError, match="never overwrites"):
        write_draft(added.document, raw_copy)


def read_text_words(path: Path) -> list[str]:
    from kg.sources.documents import read_document

    return read_document(path).text.split()


@pytest.mark.parametrize("body, reason", [
    ("<html><head><title>Empty</title></head><body><p>Subscribe.</p></body></html>", "not an article: the page has"),
    ("<html><head><title>Index</title></head><body><main>"
     + "".join(f"<p><a href='/s{i}'>Story number {i} about the world and its defence</a></p>" for i in range(30))
     + "</main></body></html>", "of its text is links"),
])
def test_add_refuses_a_page_that_is_not_an_article(raw_copy, tmp_path, body, reason):
    page = tmp_path / "page.html"
    page.write_text(body, encoding="utf-8")
    with pytest.raises(SourceError, match=reason):
        add_document(page, raw_copy, publisher="P", reference_date="2020")
    assert sorted(p.name for p in raw_copy.iterdir()) == sorted(p.name for p in SEED_RAW.iterdir())


def test_add_command_prints_what_it_did(raw_copy):
    result = invoke("add", ARTICLE, "--raw", raw_copy)
    assert result.exit_code == 0, result.output
    assert "added " in result.stdout and "drafted " in result.stdout
    assert "is the published date" in result.stderr
    again = invoke("add", ARTICLE, "--raw", raw_copy)
    assert again.exit_code == 2 and "the same text is already in" in again.stderr and "Traceback" not in again.output


# ---------------------------------------------------------------- drafts and the build

def test_build_skips_drafts_and_counts_them(added, raw_copy, tmp_path):
    result = kg.build(raw_copy, tmp_path / "build")
    assert result.drafts == 1
    seed = kg.build(SEED_RAW, tmp_path / "seed")
    assert result.facts == seed.facts  # the draft's facts are not in the graph
    out = invoke("build", "--raw", raw_copy, "--out", tmp_path / "b2")
    assert out.exit_code == 0 and "1 draft awaiting review" in out.stderr
    assert [d.document for d in list_drafts(raw_copy)] == [added.document.stem]


# ---------------------------------------------------------------- review operations

def test_accept_reject_edit_add_undo_and_save_build_a_graph_holding_them(added, raw_copy, tmp_path):
    review = open_review(raw_copy, added.document.stem)
    assert [f.status for f in review.facts] == ["draft"] * added.facts
    types = [f.data["type"] for f in review.facts]
    arms = types.index("arms_order")
    review.accept(arms)
    assert review.fact(arms).status == "accepted"
    # Edit the membership's organization to an existing entity by another of its names.
    member = types.index("membership")
    data = dict(review.fact(member).data, organization="Shanghai Cooperation Organisation")
    assert review.edit(member, data).status == "edited" and review.fact(member).problems == []
    # A role to an entity the registry lacks shows a problem, then a new entity fixes it.
    visit = types.index("visit")
    data = dict(review.fact(visit).data, location="Kremlin Hall")
    assert "unknown entity 'Kremlin Hall'" in review.edit(visit, data).problems[0]
    with pytest.raises(ValidationError):
        review.accept(visit)
    new_id = review.new_entity("Kremlin Hall", "Place", aliases=["the Kremlin hall"], country="Russia")
    assert new_id == "kremlin-hall" and review.fact(visit).problems == []
    # A date typed as an analyst writes it; a bad one is a problem on the fact.
    data = dict(review.fact(visit).data, date="12-13 March 2018")
    assert review.edit(visit, data).problems == []
    bad = review.edit(visit, dict(data, date="Marchtember 2018"))
    assert any("date" in p for p in bad.problems)
    review.undo()
    assert review.fact(visit).data["date"] == "12-13 March 2018"
    # Reject, then undo, then reject again.
    stmt = types.index("statement")
    review.reject(stmt)
    review.undo()
    assert review.fact(stmt).status == "draft"
    review.reject(stmt)
    # A fact from a span of the text.
    start = review.doc.text.index("Pakistan joined the SCO")
    end = start + len("Pakistan joined the SCO as a full member in June 2017")
    new = review.add(start - 1, end, {"type": "membership", "member": "Pakistan", "organization": "SCO",
                                      "status": "full", "date": "June 2017", "id": "pakistan-joins-sco"})
    assert new.spans[0] == (start, end) and new.data["quote"] == review.doc.text[start:end]
    assert new.problems == []
    result = review.save()
    assert result.saved == 4 and result.new_entities == ["kremlin-hall"]
    assert result.awaiting == added.facts - 4  # accepted 1, edited 2, rejected 1, one added
    saved = _facts(sheet_path_for(added.document))
    assert [f["type"] for f in saved] == ["visit", "arms_order", "membership", "membership"]
    assert "kremlin-hall:\n  name: Kremlin Hall\n  type: Place\n" in (raw_copy / "entities.yaml").read_text()
    # The undecided facts stay in the draft; rejected ones are gone from it.
    left = _facts(added.draft)
    assert len(left) == result.awaiting
    built = kg.build(raw_copy, tmp_path / "build")
    assert built.drafts == 1
    from kg.sparql.named import run
    from kg.store.local import Store

    store = Store.open(tmp_path / "build")
    visits = [r for r in run("SELECT ?f WHERE { ?f a kg:Visit ; kg:location kgr:kremlin-hall }", store).rows]
    assert len(visits) == 1
    # Deciding the rest removes the draft.
    review = open_review(raw_copy, added.document.stem)
    for f in review.facts:
        if f.status == "draft":
            review.reject(f.key)
    assert review.save().draft_removed and not added.draft.exists()


def test_a_second_review_saving_the_same_sheet_is_refused(added, raw_copy):
    first = open_review(raw_copy, added.document.stem)
    second = open_review(raw_copy, added.document.stem)
    first.reject(0)
    first.save()
    before = {p.name: p.read_bytes() for p in raw_copy.iterdir()}
    second.accept(1)
    with pytest.raises(ConflictError, match="changed since this review read them"):
        second.save()
    assert before == {p.name: p.read_bytes() for p in raw_copy.iterdir()}


def test_a_fact_with_problems_is_not_saved_and_nothing_is_written(added, raw_copy):
    review = open_review(raw_copy, added.document.stem)
    review.edit(0, dict(review.fact(0).data, date="in the spring of never"))
    before = {p.name: p.read_bytes() for p in raw_copy.iterdir()}
    with pytest.raises(ValidationError):
        review.save()
    assert before == {p.name: p.read_bytes() for p in raw_copy.iterdir()}


def test_a_save_cut_short_between_sheet_and_draft_reads_each_fact_once(added, raw_copy, monkeypatch):
    import kg.review.session as session

    review = open_review(raw_copy, added.document.stem)
    review.accept(0)
    real = session.atomic_write
    calls = []

    def dies_on_the_draft(path, data):
        calls.append(path)
        if is_draft(path):
            raise KeyboardInterrupt  # killed after the sheet was written
        real(path, data)

    monkeypatch.setattr(session, "atomic_write", dies_on_the_draft)
    with pytest.raises(KeyboardInterrupt):
        review.save()
    monkeypatch.setattr(session, "atomic_write", real)
    again = open_review(raw_copy, added.document.stem)
    assert len(again.facts) == added.facts  # not added.facts + 1
    assert [f.status for f in again.facts].count("accepted") == 1


def test_new_entities_are_checked_as_the_registry_is(added, raw_copy):
    review = open_review(raw_copy, added.document.stem)
    with pytest.raises(UsageError, match="already a name of"):
        review.new_entity("Pakistani", "State", id="pak2")
    with pytest.raises(UsageError, match="unknown type"):
        review.new_entity("Atlantis", "Continent")
    with pytest.raises(UsageError, match="Q-number"):
        review.new_entity("Atlantis", "State", wikidata="12")


def test_date_and_entity_lookups_for_the_page(added, raw_copy):
    review = open_review(raw_copy, added.document.stem)
    assert review.check_date("21-22 November 2023") == {
        "ok": True, "value": "2023-11-21/2023-11-22", "precision": "day",
        "earliest": "2023-11-21", "latest": "2023-11-22"}
    june = review.check_date("June 2017")
    assert (june["value"], june["earliest"], june["latest"]) == ("2017-06", "2017-06-01", "2017-06-30")
    assert review.check_date("in April")["value"] == "2018-04"  # the document's reference year
    assert review.check_date("Junly 2017")["ok"] is False
    assert review.search_entities("pakistani")["entities"][0]["id"] == "pakistan"
    typo = review.search_entities("Pakistn")
    assert typo["entities"] == [] and "Pakistan" in typo["did_you_mean"]


# ---------------------------------------------------------------- the sheet's text

@pytest.mark.parametrize("sheet", sorted(SEED_RAW.glob("*.facts.yaml")) + sorted((ROOT / "eval" / "gold").glob("*.facts.yaml")),
                         ids=lambda p: p.name)
def test_every_hand_written_fact_is_written_back_as_it_was(sheet):
    cut = split_sheet(sheet.read_text(encoding="utf-8"), str(sheet))
    assert cut.render() == sheet.read_text(encoding="utf-8")
    for block in cut.blocks:
        assert render_fact(block.data) == block.text


def test_a_reviewed_sheet_saved_unchanged_keeps_its_bytes(raw_copy):
    sheet = raw_copy / "000_7ea689264487c6d2.facts.yaml"
    text = sheet.read_text(encoding="utf-8")
    # Comments in odd places, and no final newline, are kept too.
    text = text.replace("facts:\n", "facts:   # the facts\n", 1).rstrip("\n") + "\n# the end"
    sheet.write_text(text, encoding="utf-8")
    review = open_review(raw_copy, "000_7ea689264487c6d2")
    assert {f.status for f in review.facts} == {"accepted"}
    review.save()
    assert sheet.read_text(encoding="utf-8") == text
    # Editing one fact rewrites that fact only.
    review = open_review(raw_copy, "000_7ea689264487c6d2")
    f = review.facts[1]
    review.edit(f.key, dict(f.data, note="Checked in review."))
    review.save()
    after = sheet.read_text(encoding="utf-8").split("\n")
    diff = [line for line in after if line not in text.split("\n")]
    assert diff == ["    note: Checked in review."]


# ---------------------------------------------------------------- seed 004, reviewed from its draft

def test_a_reviewed_draft_of_seed_004_builds_the_same_graph(raw_copy, tmp_path, built):
    hand_made = raw_copy / f"{SEED_004}.facts.yaml"
    wanted = split_sheet(hand_made.read_text(encoding="utf-8")).blocks
    hand_made.unlink()
    doc = raw_copy / f"{SEED_004}.txt"
    draft, n = write_draft(doc, raw_copy)
    assert n > 0
    review = open_review(raw_copy, SEED_004)
    drafts = [f for f in review.facts if f.status == "draft"]
    # The reviewer turns a draft of the same type into each hand-made fact, adds the facts the
    # draft lacks from the text, and rejects the rest.
    for block in wanted:
        same = next((f for f in drafts if f.data["type"] == block.data["type"]), None)
        if same is not None:
            drafts.remove(same)
            review.edit(same.key, block.data)
            assert review.fact(same.key).problems == [], block.data
        else:
            quotes = block.data["quote"] if isinstance(block.data["quote"], list) else [block.data["quote"]]
            start = review.doc.text.index(quotes[0])
            added = review.add(start, start + len(quotes[0]), dict(block.data))
            assert added.problems == [], block.data
    for f in drafts:
        review.reject(f.key)
    review.save()
    assert not draft.exists()
    out = tmp_path / "build"
    kg.build(raw_copy, out, files=True)
    from rdflib import Graph

    assert_isomorphic(Graph().parse(built / "kg.ttl"), Graph().parse(out / "kg.ttl"))
    from kg.sparql.named import named_queries, run
    from kg.store.local import Store

    # Every named query (the competency questions among them) answers as on the hand-made sheet.
    ours, seed = Store.open(out), Store.open(built)
    asked = 0
    for name in named_queries():
        assert run(name, ours, {}).dicts() == run(name, seed, {}).dicts(), name
        asked += 1
    assert asked >= 16


# ---------------------------------------------------------------- more of kg add

JSONLD_PAGE = """<!DOCTYPE html><html><head><title>Site title | Wire</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebSite", "name": "Example Wire"},
 {"@type": ["NewsArticle"], "headline": "India and Vietnam agree on a corvette",
  "datePublished": "2023-07-22T10:00:00Z", "mainEntityOfPage": {"@id": "https://wire.example/india-vietnam"},
  "publisher": {"@type": "Organization", "name": "Example Wire"}, "author": [{"name": "B. Writer"}]}]}
</script></head><body><div itemprop="articleBody">
<p>India gifted the corvette INS Kirpan to Vietnam in July 2023, the Indian Navy said in a statement.</p>
<p>The ship sailed from Visakhapatnam and reached Cam Ranh Bay later in the month, officials added.</p>
<p>It is the first warship India has given to a foreign navy in full operational condition, they said.</p>
</div><div class="sidebar"><p>Unrelated teaser that is not part of the article body at all.</p></div></body></html>
"""


def test_add_reads_json_ld_when_the_page_has_no_open_graph_tags(raw_copy, tmp_path):
    page = tmp_path / "wire.html"
    page.write_text(JSONLD_PAGE, encoding="utf-8")
    a = add_document(page, raw_copy, draft=False)
    assert a.meta == {"title": "India and Vietnam agree on a corvette", "publisher": "Example Wire",
                      "author": "B. Writer", "url": "https://wire.example/india-vietnam",
                      "published": "2023-07-22", "reference_date": "2023-07-22"}
    from kg.sources.documents import read_document

    text = read_document(a.document).text
    assert "INS Kirpan" in text and "Unrelated teaser" not in text


def test_add_takes_each_page_of_a_folder(raw_copy, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(ARTICLE, inbox / "a.html")
    (inbox / "b.html").write_text(JSONLD_PAGE, encoding="utf-8")
    (inbox / "notes.pdf").write_bytes(b"%PDF")
    result = invoke("add", inbox, "--raw", raw_copy)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("added ") == 2 and result.stdout.count("drafted ") == 2
    assert len(list_drafts(raw_copy)) == 2


def test_review_finds_a_document_by_stem_name_or_path(added, raw_copy):
    from kg.core.errors import MissingInputError
    from kg.review.session import find_document

    for name in (added.document.stem, added.document.name, added.document, added.draft.name):
        assert find_document(raw_copy, name) == added.document
    with pytest.raises(MissingInputError, match="no document nothing"):
        find_document(raw_copy, "nothing")


SAVER = """
import sys
from kg.review import open_review
i = 0
while True:
    review = open_review(sys.argv[1], sys.argv[2])
    fact = review.facts[0]
    review.edit(fact.key, {**fact.data, "note": "pass %d" % i})
    review.accept(fact.key) if fact.status == "draft" else None
    review.save()
    print(i, flush=True)
    i += 1
"""


@pytest.mark.slow
def test_a_save_killed_at_any_moment_leaves_every_file_whole(added, raw_copy):
    import random
    import signal
    import subprocess
    import sys
    import time

    from kg.sources.registry import load_registry
    from kg.sources.schema import load_schema

    rng = random.Random(9)
    sheet = sheet_path_for(added.document)
    for _kill in range(6):
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(raw_copy), added.document.stem],
                                stdout=subprocess.PIPE, text=True)
        proc.stdout.readline()  # one save done, the next under way
        time.sleep(rng.uniform(0, 0.3))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        for path in (sheet, added.draft):
            split_sheet(path.read_text(encoding="utf-8"), str(path))  # whole YAML, a sheet
        load_registry(raw_copy / "entities.yaml", load_schema())
        review = open_review(raw_copy, added.document.stem)
        assert len(review.facts) == added.facts  # each fact once, none lost
        assert review.facts[0].data["note"].startswith("pass ")


TRICKY = ['Tom "X": #1', "- starts like a list", "ends with a colon:", "yes", "2019", "null", "a\nnew line",
          "  padded  ", "[bracketed]", "x, y", "'single'", "%percent", "@at", "emoji ✓ and ‘quotes’", "a # b"]


def test_tricky_text_is_written_so_that_yaml_reads_it_back_unchanged():
    for text in TRICKY:
        data = {"type": "statement", "topic": text, "about": [text, "Pakistan"], "date": "2019",
                "quote": text, "speakers": [{"person": text, "role": "keynote address"}]}
        back = yaml.safe_load("facts:\n" + render_fact(data))["facts"][0]
        assert back == data, (text, render_fact(data))


def test_a_new_entity_with_a_hostile_name_is_written_and_read_back_as_given(added, raw_copy):
    review = open_review(raw_copy, added.document.stem)
    name = 'Tom "X": #1 </script><script>alert(1)</script>'
    entity_id = review.new_entity(name, "Company", aliases=["a, b", "yes"], country="Pakistan", id="tom-x")
    order = next(f for f in review.facts if f.data["type"] == "arms_order")
    original = dict(order.data)
    review.edit(order.key, dict(original, weapon=name))
    assert "but 'tom \"x\"" in review.fact(order.key).problems[0].lower()  # a company is not a weapon
    review.edit(order.key, dict(original, manufacturer=name))
    assert review.fact(order.key).problems == []
    assert review.save().new_entities == [entity_id]
    from kg.sources.registry import load_registry
    from kg.sources.schema import load_schema

    ent = load_registry(raw_copy / "entities.yaml", load_schema())[entity_id]
    assert (ent.name, ent.aliases, ent.refs) == (name, ["a, b", "yes"], {"country": "pakistan"})


def test_review_on_a_port_in_use_says_so_without_a_traceback(raw_copy):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke("review", "--raw", raw_copy, "--port", port, "--no-browser")
    assert result.exit_code == 2 and f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_kg_review_prints_an_address_that_serves_the_page(added, raw_copy):
    import re
    import subprocess
    import sys
    import urllib.request

    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "review", added.document.stem, "--raw", str(raw_copy),
                             "--no-browser"], stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/[A-Za-z0-9_-]{20,}/doc/\S+", line).group(0)
        assert url.endswith(f"/doc/{added.document.stem}")
        with urllib.request.urlopen(url, timeout=30) as r:
            page = r.read().decode("utf-8")
        assert r.status == 200 and "Content-Security-Policy" in page and added.document.stem in page
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stderr.close()


def test_the_entities_kg_extract_proposes_are_offered_to_the_reviewer(raw_copy, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("Pakistan and Kazakhstan signed a defence cooperation agreement in Astana on 12 June 2019, "
                    "the Pakistani Ministry of Defence said.\n", encoding="utf-8")
    added = add_document(text, raw_copy, title="Talks", publisher="Own notes", reference_date="2019-06-12")
    review = open_review(raw_copy, added.document.stem)
    proposed = {p["name"]: p for p in review.state()["proposals"]}
    assert proposed["Kazakhstan"]["type"] == "State" and proposed["Kazakhstan"]["iso3166"] == "KZ"
    needing = [f for f in review.facts if any("Kazakhstan" in p for p in f.problems)]
    assert needing  # a draft fact names the state the registry lacks
    review.new_entity("Kazakhstan", "State", iso3166="kz")
    assert all(not any("Kazakhstan" in p for p in f.problems) for f in review.facts)
    assert "Kazakhstan" not in {p["name"] for p in review.state()["proposals"]}  # offered no more
