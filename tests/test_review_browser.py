"""kg review in a real browser (Debian's Chromium, driven by Playwright), offline.

Each test starts a review server on 127.0.0.1 over a private raw/ folder and
drives the page as a reviewer would: keys first, the mouse where a person
would use it. Every request that is not to the server's own address with its
token is refused and recorded, and so are dialogs (an injected alert) and
console errors (a CSP violation). These tests fail, never skip, when Chromium
or Playwright is missing.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

import kg
from kg.sources.factsheet import draft_path_for, sheet_path_for
from kg.review.server import make_server

from .browser import GuardedPage
from .conftest import invoke
from .hostile import write_hostile_raw

pytestmark = pytest.mark.slow

PAGES = Path(__file__).parent / "pages"
STEM = "2018-03-14_pakistan-and-russia-hold-defence-talks-in-moscow"


@pytest.fixture
def raw_added(raw_copy):
    """The seed raw/ folder with the test article added by `kg add`, as a reviewer would."""
    result = invoke("add", PAGES / "article.html", "--raw", raw_copy)
    assert result.exit_code == 0, result.output
    return raw_copy


@pytest.fixture
def server(raw_added):
    with make_server(raw_added) as srv:
        srv.start()
        yield srv


def wait_until(page, expression: str, timeout: float = 30.0) -> None:
    """Poll ``expression`` in the page until it is true (Playwright's wait_for_function
    evaluates strings in the page, which the page's CSP rightly forbids)."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(20)


class ReviewPage(GuardedPage):
    def __init__(self, browser, server, path: str = ""):
        prefix = server.url
        super().__init__(browser, lambda url: url.startswith(prefix), viewport={"width": 1400, "height": 900})
        self.page.goto(prefix + path)
        wait_until(self.page, "document.documentElement.dataset.ready")

    def open_doc(self, stem: str = STEM) -> None:
        self.page.click(f"a[href$='doc/{stem}']")
        self.page.wait_for_selector(".card")

    def selected(self) -> int:
        return int(self.page.get_attribute(".card.selected", "data-key"))

    def status_of(self, key: int) -> str:
        return self.page.text_content(f"#fact-{key} .badge")

    def press(self, *keys: str) -> None:
        """Press each key, then wait until the page has done what they asked."""
        for k in keys:
            self.page.keyboard.press(k)
        self.settle()

    def settle(self) -> None:
        wait_until(self.page, "!document.documentElement.dataset.busy")

    def status(self) -> str:
        return self.page.text_content("#status")

    def assert_clean(self, refusals: int = 0) -> None:
        """Nothing refused, no dialog, no error but the ``refusals`` the server was expected to answer
        with 409 (Chromium logs each failed request)."""
        assert self.refused == [], self.refused
        errors = [e for e in self.errors if "status of 409" not in e]
        assert self.dialogs == [] and errors == [], (self.dialogs, errors)
        assert len(self.errors) - len(errors) == refusals, self.errors


def _facts(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["facts"] or []


def _save(page: ReviewPage) -> str:
    page.press("s")
    return page.status()


def test_from_a_saved_page_to_a_built_graph(browser, server, raw_added, tmp_path):
    """kg add page.html, kg review, accept or edit every draft fact, kg build: the graph holds them."""
    page = ReviewPage(browser, server)
    assert page.page.text_content("ul.drafts").count("Pakistan and Russia hold defence talks in Moscow") == 1
    page.open_doc()
    n = page.page.locator(".card").count()
    assert n > 0
    # Edit the first fact's date as the analyst writes it, then accept the rest by key.
    page.page.keyboard.press("e")
    page.page.fill("input[name=date]", "as of March 2018")
    wait_until(page.page, "document.getElementById('date-preview').textContent.includes('2018-03')")
    page.page.click("#edit-done")
    page.settle()
    page.page.wait_for_selector("#fact-0 .badge.edited")
    page.page.click("#fact-1")
    page.press(*["a"] * (n - 1))  # as fast as a person can type: each applies to the next fact
    assert page.page.locator(".badge.draft").count() == 0
    assert "saved %d fact(s)" % n in _save(page) and "the draft is done" in page.status()
    page.assert_clean()
    assert not draft_path_for(raw_added / f"{STEM}.txt").exists()
    saved = _facts(sheet_path_for(raw_added / f"{STEM}.txt"))
    assert len(saved) == n and saved[0]["date"] == "as of March 2018"
    result = invoke("build", "--raw", raw_added, "--out", tmp_path / "build")
    assert result.exit_code == 0, result.output
    from kg.store.local import Store

    store = Store.open(tmp_path / "build")
    from kg.core.namespaces import document_iri

    rows = kg.query(f"SELECT ?f ?q WHERE {{ ?f prov:wasDerivedFrom ?c . ?c kg:quote ?q ; prov:wasQuotedFrom "
                    f"<{document_iri(STEM)}> }}", store).dicts()
    assert len({r["f"] for r in rows}) == n
    for fact in saved:
        assert fact["quote"] in {r["q"] for r in rows}


def test_keyboard_path_moves_accepts_rejects_undoes_and_edits(browser, server):
    page = ReviewPage(browser, server)
    page.open_doc()
    assert page.selected() == 0
    page.press("j", "j")
    assert page.selected() == 2
    page.press("k")
    assert page.selected() == 1
    # The selected fact's quote is emphasized in the document.
    assert page.page.locator("mark.hl.sel").count() >= 1
    page.press("a")
    assert page.status_of(1) == "accepted" and page.selected() == 2  # on to the next undecided fact
    page.press("r")
    assert page.status_of(2) == "rejected"
    page.press("u")
    assert page.status_of(2) == "draft"
    page.press("u")
    assert page.status_of(1) == "draft"
    assert page.page.is_disabled("#undo")
    page.page.keyboard.press("e")
    assert page.page.locator("form.edit").count() == 1
    page.page.keyboard.press("Escape")
    assert page.page.locator("form.edit").count() == 0
    # After a save the facts are read again; the first still undecided is selected.
    page.press("j", "a", "s")
    assert page.page.text_content(".card.selected .badge") == "draft"
    assert page.page.text_content("#fact-0 .badge") == "accepted"  # the saved fact, first in the sheet
    page.assert_clean()


def _edit_field(page: ReviewPage, key: int) -> None:
    page.page.click(f"#fact-{key}")
    page.page.keyboard.press("e")
    page.page.wait_for_selector("form.edit")


def test_editing_a_role_to_an_existing_entity_and_to_a_new_one(browser, server, raw_added):
    page = ReviewPage(browser, server)
    page.open_doc()
    visit = next(i for i in range(page.page.locator(".card").count())
                 if page.page.text_content(f"#fact-{i} .type") == "visit")
    _edit_field(page, visit)
    # A misspelt name: the search offers what it probably means.
    page.page.fill("form.edit input[name=location]", "Mosco")
    page.page.wait_for_selector(".found button.pick")
    page.page.click(".found button.pick:text-is('Moscow (Place)')")
    assert page.page.input_value("form.edit input[name=location]") == "Moscow"
    # And then to a place the registry lacks, created on the spot.
    page.page.fill("form.edit input[name=location]", "Kremlin Hall")
    page.page.click(".found button.new-entity:has-text('Kremlin Hall')")
    page.page.select_option("select[name=ent-type]", "Place")
    page.page.fill("input[name=ent-country]", "Russia")
    page.page.fill("input[name=ent-aliases]", "the Kremlin hall; Kremlin's hall")
    page.page.click("#ent-create")
    page.settle()
    assert page.page.input_value("form.edit input[name=location]") == "Kremlin Hall"
    page.page.click("#edit-done")
    page.settle()
    card = page.page.locator(f"#fact-{visit}")
    assert "Kremlin Hall" in card.text_content() and card.locator("ul.problems").count() == 0
    assert page.status_of(visit) == "edited"
    assert "new entities: kremlin-hall" in _save(page)
    registry = yaml.safe_load((raw_added / "entities.yaml").read_text(encoding="utf-8"))
    assert registry["kremlin-hall"] == {"name": "Kremlin Hall", "type": "Place", "country": "russia",
                                        "aliases": ["the Kremlin hall", "Kremlin's hall"]}
    (saved,) = _facts(sheet_path_for(raw_added / f"{STEM}.txt"))
    assert saved["location"] == "Kremlin Hall"
    page.assert_clean()


def test_editing_a_date_shows_its_value_and_bounds_live_and_a_bad_one_is_not_saved(browser, server, raw_added):
    page = ReviewPage(browser, server)
    page.open_doc()
    _edit_field(page, 0)
    page.page.fill("input[name=date]", "21-22 November 2023")
    wait_until(page.page, "document.getElementById('date-preview').textContent.includes('2023-11-21/2023-11-22')")
    assert "2023-11-21 to 2023-11-22" in page.page.text_content("#date-preview")
    page.page.fill("input[name=date]", "June 2017")
    wait_until(page.page, "document.getElementById('date-preview').textContent.includes('2017-06-01 to 2017-06-30')")
    page.page.fill("input[name=date]", "Junly 2017")
    wait_until(page.page, "document.getElementById('date-preview').className.includes('error')")
    assert "cannot read" in page.page.text_content("#date-preview")
    page.page.click("#edit-done")
    page.settle()
    assert "date:" in page.page.text_content("#fact-0 ul.problems")
    before = {p.name: p.read_bytes() for p in raw_added.iterdir()}
    assert "cannot read" in _save(page)
    assert before == {p.name: p.read_bytes() for p in raw_added.iterdir()}
    page.assert_clean(refusals=1)


def _select_text(page: ReviewPage, start: int, end: int) -> None:
    """Select characters start..end of the document's text, as a drag of the mouse would."""
    page.page.evaluate("""([start, end]) => {
        const pane = document.getElementById('text');
        const walker = document.createTreeWalker(pane, NodeFilter.SHOW_TEXT);
        let pos = 0, range = document.createRange(), node;
        while ((node = walker.nextNode())) {
            const len = node.textContent.length;
            if (start >= pos && start <= pos + len) range.setStart(node, start - pos);
            if (end >= pos && end <= pos + len) { range.setEnd(node, end - pos); break; }
            pos += len;
        }
        const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
        pane.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""", [start, end])


def test_adding_a_fact_from_a_text_selection(browser, server, raw_added):
    page = ReviewPage(browser, server)
    page.open_doc()
    text = page.page.evaluate("JSON.parse(document.getElementById('kg-data').textContent).state.doc.text")
    quote = "Pakistan joined the SCO as a full member in June 2017"
    assert "🇵🇰" in text  # flags before the quote: offsets in code points and in UTF-16 units differ
    start = len(text[:text.index(quote)].encode("utf-16-le")) // 2  # the page selects in UTF-16 units
    _select_text(page, start, start + len(quote))
    assert page.page.is_enabled("#add-fact")
    page.page.click("#add-fact")
    page.settle()
    page.page.wait_for_selector("form.edit")
    assert page.page.text_content("form.edit blockquote") == quote
    page.page.select_option("form.edit select[name=type]", "membership")
    page.page.wait_for_selector("form.edit input[name=member]")
    page.page.fill("form.edit input[name=member]", "Pakistan")
    page.page.fill("form.edit input[name=organization]", "SCO")
    page.page.select_option("form.edit select[name=status]", "full")
    page.page.fill("form.edit input[name=date]", "June 2017")
    page.page.fill("form.edit input[name=id]", "pakistan-joins-sco")
    page.page.click("#edit-done")
    page.settle()
    card = page.page.locator(".card.selected")
    assert card.locator("ul.problems").count() == 0 and "membership" in card.text_content()
    marks = page.page.evaluate("""() => [...document.querySelectorAll('mark.hl.sel')].map(m => m.textContent).join('')""")
    assert marks == quote
    _save(page)
    added = [f for f in _facts(sheet_path_for(raw_added / f"{STEM}.txt")) if f.get("id") == "pakistan-joins-sco"]
    assert added == [{"type": "membership", "id": "pakistan-joins-sco", "member": "Pakistan", "organization": "SCO",
                      "status": "full", "date": "June 2017", "quote": quote}]
    page.assert_clean()


def test_a_second_page_saving_the_same_sheet_is_told_so(browser, server, raw_added):
    first = ReviewPage(browser, server, f"doc/{STEM}")
    second = ReviewPage(browser, server, f"doc/{STEM}")
    first.press("a")
    assert "saved 1 fact(s)" in _save(first)
    saved = sheet_path_for(raw_added / f"{STEM}.txt").read_bytes()
    second.press("r")
    second.press("j", "a")
    assert "changed since this review read them" in _save(second)
    assert second.page.get_attribute("#status", "class") == "error"
    assert sheet_path_for(raw_added / f"{STEM}.txt").read_bytes() == saved
    first.assert_clean()
    second.assert_clean(refusals=1)


def test_hostile_names_and_quotes_show_as_text_and_run_nothing(browser, tmp_path):
    raw = write_hostile_raw(tmp_path / "raw")
    (raw / "hostile.facts.yaml").rename(raw / "hostile.draft.facts.yaml")
    with (raw / "hostile.draft.facts.yaml").open("a", encoding="utf-8") as fh:
        fh.write('  - type: visit\n    visitor: "<svg onload=alert(2)>"\n    host: Pakistan\n    date: 2019\n'
                 '    quote: "Pakistan and <img src=x onerror=alert(1)> set up"\n')
    with make_server(raw) as srv:
        srv.start()
        page = ReviewPage(browser, srv)
        assert "<script>alert('title')</script> Report & more" in page.page.text_content("ul.drafts")
        page.open_doc("hostile")
        body = page.page.text_content("body")
        assert "</script><script>alert(1)</script>" in body  # shown, as text
        assert "unknown entity '<svg onload=alert(2)>'" in body
        assert page.page.locator("img, svg, b, iframe").count() == 0
        assert page.page.locator("script").count() == 2  # the data and the page's own
        for key in ("j", "j", "j", "e"):
            page.page.keyboard.press(key)
        page.page.wait_for_selector("form.edit")
        page.page.keyboard.press("Escape")
        assert page.dialogs == []
        page.assert_clean()


def _request(url: str, method: str = "GET", headers: dict | None = None, body: bytes | None = None) -> int:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_server_refuses_requests_without_its_token_from_elsewhere_or_outside_the_app(server):
    assert server.server_address[0] == "127.0.0.1"
    assert _request(server.url) == 200
    assert _request(server.origin + "/") == 403
    assert _request(server.origin + "/not-the-token/") == 403
    assert _request(server.url + "%2e%2e/%2e%2e/etc/passwd") == 403
    assert _request(server.url + "static/../../x") in (403, 404)
    assert _request(server.url, headers={"Host": "evil.example:80"}) == 403
    assert _request(server.url, headers={"Sec-Fetch-Site": "cross-site"}) == 403
    api = server.url + "api/x/accept"
    body = json.dumps({"key": 0}).encode()
    assert _request(api, "POST", {"Content-Type": "application/json", "Origin": "http://evil.example"}, body) == 403
    assert _request(api, "POST", {"Content-Type": "text/plain"}, body) == 415
    assert _request(api, "POST", {"Content-Type": "application/json"}, body) == 410  # no such review
    with urllib.request.urlopen(server.url, timeout=10) as r:
        policy = r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_a_new_entity_starts_from_what_kg_extract_proposed(browser, raw_copy, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("Pakistan and Kazakhstan signed a defence cooperation agreement in Astana on 12 June 2019, "
                    "the Pakistani Ministry of Defence said.\n", encoding="utf-8")
    result = invoke("add", text, "--raw", raw_copy, "--title", "Talks", "--publisher", "Own notes",
                    "--reference-date", "2019-06-12")
    assert result.exit_code == 0, result.output
    with make_server(raw_copy) as srv:
        srv.start()
        page = ReviewPage(browser, srv)
        page.open_doc("2019-06-12_talks")
        card = page.page.locator(".card", has_text="unknown entity 'Kazakhstan'").first
        key = int(card.get_attribute("data-key"))
        _edit_field(page, key)
        inputs = page.page.locator("form.edit .entity input")

        def create(name: str, entity_type: str, iso: str) -> None:
            field = next(inputs.nth(i) for i in range(inputs.count()) if inputs.nth(i).input_value() == name)
            field.focus()
            page.page.click(f".found button.new-entity:has-text('{name}')")
            assert page.page.input_value("select[name=ent-type]") == entity_type
            assert page.page.input_value("input[name=ent-iso]") == iso
            page.page.click("#ent-create")
            page.settle()

        create("Kazakhstan", "State", "KZ")
        if "Astana" in page.page.text_content(f"#fact-{key}"):
            create("Astana", "Place", "")
        page.page.click("#edit-done")
        page.settle()
        assert "unknown entity 'Kazakhstan'" not in page.page.text_content(f"#fact-{key}")
        _save(page)
        registry = yaml.safe_load((raw_copy / "entities.yaml").read_text(encoding="utf-8"))
        assert registry["kazakhstan"] == {"name": "Kazakhstan", "type": "State", "iso3166": "KZ"}
        assert "1 fact(s)" in page.status()
        page.assert_clean()


def test_editing_a_conference_s_speakers_item_by_item(browser, raw_copy):
    """A reviewed sheet opened again: one speaker's role changed; only that fact is written afresh."""
    sheet = raw_copy / "000_7ea689264487c6d2.facts.yaml"
    before = sheet.read_text(encoding="utf-8")
    with make_server(raw_copy) as srv:
        srv.start()
        page = ReviewPage(browser, srv, "doc/000_7ea689264487c6d2")
        card = page.page.locator(".card", has_text="Khalid Ahmad Kidwai").filter(has_text="conference").first
        key = int(card.get_attribute("data-key"))
        _edit_field(page, key)
        roles = page.page.locator("form.edit input[name='speakers.role']")
        persons = page.page.locator("form.edit input[name='speakers.person']")
        assert persons.count() == 5 and persons.nth(3).input_value() == "Khalid Ahmad Kidwai"
        assert page.page.is_checked("form.edit .nested .item >> nth=3 >> input[type=checkbox]")
        roles.nth(4).fill("closing address")
        page.page.click("#edit-done")
        page.settle()
        assert page.status_of(key) == "edited" and page.page.locator(f"#fact-{key} ul.problems").count() == 0
        _save(page)
        page.assert_clean()
    after = sheet.read_text(encoding="utf-8")
    changed = [line for line in after.split("\n") if line not in before.split("\n")]
    assert changed == ["      - {person: Zubair Mahmood Hayat, role: closing address}"]


@pytest.mark.parametrize("stem", ["000_7ea689264487c6d2", "004_05d95eeefa1e2818"])
def test_every_seed_fact_through_the_edit_form_unchanged_keeps_the_sheet_s_bytes(browser, raw_copy, stem):
    sheet = raw_copy / f"{stem}.facts.yaml"
    before = sheet.read_bytes()
    with make_server(raw_copy) as srv:
        srv.start()
        page = ReviewPage(browser, srv, f"doc/{stem}")
        for i in range(page.page.locator(".card").count()):
            key = int(page.page.locator(".card").nth(i).get_attribute("data-key"))
            _edit_field(page, key)
            page.page.click("#edit-done")
            page.settle()
            assert page.page.locator(f"#fact-{key} ul.problems").count() == 0, page.page.text_content(f"#fact-{key}")
        _save(page)
        page.assert_clean()
    assert sheet.read_bytes() == before


def test_a_note_given_as_a_list_stays_a_list_through_the_edit_form(browser, raw_copy):
    sheet = raw_copy / "004_05d95eeefa1e2818.facts.yaml"
    text = sheet.read_text(encoding="utf-8").replace(
        "  - type: membership\n", "  - type: membership\n    note: [first remark, second remark]\n", 1)
    sheet.write_text(text, encoding="utf-8")
    with make_server(raw_copy) as srv:
        srv.start()
        page = ReviewPage(browser, srv, "doc/004_05d95eeefa1e2818")
        key = int(page.page.locator(".card", has_text="second remark").first.get_attribute("data-key"))
        _edit_field(page, key)
        assert [page.page.locator("form.edit input[name=note]").nth(i).input_value() for i in range(2)] == \
            ["first remark", "second remark"]
        page.page.click("#edit-done")
        page.settle()
        _save(page)
        page.assert_clean()
    assert sheet.read_text(encoding="utf-8") == text
