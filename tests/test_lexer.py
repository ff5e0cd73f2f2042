"""The one SPARQL lexer: parameters and keywords are found only outside strings, IRIs,
escapes and comments, the same way for kg query and kg serve."""

from __future__ import annotations

from kg.serve.protocol import ProtocolError, refuse_outside_requests
from kg.sparql.lexer import declares_dataset, explain_error, parameters, substitute, where

import pytest

TRICKY = ('SELECT * WHERE { ?s ex:a\\#b $x .\r# $hidden SERVICE\r ?s ?p "$not \\" $still" . '
          "?s ?p '''$long\n$lines''' . ?s ?p <http://x/$iri> . ?s ?p $y }")


def test_parameters_skip_strings_iris_escapes_and_comments_ending_at_either_line_break():
    assert parameters(TRICKY) == {"x", "y"}
    out = substitute(TRICKY, {"x": "<urn:x>", "y": '"y"', "hidden": "!"})
    assert "<urn:x>" in out and out.endswith('"y" }') and "# $hidden" in out and "$still" in out


def test_kg_serve_and_kg_query_read_the_same_tokens():
    refuse_outside_requests(TRICKY)  # SERVICE is in a comment that ends at \r
    with pytest.raises(ProtocolError, match="line 1, column"):
        refuse_outside_requests(TRICKY.replace("# $hidden", "$hidden"))
    assert not declares_dataset('SELECT * WHERE { ?s ?p "FROM" } # FROM <x>')
    assert declares_dataset("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }")


def test_error_positions_count_from_the_text_the_person_wrote():
    assert explain_error("error at 5:7: expected one of", lines_added=3) == "line 2, column 7: expected one of"
    assert where("ab\ncd", 4) == "line 2, column 2"
