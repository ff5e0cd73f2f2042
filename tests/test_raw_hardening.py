"""Issue 14, the raw/ side: nothing silently dropped or distorted, everything bounded, every error a line.

Each test names the audit item it covers. Every failing build must exit non-zero with
one line per problem naming the file (and line where there is one), no traceback, and
leave the previous build as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kg
from kg.core import dates
from kg.sources import yamlsrc
from kg.core.errors import DateError, SourceError

from .conftest import SEED_RAW, invoke

DOC = "004_05d95eeefa1e2818"
SHEET = f"{DOC}.facts.yaml"


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hardening") / "build"
    kg.build(SEED_RAW, out)
    return out


@pytest.fixture
def previous(seed_build, tmp_path) -> Path:
    """A copy of a good build, which a failed build must leave byte for byte as it was."""
    out = tmp_path / "build"
    shutil.copytree(seed_build, out, symlinks=True)
    return out


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def fails(raw: Path, out: Path, *needles: str) -> str:
    """Build, expect exit 1 with every needle in stderr, no traceback, and ``out`` unchanged."""
    before = snapshot(out)
    result = invoke("build", "--raw", raw, "--out", out)
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.stderr, result.stderr
    assert snapshot(out) == before
    return result.stderr


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


# ---------------------------------------------------------------- 3: facts vanish silently

def test_3_a_sheet_saved_as_yml_is_an_error_not_sixteen_missing_facts(raw_copy, previous):
    (raw_copy / SHEET).rename(raw_copy / f"{DOC}.facts.yml")
    stderr = fails(raw_copy, previous, f"{DOC}.facts.yml", "holds facts but is not read", f"rename it {SHEET}")
    assert len(stderr.strip().splitlines()) == 2  # the problem and the summary line


def test_3_an_empty_sheet_and_an_unread_file_are_warned(raw_copy, tmp_path):
    (raw_copy / SHEET).write_bytes(b"")
    (raw_copy / "notes.md").write_text("what to add next\n", encoding="utf-8")
    (raw_copy / "old").mkdir()
    (raw_copy / ".swap").write_text("facts:\n", encoding="utf-8")  # hidden: passed over
    result = invoke("build", "--raw", raw_copy, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert f"{SHEET}: warning: the fact sheet is empty" in result.stderr
    assert "notes.md: warning: not read" in result.stderr
    assert "old: warning: a folder, not read" in result.stderr
    assert ".swap" not in result.stderr
    # 'facts: []' says the document has none: no warning.
    (raw_copy / SHEET).write_text("facts: []\n", encoding="utf-8")
    result = invoke("build", "--raw", raw_copy, "--out", tmp_path / "out")
    assert "sheet is empty" not in result.stderr


def test_3_an_unknown_file_that_holds_facts_is_an_error(raw_copy, previous):
    shutil.copy(raw_copy / SHEET, raw_copy / f"{DOC}.sheet")
    fails(raw_copy, previous, f"{DOC}.sheet", "holds facts but is not read")


# ---------------------------------------------------------------- 4: input quietly distorted

def test_4_front_matter_values_are_yaml_scalars(raw_copy, tmp_path):
    doc = raw_copy / f"{DOC}.txt"
    edit(doc, 'title: "Pakistan will participate in SCO Peace Mission 2018 exercise"',
         "title: '\"Quoted\" report and \"more\"'")
    kg.build(raw_copy, tmp_path / "out")
    store = kg.query(f'SELECT ?t WHERE {{ <https://w3id.org/bilateral-kg/id/doc/{DOC}> dcterms:title ?t }}',
                     tmp_path / "out")
    assert store.dicts() == [{"t": '"Quoted" report and "more"'}]


def test_4_a_front_matter_value_that_is_not_one_scalar_is_an_error(raw_copy, previous):
    doc = raw_copy / f"{DOC}.txt"
    edit(doc, 'title: "Pakistan will participate in SCO Peace Mission 2018 exercise"',
         'title: "Quoted" report and "more"')
    fails(raw_copy, previous, f"{DOC}.txt:{line_of(doc, 'title:')}: front matter 'title': not one YAML value")


@pytest.mark.parametrize("value, shape", [("[Pakistan, Pak]", "a list"), ("{a: b}", "a mapping"), ("yes", "true")])
def test_4_a_registry_name_of_the_wrong_shape_is_an_error(raw_copy, previous, value, shape):
    reg = raw_copy / "entities.yaml"
    edit(reg, "  name: Pakistan\n", f"  name: {value}\n")
    fails(raw_copy, previous, f"entities.yaml:{line_of(reg, '  name: ' + value)}: entity 'pakistan': name must be text, not {shape}")


def test_4_a_word_fragment_is_not_a_quote(raw_copy, previous):
    sheet = raw_copy / SHEET
    edit(sheet, 'quote: "Pakistan and India are the latest', 'quote: "kistan and India are the latest')
    fails(raw_copy, previous, f"{SHEET}:{line_of(sheet, 'kistan and India are')}: quote not found")


def test_4_quotes_keep_matching_on_word_boundaries():
    from kg.sources.documents import Document

    doc = Document("d", Path("d.txt"), {}, "Pakistan joined  the\nSCO in 2017, as full-members.", dates.PartialDate(2018))
    assert doc.find_quote("kista") is None
    assert doc.find_quote("full-mem") is None
    assert doc.find_quote("joined the SCO") == (9, 24)
    assert doc.find_quote("in 2017, as") == (25, 36)
    assert doc.find_quote("Pakistan") == (0, 8)


# ---------------------------------------------------------------- 6: YAML bombs

BOMB = "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]\n" for i in range(1, 9))


@pytest.mark.parametrize("where", ["sheet", "registry"])
def test_6_yaml_aliases_are_refused_at_their_line(raw_copy, previous, where):
    path = raw_copy / (SHEET if where == "sheet" else "entities.yaml")
    text = path.read_text(encoding="utf-8")
    bomb = 'l0: &l0 "lol"\n' + BOMB
    if where == "sheet":
        text = text.replace("facts:\n", bomb.replace("l", "x") + "facts:\n", 1)
        path.write_text(text, encoding="utf-8")
    else:
        path.write_text(bomb.replace("l", "z") + text, encoding="utf-8")
    fails(raw_copy, previous, f"{path.name}:{line_of(path, '*')}: a YAML alias")


def test_6_merge_keys_and_recursive_aliases_are_refused():
    with pytest.raises(SourceError, match="merge key"):
        yamlsrc.loads("a: &a {x: 1}\nb:\n  <<: *a\n")
    with pytest.raises(SourceError, match="alias") as exc:
        yamlsrc.loads("a: &a\n  - *a\n")
    assert exc.value.line == 2


def test_yaml_nested_too_deeply_is_a_message():
    with pytest.raises(SourceError, match="nested too deeply|maximum nesting depth"):
        yamlsrc.loads("a: " + "[" * 600 + "]" * 600 + "\n")


# ---------------------------------------------------------------- 15 and 19: special files

def special_cases(raw: Path) -> dict[str, str]:
    (raw / "fifo.txt").unlink(missing_ok=True)
    os.mkfifo(raw / "fifo.txt")
    os.symlink("/dev/zero", raw / "zero.txt")
    os.symlink("nowhere.txt", raw / "dangling.txt")
    os.symlink("loop.txt", raw / "loop.txt")
    (raw / "dir.txt").mkdir()
    return {"fifo.txt": "a FIFO", "zero.txt": "a symbolic link out of its folder", "dangling.txt": "a symbolic link to nothing",
            "loop.txt": "a symbolic link that loops", "dir.txt": "a folder, not a file"}


def test_15_19_only_regular_files_inside_raw_are_read(raw_copy, previous):
    cases = special_cases(raw_copy)
    stderr = fails(raw_copy, previous, *[f"{name}: {reason}" for name, reason in cases.items()])
    assert f"{len(cases)} problem(s)" in stderr


def test_15_a_symlink_inside_raw_is_followed(raw_copy, tmp_path):
    (raw_copy / SHEET).rename(raw_copy / ".sheet.keep")
    os.symlink(".sheet.keep", raw_copy / SHEET)
    result = invoke("build", "--raw", raw_copy, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output


def test_15_sheet_or_registry_as_special_files(raw_copy, previous):
    (raw_copy / SHEET).unlink()
    os.mkfifo(raw_copy / SHEET)
    fails(raw_copy, previous, f"{SHEET}: a FIFO")
    (raw_copy / SHEET).unlink()
    (raw_copy / "entities.yaml").unlink()
    os.symlink("/dev/zero", raw_copy / "entities.yaml")
    fails(raw_copy, previous, "entities.yaml: a symbolic link out of its folder")


def test_15_files_over_the_size_cap_are_refused(raw_copy, previous, monkeypatch):
    monkeypatch.setenv("KG_MAX_FILE_BYTES", "10K")  # the registry and one sheet are under, one sheet over
    stderr = fails(raw_copy, previous, "000_7ea689264487c6d2.facts.yaml: 13,012 bytes, over kg's limit of 10,240 bytes",
                   "KG_MAX_FILE_BYTES")
    assert "1 problem(s)" in stderr


def test_15_a_bad_size_setting_is_a_usage_error(raw_copy, previous, monkeypatch):
    monkeypatch.setenv("KG_MAX_FILE_BYTES", "lots")
    result = invoke("build", "--raw", raw_copy, "--out", previous)
    assert result.exit_code == 2 and "KG_MAX_FILE_BYTES='lots'" in result.stderr


def _unprivileged(tmp_path: Path) -> tuple[list[str], Path]:
    """A command prefix that runs kg as a user without root's right to read anything, and a folder it owns."""
    root = Path(tempfile_dir())
    if os.geteuid() != 0:
        return [], root
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("running as root without setpriv: cannot test unreadable files")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"], root


def tempfile_dir() -> str:
    import tempfile

    path = tempfile.mkdtemp(prefix="kg-perm-")
    os.chmod(path, 0o755)
    return path


def _kg(prefix: list[str], *args) -> subprocess.CompletedProcess:
    kg_bin = Path(sys.executable).with_name("kg")
    return subprocess.run([*prefix, str(kg_bin), *map(str, args)], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("target", [SHEET, f"{DOC}.txt", "entities.yaml"])
def test_19_unreadable_files_are_one_line(tmp_path, target):
    prefix, root = _unprivileged(tmp_path)
    try:
        raw, out = root / "raw", root / "build"
        shutil.copytree(SEED_RAW, raw)
        kg.build(raw, out)
        if prefix:
            subprocess.run(["chown", "-R", "65534:65534", str(root)], check=True)
        before = snapshot(out)
        (raw / target).chmod(0)
        result = _kg(prefix, "build", "--raw", raw, "--out", out)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert f"{target}: cannot be read (permission denied)" in result.stderr
        assert snapshot(out) == before
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("locked", ["parent", "build"])
def test_20_an_unwritable_build_folder_is_one_line_and_keeps_the_build(tmp_path, locked):
    """build/ read-only (the previous build must stay), or a first build under a read-only parent."""
    prefix, root = _unprivileged(tmp_path)
    try:
        raw, out = root / "raw", root / "out" / "build"
        shutil.copytree(SEED_RAW, raw)
        kg.build(raw, out)
        edit(raw / f"{DOC}.txt", "Pakistan will", "Pakistan shall")
        if prefix:
            subprocess.run(["chown", "-R", "65534:65534", str(root)], check=True)
        target = out if locked == "build" else out.parent / "first"
        before = snapshot(out.parent)
        (out if locked == "build" else out.parent).chmod(0o555)
        result = _kg(prefix, "build", "--raw", raw, "--out", target)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert "cannot write here: Permission denied" in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert snapshot(out.parent) == before
    finally:
        for p in (root / "out", root / "out" / "build"):
            if p.exists():
                p.chmod(0o755)
        shutil.rmtree(root, ignore_errors=True)


# ---------------------------------------------------------------- 16, 17: dates

@pytest.mark.parametrize("date, reason", [
    ("2017-02-30", "day 30 is out of range for 2017-02"),
    ("2017-13-01", "month 13 is out of range"),
    ("0000-01-01", "year 0 is out of range"),
    ("after 9999-12-31", "reaches past the calendar"),
    ("before 0001-01-01", "reaches past the calendar"),
])
def test_16_17_impossible_and_extreme_dates_are_messages(raw_copy, previous, date, reason):
    sheet = raw_copy / SHEET
    edit(sheet, "date: June 2017", f"date: {date}")
    fails(raw_copy, previous, f"{SHEET}:{line_of(sheet, 'date: ' + date)}: date: ", reason)


@pytest.mark.parametrize("text, reference", [("tomorrow", dates.PartialDate(9999, 12, 31)),
                                             ("yesterday", dates.PartialDate(1, 1, 1)),
                                             ("last week", dates.PartialDate(1, 1, 3)),
                                             ("this week", dates.PartialDate(9999, 12, 31))])
def test_17_relative_dates_off_the_calendar(text, reference):
    with pytest.raises(DateError, match="reaches past the calendar"):
        dates.parse(text, reference)


def test_24_a_huge_bad_date_is_not_echoed_whole(raw_copy, previous):
    edit(raw_copy / SHEET, "date: June 2017", "date: " + "x" * 1_000_000)
    stderr = fails(raw_copy, previous, "cannot read 'xxxx", "(1,000,000 characters) as a date")
    assert max(len(line) for line in stderr.splitlines()) < 400


# ---------------------------------------------------------------- 18: names no IRI can hold

@pytest.mark.parametrize("name", ["a b", "a<b>", 'a"b', "a%zz", "a{b}", "a\\b", "a^b|c", "a\nb", "a\udcffb"])
def test_18_document_names_no_iri_can_hold(raw_copy, previous, name):
    try:
        (raw_copy / f"{DOC}.txt").rename(raw_copy / f"{name}.txt")
        (raw_copy / SHEET).rename(raw_copy / f"{name}.facts.yaml")
    except (OSError, UnicodeEncodeError):
        pytest.fail(f"this file system cannot hold the name {name!r}")
    stderr = fails(raw_copy, previous, "cannot be part of an IRI")
    assert all("\n" not in line for line in stderr.splitlines())
    assert len(stderr.strip().splitlines()) == 2


# ---------------------------------------------------------------- 21, 26, 27: the registry

@pytest.mark.parametrize("value, reason", [("[State]", "type must be one class name, not a list"),
                                           ("{a: b}", "type must be one class name, not a mapping")])
def test_21_registry_type_of_the_wrong_shape(raw_copy, previous, value, reason):
    reg = raw_copy / "entities.yaml"
    edit(reg, "  type: State\n", f"  type: {value}\n")
    fails(raw_copy, previous, f"entities.yaml:{line_of(reg, 'type: ' + value)}: ", reason)


def test_27_a_missing_type_says_so(raw_copy, previous):
    reg = raw_copy / "entities.yaml"
    text = reg.read_text(encoding="utf-8")
    start = text.index("pakistan:")
    reg.write_text(text[:start] + text[start:].replace("  type: State\n", "", 1), encoding="utf-8")
    stderr = fails(raw_copy, previous, f"entities.yaml:{line_of(reg, 'pakistan:')}: entity 'pakistan': lacks a type (known: ")
    assert "None" not in stderr


def test_26_an_alias_collision_points_at_the_alias(raw_copy, previous):
    reg = raw_copy / "entities.yaml"
    # The first entity takes, as an alias, the id of the one after it: the alias is the mistake.
    edit(reg, "aliases: [Islamic Republic of Pakistan, Pakistani]",
         "aliases: [Islamic Republic of Pakistan, Pakistani, russia]")
    stderr = fails(raw_copy, previous, f"entities.yaml:{line_of(reg, 'Pakistani, russia')}: ",
                   "the alias 'russia' of 'pakistan' is already a name of 'russia'")
    assert "the id 'russia'" not in stderr


# ---------------------------------------------------------------- 23, 25: where the fault is

def test_23_a_nul_byte_in_a_sheet_has_its_line(raw_copy, previous):
    sheet = raw_copy / SHEET
    edit(sheet, "date: June 2017", "date: June\x00 2017")
    fails(raw_copy, previous, f"{SHEET}:{line_of(sheet, 'June' + chr(0))}: the character U+0000 is not allowed")


def test_25_an_unclosed_quote_is_reported_where_it_opens(raw_copy, previous):
    sheet = raw_copy / SHEET
    text = sheet.read_text(encoding="utf-8")
    at = text.index('quote: "') + len('quote: "')
    end = text.index('"', at)
    sheet.write_text(text[:end] + text[end + 1:], encoding="utf-8")  # drop the closing quote
    line = text.count("\n", 0, at) + 1
    fails(raw_copy, previous, f"{SHEET}:{line}: YAML syntax error: the quoted value that starts here is not closed")


def test_non_utf8_sheet_names_its_line(raw_copy, previous):
    sheet = raw_copy / SHEET
    data = sheet.read_bytes()
    at = data.index(b"date: June 2017")
    sheet.write_bytes(data[:at] + b"date: June \xff2017" + data[at + len(b"date: June 2017"):])
    line = data.count(b"\n", 0, at) + 1
    fails(raw_copy, previous, f"{SHEET}:{line}: not UTF-8 text")
