"""The README's generated parts: reference tables, command synopses and console examples.

`python -m kg.docs` rewrites the marked sections of README.md; a test fails when
the README differs from what this produces. Three kinds of section:

- ``<!-- begin generated: NAME -->`` ... ``<!-- end generated: NAME -->`` for NAME
  in SECTIONS: the ontology and fact-sheet tables, and ``commands``, the
  synopsis of every command as click declares it;
- ``<!-- begin console -->`` ... ``<!-- end console -->`` around a ```console
  block: each ``$ kg ...`` line in it is run on the seeds (raw/, built once into
  a scratch folder, which is also the working folder) and the lines after it are
  replaced by what it prints. A command may be piped through ``head -N``,
  ``tail -N`` or ``cut -c1-N``, and may span lines while a quote is open.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from .core.namespaces import KG, PREFIXES
from .sources.schema import CONCEPT, ENTITY, FACT, NESTED, Field, load_schema


def _q(term) -> str:
    for prefix, ns in PREFIXES.items():
        if str(term).startswith(str(ns)):
            return f"{prefix}:{str(term)[len(str(ns)):]}"
    return str(term)


def _cell(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def ontology_tables() -> str:
    """Markdown tables of the ontology's classes and properties."""
    schema = load_schema()
    onto = schema.ontology
    lines = ["| class | subclass of | sheet type | CAMEO | definition |", "|---|---|---|---|---|"]
    classes = sorted((c for c in onto.subjects(RDF.type, OWL.Class)
                      if isinstance(c, URIRef) and str(c).startswith(str(KG))), key=str)
    for c in classes:
        parents = ", ".join(sorted(_q(p) for p in onto.objects(c, RDFS.subClassOf)))
        sheet = onto.value(c, KG.sheetType)
        cameo = onto.value(c, KG.cameoCode)
        code = onto.value(cameo, SKOS.notation) if cameo is not None else None
        lines.append(f"| `{_q(c)}` | {parents} | {f'`{sheet}`' if sheet else ''} | {code or ''} | "
                     f"{_cell(onto.value(c, SKOS.definition))} |")
    lines += ["", "| property | kind | sub-property of | definition |", "|---|---|---|---|"]
    props = sorted((p for t in (OWL.ObjectProperty, OWL.DatatypeProperty) for p in onto.subjects(RDF.type, t)
                    if str(p).startswith(str(KG))), key=str)
    for p in props:
        kind = "object" if (p, RDF.type, OWL.ObjectProperty) in onto else "datatype"
        parents = ", ".join(sorted(_q(x) for x in onto.objects(p, RDFS.subPropertyOf)))
        lines.append(f"| `{_q(p)}` | {kind} | {parents} | {_cell(onto.value(p, SKOS.definition))} |")
    return "\n".join(lines)


def _kind(f: Field, schema) -> str:
    if f.kind == ENTITY:
        return f"entity: {schema.label(f.range)}"
    if f.kind == FACT:
        return "id of another fact"
    if f.kind == CONCEPT:
        return "one of " + ", ".join(f"`{k}`" for k in sorted(f.concepts))
    if f.kind == NESTED:
        return "list of {" + ", ".join(s.key for s in f.nested) + "}"
    return _q(f.range).replace("xsd:", "")


def sheet_tables() -> str:
    """Markdown: for each fact type, the keys its fact sheets take."""
    schema = load_schema()
    common = [k for k in next(iter(schema.fact_types.values())).fields
              if all(k in t.fields for t in schema.fact_types.values())]  # the keys of every fact (kgsh:Fact)
    out = ["Every fact takes `type`, `date` and `quote` (text or a list; each must be found in the document), "
           f"and may take `id`, {', '.join(f'`{k}`' for k in common[:-1])} and `{common[-1]}`.", ""]
    for name, ftype in sorted(schema.fact_types.items()):
        definition = _cell(schema.ontology.value(ftype.cls, SKOS.definition))
        out += [f"**`{name}`** (`{_q(ftype.cls)}`): {definition}", "",
                "| key | value | required | many |", "|---|---|---|---|"]
        for key, f in ftype.fields.items():
            if key in common:
                continue
            out.append(f"| `{key}` | {_kind(f, schema)} | {'yes' if f.min_count else ''} | "
                       f"{'' if f.max_count == 1 else 'yes'} |")
        out.append("")
    return "\n".join(out).rstrip()


_METAVARS = {"integer range": "N", "integer": "N", "float": "NUMBER", "float range": "NUMBER",
             "directory": "DIR", "file": "FILE", "path": "PATH", "text": "TEXT"}


def _synopsis(name: str, command) -> str:
    parts = [f"kg {name}"]
    for param in command.params:
        if param.name == "help":
            continue
        if param.param_type_name == "argument":
            label = (param.metavar or param.name.upper()) + ("..." if param.nargs == -1 else "")
            parts.append(label if param.required else f"[{label}]")
            continue
        flag = max(param.opts, key=len)
        if param.is_flag:
            pair = param.secondary_opts and f"{flag}/{max(param.secondary_opts, key=len)}"
            parts.append(f"[{pair or flag}]")
        else:
            metavar = param.metavar or ("|".join(param.type.choices) if hasattr(param.type, "choices")
                                        else _METAVARS.get(param.type.name, param.type.name.upper()))
            parts.append(f"[{flag} {metavar}]" + ("..." if param.multiple else ""))
    if getattr(command, "commands", None):
        parts.append("[" + "|".join(sorted(command.commands)) + " ...]")
    return " ".join(parts)


def command_synopses() -> str:
    """Every command with its arguments and options, as click declares them."""
    from .cli import main

    lines = ["```text"]
    for name in sorted(main.commands):
        command = main.commands[name]
        lines.append(_synopsis(name, command))
        subcommands = getattr(command, "commands", {}) or {}
        for sub in sorted(subcommands):
            lines.append(_synopsis(f"{name} {sub}", subcommands[sub]))
    lines.append("```")
    return "\n".join(lines)


SECTIONS = {"ontology": ontology_tables, "fact-sheets": sheet_tables, "commands": command_synopses}

_CONSOLE = re.compile(r"(<!-- begin console -->\n```console\n)(.*?)(```\n<!-- end console -->)", re.S)


def _commands(block: str) -> list[tuple[str, bool]]:
    """The ``$ `` commands of a console block, each with the continuation lines of an open quote,
    and whether a blank line sets its output apart from the next command."""
    import shlex

    out: list[tuple[str, bool]] = []
    lines = block.splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            i += 1
            continue
        command = lines[i][2:]
        while True:
            try:
                shlex.split(command)
                break
            except ValueError:  # an open quote: the command goes on
                i += 1
                command += "\n" + lines[i]
        i += 1
        following = i
        while following < len(lines) and not lines[following].startswith("$ "):
            following += 1
        out.append((command, following < len(lines) and following > i and not lines[following - 1].strip()))
    return out


def _run(command: str, workdir: Path) -> str:
    """What ``command`` prints in a terminal: its standard output through its pipes, then its errors."""
    import os
    import shlex

    from click.testing import CliRunner

    from .cli import main

    stages = [shlex.split(stage) for stage in _pipes(command)]
    if stages[0][0] != "kg":
        raise ValueError(f"README console command does not start with kg: {command!r}")
    here = os.getcwd()
    os.chdir(workdir)
    try:
        env = {name: None for name in ("KG_BUILD", "KG_RAW", "KG_STORE", "KG_IN_MEMORY", "KG_STORE_PASSWORD", "COLUMNS")}
        result = CliRunner(env=env).invoke(main, stages[0][1:], catch_exceptions=False)
    finally:
        os.chdir(here)
    lines = result.stdout.splitlines()
    for stage in stages[1:]:
        if stage[0] == "head":
            lines = lines[: int(stage[1].lstrip("-n"))]
        elif stage[0] == "tail":
            lines = lines[-int(stage[1].lstrip("-n")):]
        elif stage[0] == "cut" and stage[1].startswith("-c1-"):
            lines = [line[: int(stage[1][4:])] for line in lines]
        else:
            raise ValueError(f"README console command pipes through {stage[0]!r}, which kg.docs cannot run")
    errors = result.stderr.splitlines() if "2>&1" in command or not stages[1:] else []
    return "".join(line + "\n" for line in lines + errors)


def _pipes(command: str) -> list[str]:
    """``command`` cut at its top-level pipes (not those inside quotes); ``2>&1`` dropped."""
    parts, current, quote = [], "", ""
    for ch in command:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "|":
            parts.append(current)
            current = ""
            continue
        current += ch
    parts.append(current)
    return [p.replace("2>&1", "").strip() for p in parts]


def render_consoles(text: str, workdir: Path) -> str:
    """Each console section with its commands run again in ``workdir``."""
    def fresh(m: re.Match) -> str:
        body = "".join(f"$ {command}\n" + _run(command, workdir) + ("\n" if blank else "")
                       for command, blank in _commands(m.group(2)))
        return m.group(1) + body + m.group(3)
    return _CONSOLE.sub(fresh, text)


def seed_workdir(folder: Path, raw: Path | None = None, built: Path | None = None) -> Path:
    """A working folder for the console examples: raw/ (the seeds) and build/ built from them
    (or a link to ``built``, a build of the same seeds)."""
    import shutil

    from .builder.build import build

    raw = raw or Path(__file__).resolve().parent.parent / "raw"
    shutil.copytree(raw, folder / "raw")
    if built is not None:
        (folder / "build").symlink_to(Path(built).resolve(), target_is_directory=True)
    else:
        build(folder / "raw", folder / "build")
    return folder


def render_readme(text: str, workdir: Path | None = None) -> str:
    """The README with each generated section replaced by fresh output (console sections
    only when ``workdir``, a seed_workdir, is given)."""
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- begin generated: {name} -->).*?(<!-- end generated: {name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"README has no generated section {name!r}")
        text = pattern.sub(lambda m: m.group(1) + "\n" + make() + "\n" + m.group(2), text)
    if workdir is not None:
        text = render_consoles(text, workdir)
    return text


def main(argv: list[str] | None = None) -> int:
    import tempfile

    path = Path(argv[0] if argv else "README.md")
    text = path.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="kg-docs-") as tmp:
        fresh = render_readme(text, seed_workdir(Path(tmp)))
    if fresh != text:
        path.write_text(fresh, encoding="utf-8")
        print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
