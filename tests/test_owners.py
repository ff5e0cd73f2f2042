"""One owner per job: the places that print tables, embed JSON in pages and hash inline
scripts all use the same function, so a fix in one place reaches every command."""

from __future__ import annotations

import io

from kg.core import html, textout
from kg.render import page as viz_page
from kg.serve import page as serve_page

from .conftest import invoke


def test_kg_query_tables_escape_control_characters_like_every_other_table(built):
    result = invoke("query", "--build", built, 'SELECT ?x WHERE { BIND("red\\u001b[31m\\u202eevil\\rline" AS ?x) }')
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.output and "\u202e" not in result.output and "\r" not in result.output
    assert "red\\x1b[31m\\u202eevil line" in result.output and result.output.endswith("1 row\n")


def test_both_table_looks_come_from_one_renderer():
    plain, grid = io.StringIO(), io.StringIO()
    textout.write_table(["a", "b"], [["x\x07", "long text here"]], plain, widths=[0, 4])
    textout.write_table(["a", "b"], [["x\x07", "long text here"]], grid, widths=[0, 4], grid=True)
    assert plain.getvalue().splitlines() == ["a      b", "-----  ----", "x\\x07  long", "       text", "       here"]
    assert grid.getvalue().splitlines()[:3] == ["+-------+------+", "| a     | b    |", "+=======+======+"]
    assert "| x\\x07 | long |" in grid.getvalue()


def test_pages_share_the_script_json_and_csp_hash_helpers():
    assert viz_page.script_json is html.script_json is serve_page.script_json
    assert viz_page.csp_hash is html.csp_hash is serve_page.csp_hash
    assert html.script_json({"q": "</script><!--\u2028&"}) == '{"q":"\\u003c/script\\u003e\\u003c!--\\u2028\\u0026"}'
    assert html.csp_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"


def test_one_table_of_formats_feeds_the_commands_the_writers_and_the_server():
    from kg.cli import main
    from kg.core import formats
    from kg.core.serialize import FORMATS
    from kg.serve.protocol import CONTENT_TYPES
    from kg.sparql.results import GRAPH_FORMATS, TABLE_FORMATS
    from kg.store.export import EXPORT_FORMATS
    from kg.views.network import NETWORK_FORMATS

    def choices(command, option="fmt"):
        (param,) = [p for p in command.params if p.name == option]
        return set(param.type.choices)

    assert choices(main.commands["query"]) == set(TABLE_FORMATS) | set(GRAPH_FORMATS)
    assert choices(main.commands["export"]) == set(EXPORT_FORMATS) | set(NETWORK_FORMATS)
    assert choices(main.commands["timeline"]) == set(formats.names("timeline"))
    assert set(EXPORT_FORMATS) <= set(FORMATS) and "nq" in EXPORT_FORMATS and "nq" not in GRAPH_FORMATS
    assert {name for kind, name in CONTENT_TYPES if kind == "graph"} == set(GRAPH_FORMATS)
    assert CONTENT_TYPES["results", "json"] == formats.find("results", "srj").media_type


def test_store_options_are_declared_once_and_push_takes_no_in_memory():
    from kg.cli import main
    from kg.store.local import IN_MEMORY_MAX_TRIPLES

    def options(name):
        return {o for p in main.commands[name].params for o in p.opts + p.secondary_opts}

    for name in ("query", "export", "viz", "timeline", "serve"):
        assert {"--in-memory", "--on-disk", "--build"} <= options(name), name
    assert {"--store", "--user"} <= options("push") and "--in-memory" not in options("push")
    (serve_in_memory,) = [p for p in main.commands["serve"].params if p.name == "in_memory"]
    (query_in_memory,) = [p for p in main.commands["query"].params if p.name == "in_memory"]
    assert serve_in_memory.help == query_in_memory.help and f"{IN_MEMORY_MAX_TRIPLES:,} triples" in query_in_memory.help
    result = invoke("push", "--in-memory")
    assert result.exit_code == 2 and "No such option" in result.stderr


def test_one_open_source_for_folders_servers_and_open_sources(built):
    from kg.store.local import Store
    from kg.store.remote import RemoteConfig, RemoteStore
    from kg.store.source import Source, open_source

    local = open_source(built)
    assert isinstance(local, Store) and isinstance(local, Source) and open_source(local) is local
    remote = open_source(built, remote=RemoteConfig("http://127.0.0.1:9/query"))
    assert isinstance(remote, RemoteStore) and isinstance(remote, Source)


def test_kg_build_in_python_does_what_kg_build_does(tmp_path):
    import kg
    from kg.api import build_report

    from .conftest import SEED_RAW

    out = tmp_path / "build"
    result = kg.build(SEED_RAW, out, page=True)
    assert result.page == out / "graph.html" and result.page.is_file()
    assert build_report(result, SEED_RAW, out)[-1].startswith(f"  page       {out / 'graph.html'} (open it")
    shown = invoke("build", "--raw", SEED_RAW, "--out", out, "--page")
    assert shown.exit_code == 0 and f"  page       {out / 'graph.html'} (open it" in shown.stdout


def test_usage_mistakes_inside_commands_go_through_the_one_reporter(built):
    for args, message in ((("query", "--build", built, "dyad", "--bind", "novalue"), "--bind takes name=value"),
                          (("query", "--build", built), "give a query"),
                          (("query", "--build", built, "membership", "-f", "ttl"), "is for CONSTRUCT")):
        result = invoke(*args)
        assert result.exit_code == 2 and result.stderr == f"kg: error: {result.stderr[11:]}"
        assert message in result.stderr and "Usage:" not in result.stderr


def test_kg_help_imports_neither_rdflib_nor_networkx():
    import subprocess
    import sys

    code = "import sys; from kg.cli import main; print(sorted(m for m in ('rdflib', 'networkx') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
