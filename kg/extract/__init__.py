"""Drafting fact sheets from raw text, and measuring how well that works.

    from kg.extract import extract_document
    drafts = extract_document(path_or_document, registry=registry)

Modules, one concern each: text (reading input, clutter, sentences),
reference (names from packages and small tables), entities (recognizing and
matching names), timex (dates in text), facts (the rules per fact type),
identity (when two facts are the same), sheet (writing YAML and JSON),
evaluate (precision and recall against reviewed sheets), pipeline (the
whole run). Nothing is loaded or built on import.
"""

from __future__ import annotations

from .model import DraftFact, Mention, Participant, Quote
from .pipeline import extract_document

__all__ = ["DraftFact", "Mention", "Participant", "Quote", "extract_document"]
