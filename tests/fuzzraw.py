"""A seeded generator of broken raw/ folders, for tests/test_fuzz_raw.py.

Each operator breaks a copy of the seed raw/ folder in one way a person, an
editor or a bad sync could (syntax, types, dates, encodings, names, YAML
anchors, special files) and says what `kg build` must answer: the file it
must name and a pattern of the reason. Which line, which fact, which value
and which file are chosen by a ``random.Random``, so one seed is one
reproducible folder: ``python -m tests.fuzzraw SEED`` prints what a seed does.
"""

from __future__ import annotations

import os
import random
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REGISTRY = "entities.yaml"


@dataclass
class Break:
    """One way a folder was broken: the file the message must name and what the reason must match."""

    operator: str
    category: str
    target: str          # the file name as the message spells it
    reason: str          # a regular expression the message must match

    def found_in(self, stderr: str) -> bool:
        return any(self.target in line and re.search(self.reason, line) for line in stderr.splitlines())


Operator = Callable[[random.Random, Path], Break]
OPERATORS: dict[str, tuple[str, Operator]] = {}


def operator(category: str):
    def register(fn: Operator) -> Operator:
        OPERATORS[fn.__name__] = (category, fn)
        return fn
    return register


# ---------------------------------------------------------------- helpers

def read(path: Path) -> str:
    """A file's text as an earlier break left it (bytes that are not UTF-8 kept as they are);
    LookupError if it is no longer a plain file to break (a FIFO, a link, gone)."""
    if path.is_symlink() or not path.is_file():
        raise LookupError(f"{path.name} is not a file to break")
    return path.read_bytes().decode("utf-8", "surrogateescape")


def write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", "surrogateescape"))

def documents(raw: Path) -> list[Path]:
    return sorted(p for p in raw.glob("*.txt") if p.is_file() and not p.is_symlink())


def sheets(raw: Path) -> list[Path]:
    return sorted(p for p in raw.glob("*.facts.yaml") if p.is_file() and not p.is_symlink())


def lines_matching(path: Path, pattern: str) -> list[int]:
    """0-based indexes of the lines matching ``pattern``."""
    return [i for i, line in enumerate(read(path).split("\n")) if re.match(pattern, line)]


def replace_line(path: Path, index: int, new: str) -> None:
    lines = read(path).split("\n")
    lines[index] = new
    write(path, "\n".join(lines))


def indent_of(path: Path, index: int) -> str:
    line = read(path).split("\n")[index]
    return line[: len(line) - len(line.lstrip())]


def pick_fact_key(rng: random.Random, raw: Path, key: str) -> tuple[Path, int, str]:
    """A sheet, the index of one of its ``key:`` lines (chosen at random), and that line's indent."""
    candidates = [(s, i) for s in sheets(raw) for i in lines_matching(s, rf"\s+(- )?{key}:\s*\S")]
    sheet, index = rng.choice(candidates)
    indent = indent_of(sheet, index)
    line = read(sheet).split("\n")[index]
    if line.lstrip().startswith("- "):
        indent += "- "
    return sheet, index, indent


def pick_entity_line(rng: random.Random, raw: Path, key: str) -> int:
    return rng.choice(lines_matching(raw / REGISTRY, rf"  {key}:"))


# ---------------------------------------------------------------- syntax

@operator("syntax")
def sheet_unclosed_bracket(rng, raw):
    sheet, index, indent = pick_fact_key(rng, raw, "date")
    replace_line(sheet, index, f"{indent}date: [{rng.choice(['June 2017', '2018', 'in April'])}")
    return Break("sheet_unclosed_bracket", "syntax", sheet.name, r"YAML syntax error")


@operator("syntax")
def sheet_tab_indent(rng, raw):
    sheet, index, _indent = pick_fact_key(rng, raw, "date")
    replace_line(sheet, index, "\t  date: 2018")
    return Break("sheet_tab_indent", "syntax", sheet.name, r"YAML syntax error")


@operator("syntax")
def registry_unclosed_quote(rng, raw):
    index = pick_entity_line(rng, raw, "name")
    line = read(raw / REGISTRY).split("\n")[index]
    replace_line(raw / REGISTRY, index, '  name: "' + line.split(":", 1)[1].strip())
    return Break("registry_unclosed_quote", "syntax", REGISTRY, r"YAML syntax error")


@operator("syntax")
def front_matter_unclosed(rng, raw):
    doc = rng.choice(documents(raw))
    text = read(doc)
    head, sep, body = text.partition("\n---\n")
    write(doc, head + "\n" + body)
    return Break("front_matter_unclosed", "syntax", doc.name, r"front matter")


@operator("syntax")
def front_matter_two_values(rng, raw):
    doc = rng.choice(documents(raw))
    replace_line(doc, lines_matching(doc, "title:")[0], 'title: "Quoted" report and "more"')
    return Break("front_matter_two_values", "syntax", doc.name, r"front matter 'title': not one YAML value")


# ---------------------------------------------------------------- types

@operator("types")
def sheet_date_mapping(rng, raw):
    sheet, index, indent = pick_fact_key(rng, raw, "date")
    replace_line(sheet, index, f"{indent}date: {{when: {rng.randint(1990, 2030)}}}")
    return Break("sheet_date_mapping", "types", sheet.name, r"is not a date")


@operator("types")
def sheet_quote_mapping(rng, raw):
    sheet, index, indent = pick_fact_key(rng, raw, "quote")
    replace_line(sheet, index, f"{indent}quote: {{text: x}}")
    return Break("sheet_quote_mapping", "types", sheet.name, r"a quote must be non-empty text")


@operator("types")
def sheet_type_list(rng, raw):
    sheet, index, indent = pick_fact_key(rng, raw, "type")
    replace_line(sheet, index, f"{indent}type: [membership]")
    return Break("sheet_type_list", "types", sheet.name, r"unknown fact type")


@operator("types")
def registry_name_shape(rng, raw):
    index = pick_entity_line(rng, raw, "name")
    replace_line(raw / REGISTRY, index, "  name: " + rng.choice(["[Pakistan, Pak]", "{a: b}", "yes", "false"]))
    return Break("registry_name_shape", "types", REGISTRY, r"name must be text, not")


@operator("types")
def registry_type_shape(rng, raw):
    index = pick_entity_line(rng, raw, "type")
    replace_line(raw / REGISTRY, index, "  type: " + rng.choice(["[State]", "{a: b}", "7"]))
    return Break("registry_type_shape", "types", REGISTRY, r"type must be one class name|unknown type")


@operator("types")
def registry_type_missing(rng, raw):
    index = pick_entity_line(rng, raw, "type")
    replace_line(raw / REGISTRY, index, "  # type removed")
    return Break("registry_type_missing", "types", REGISTRY, r"lacks a type \(known: ")


@operator("types")
def registry_aliases_text(rng, raw):
    index = pick_entity_line(rng, raw, "aliases")
    replace_line(raw / REGISTRY, index, "  aliases: {a: b}")
    return Break("registry_aliases_text", "types", REGISTRY, r"aliases must be a list of names")


# ---------------------------------------------------------------- dates

IMPOSSIBLE = [("2017-02-30", r"day 30 is out of range"), ("2017-13-01", r"month 13 is out of range"),
              ("0000-01-01", r"year 0 is out of range"), ("after 9999-12-31", r"reaches past the calendar"),
              ("before 0001-01-01", r"reaches past the calendar"), ("2019-02-29", r"day 29 is out of range"),
              ("31 April 2018", r"day 31 is out of range")]


@operator("dates")
def sheet_impossible_date(rng, raw):
    sheet, index, indent = pick_fact_key(rng, raw, "date")
    value, reason = rng.choice(IMPOSSIBLE)
    replace_line(sheet, index, f"{indent}date: {value}")
    return Break("sheet_impossible_date", "dates", sheet.name, reason)


@operator("dates")
def sheet_huge_date(rng, raw):
    sheet, index, indent = pick_fact_key(rng, raw, "date")
    replace_line(sheet, index, f"{indent}date: " + rng.choice("xyz") * rng.randint(200_000, 1_000_000))
    return Break("sheet_huge_date", "dates", sheet.name, r"characters\) as a date")


@operator("dates")
def front_matter_impossible_date(rng, raw):
    doc = rng.choice(documents(raw))
    value, reason = rng.choice(IMPOSSIBLE[:3])
    replace_line(doc, lines_matching(doc, "reference_date:")[0], f"reference_date: {value}")
    return Break("front_matter_impossible_date", "dates", doc.name, "reference_date: " + reason)


# ---------------------------------------------------------------- encodings

def _insert_bytes(rng: random.Random, path: Path, data: bytes) -> None:
    raw = path.read_bytes()
    starts = [0] + [m.end() for m in re.finditer(rb"\n", raw)][:-1]
    at = rng.choice(starts[4:] or starts)
    path.write_bytes(raw[:at] + data + raw[at:])


@operator("encodings")
def invalid_utf8(rng, raw):
    path = rng.choice([*documents(raw), *sheets(raw), raw / REGISTRY])
    _insert_bytes(rng, path, rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xe2\x82"]))
    return Break("invalid_utf8", "encodings", path.name, r"not UTF-8 text")


@operator("encodings")
def nul_byte(rng, raw):
    path = rng.choice([*documents(raw), *sheets(raw), raw / REGISTRY])
    _insert_bytes(rng, path, b"x\x00y")
    return Break("nul_byte", "encodings", path.name, r"U\+0000|NUL byte")


@operator("encodings")
def utf16_sheet(rng, raw):
    sheet = rng.choice(sheets(raw))
    sheet.write_bytes(read(sheet).encode("utf-16"))
    return Break("utf16_sheet", "encodings", sheet.name, r"not UTF-8 text .*looks like UTF-16")


# ---------------------------------------------------------------- names

BAD_NAMES = ["a b", "a<b>", 'a"b', "a%zz", "a{b}", "a\\b", "a^b|c", "a\nb", "a\udcffb", "-dash"]


@operator("names")
def document_name(rng, raw):
    doc = rng.choice(documents(raw))
    name = rng.choice(BAD_NAMES)
    sheet = doc.with_name(doc.stem + ".facts.yaml")
    doc.rename(raw / f"{name}.txt")
    if sheet.exists():
        sheet.rename(raw / f"{name}.facts.yaml")
    shown = name.replace("\n", "\\n").replace("\udcff", "\\udcff")
    return Break("document_name", "names", shown, r"cannot be part of an IRI")


# ---------------------------------------------------------------- anchors

def _bomb(rng: random.Random, letter: str) -> str:
    levels = rng.randint(3, 9)
    out = f'{letter}0: &{letter}0 "lol"\n'
    for i in range(1, levels + 1):
        out += f"{letter}{i}: &{letter}{i} [" + ", ".join([f"*{letter}{i - 1}"] * 9) + "]\n"
    return out


@operator("anchors")
def billion_laughs_sheet(rng, raw):
    sheet = rng.choice(sheets(raw))
    text = read(sheet)
    write(sheet, text.replace("facts:\n", _bomb(rng, "q") + "facts:\n", 1))
    return Break("billion_laughs_sheet", "anchors", sheet.name, r"a YAML alias")


@operator("anchors")
def billion_laughs_registry(rng, raw):
    path = raw / REGISTRY
    write(path, _bomb(rng, "z") + read(path))
    return Break("billion_laughs_registry", "anchors", REGISTRY, r"a YAML alias")


@operator("anchors")
def merge_key(rng, raw):
    path = raw / REGISTRY
    write(path, "base: &base {name: X, type: State}\nxx:\n  <<: *base\n" + read(path))
    return Break("merge_key", "anchors", REGISTRY, r"merge key|a YAML alias")


# ---------------------------------------------------------------- special files

@operator("special files")
def fifo(rng, raw):
    name = rng.choice(["incoming.txt", "pipe.txt", f"{documents(raw)[0].stem}.facts.yaml"])
    (raw / name).unlink(missing_ok=True)
    os.mkfifo(raw / name)
    return Break("fifo", "special files", name, r"a FIFO")


@operator("special files")
def dev_zero_symlink(rng, raw):
    name = rng.choice(["zero.txt", REGISTRY])
    (raw / name).unlink(missing_ok=True)
    os.symlink("/dev/zero", raw / name)
    return Break("dev_zero_symlink", "special files", name, r"a symbolic link out of its folder")


@operator("special files")
def symlink_out(rng, raw):
    os.symlink(rng.choice(["/etc/passwd", "/etc/hostname", "../../secret.txt"]), raw / "leak.txt")
    return Break("symlink_out", "special files", "leak.txt", r"a symbolic link (out of its folder|to nothing)")


@operator("special files")
def dangling_symlink(rng, raw):
    os.symlink(f"gone-{rng.randint(0, 999)}.txt", raw / "dangling.txt")
    return Break("dangling_symlink", "special files", "dangling.txt", r"a symbolic link to nothing")


@operator("special files")
def symlink_loop(rng, raw):
    if rng.random() < 0.5:
        os.symlink("loop.txt", raw / "loop.txt")
    else:
        os.symlink("loop-b.txt", raw / "loop.txt")
        os.symlink("loop.txt", raw / "loop-b.txt")
    return Break("symlink_loop", "special files", "loop.txt", r"a symbolic link that loops")


@operator("special files")
def directory_named_txt(rng, raw):
    name = rng.choice(["x.txt", "folder.txt"])
    (raw / name).mkdir()
    return Break("directory_named_txt", "special files", name, r"a folder, not a file")


@operator("special files")
def sheet_as_yml(rng, raw):
    sheet = rng.choice(sheets(raw))
    new = sheet.with_name(sheet.name[: -len(".yaml")] + rng.choice([".yml", ".YAML"]))
    sheet.rename(new)
    return Break("sheet_as_yml", "special files", new.name, r"holds facts but is not read")


@operator("special files")
def unreadable(rng, raw):
    path = rng.choice([*documents(raw), *sheets(raw), raw / REGISTRY])
    path.chmod(0)
    return Break("unreadable", "special files", path.name, r"permission denied")


def usable_operators() -> list[str]:
    """Every operator this process can test: as root, a file without read permission is still read."""
    return [name for name in OPERATORS if not (name == "unreadable" and os.geteuid() == 0)]


def break_folder(raw: Path, seed: int, operators: list[str] | None = None, count: int = 1) -> list[Break]:
    """Break ``raw`` with ``count`` operators chosen by ``seed`` (from ``operators``, default all usable)."""
    rng = random.Random(seed)
    names = operators or usable_operators()
    chosen = rng.sample(names, k=min(count, len(names)))
    chosen.sort(key=lambda name: OPERATORS[name][0] == "special files")  # files are swapped for FIFOs last
    done = []
    for name in chosen:
        try:
            done.append(OPERATORS[name][1](rng, raw))
        except (LookupError, FileExistsError):  # an earlier break took what this one would break
            continue
    return done


if __name__ == "__main__":  # python -m tests.fuzzraw SEED [OPERATOR]: break a copy of raw/ and say how
    import shutil
    import tempfile

    seed = int(sys.argv[1])
    dest = Path(tempfile.mkdtemp()) / "raw"
    shutil.copytree(Path(__file__).resolve().parent.parent / "raw", dest)
    for b in break_folder(dest, seed, sys.argv[2:] or None):
        print(f"{dest}: {b}")
