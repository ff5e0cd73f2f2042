"""From a document to draft facts: the library entry point of `kg extract`.

    from kg.extract import extract_document
    drafts = extract_document("raw/004_05d95eeefa1e2818.txt", registry=registry)

Where spaCy and an English pipeline are installed, they split sentences and
propose the people the rules missed; otherwise (the default, offline) the
rule-based splitter and recognizer do all the work. Set KG_EXTRACT_SPACY=0 to
ignore spaCy even where it is installed, for results that do not depend on it.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Iterator
from pathlib import Path

from ..core import dates
from ..sources.documents import Document
from ..sources.registry import Registry
from ..sources.factsheet import slugify
from .entities import Recognizer, gazetteer
from .context import Context, Sent
from .facts import draft_facts, merge
from .model import DraftFact, Mention
from .text import document_from_text, looks_english, read_source, sentences
from .timex import find_dates

SPACY_MODELS = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg", "en_core_web_trf")


@lru_cache(maxsize=1)
def spacy_pipeline():
    """A loaded spaCy English pipeline, or None where spaCy or a model is missing or disabled."""
    if os.environ.get("KG_EXTRACT_SPACY", "1").lower() in ("0", "no", "false", "off"):
        return None
    import importlib.util

    if importlib.util.find_spec("spacy") is None:
        return None
    try:
        import spacy
    except Exception:  # a broken install is the same as none  # noqa: BLE001
        return None
    for name in SPACY_MODELS:
        if importlib.util.find_spec(name) is not None:
            try:
                return spacy.load(name, disable=["lemmatizer"])
            except Exception:  # noqa: BLE001
                continue
    return None


def as_document(doc_or_text: Document | str | Path, reference_date: str | dates.PartialDate | None = None) -> Document:
    """A Document from a Document, a path, or text held in memory."""
    if isinstance(doc_or_text, Document):
        if reference_date is not None:
            ref = reference_date if isinstance(reference_date, dates.PartialDate) else dates.parse_partial(str(reference_date))
            doc_or_text.reference_date = ref
        return doc_or_text
    if isinstance(doc_or_text, Path) or (isinstance(doc_or_text, str) and "\n" not in doc_or_text
                                        and len(doc_or_text) < 4096 and Path(doc_or_text).is_file()):
        return read_source(Path(doc_or_text), reference_date)
    return document_from_text(str(doc_or_text), reference_date)


def extract_document(doc_or_text: Document | str | Path, registry: Registry | None = None,
                     reference_date: str | dates.PartialDate | None = None, *, use_spacy: bool | None = None) -> list[DraftFact]:
    """Draft facts from one document, in the order the text gives them.

    ``doc_or_text`` is a kg Document, a path, or the text itself (then
    ``reference_date`` is required). Entities are matched to ``registry``
    where it knows them, and proposed as new entities otherwise. Raises
    SourceError for input that cannot be read.
    """
    doc = as_document(doc_or_text, reference_date)
    nlp = spacy_pipeline() if use_spacy is not False else None
    gaz = gazetteer(registry)
    sents = sentences(doc.text, nlp)
    blocks = list(_blocks(sents))
    facts: list[DraftFact] = []
    for block in blocks:
        facts += _draft_block(doc, block, gaz, nlp, registry)
    return merge(facts) if len(blocks) > 1 else facts


# A news article is a few tens of kilobytes; longer texts are drafted in
# blocks of about this many characters, cut between paragraphs where possible,
# so that time grows linearly and memory stays bounded whatever the length.
BLOCK_CHARS = 60_000


def _blocks(sents: list) -> Iterator[list]:
    """The sentences in runs of about BLOCK_CHARS, cut at a paragraph break when one is near."""
    start = 0
    while start < len(sents):
        end = start
        while end < len(sents) and sents[end].end - sents[start].start < BLOCK_CHARS:
            end += 1
        end = max(end, start + 1)
        if end < len(sents):
            cut = end
            while cut > start + 1 and sents[cut].paragraph == sents[cut - 1].paragraph and end - cut < 200:
                cut -= 1
            if sents[cut].paragraph != sents[cut - 1].paragraph:
                end = cut
        yield sents[start:end]
        start = end


def _draft_block(doc: Document, sents: list, gaz, nlp, registry: Registry | None) -> list[DraftFact]:
    spans = [(s.start, s.end) for s in sents]
    mentions = Recognizer(gaz).find(doc.text, spans)
    if nlp is not None:
        mentions = _add_spacy_people(doc.text, sents, mentions, nlp, registry)
    ctx_sents: list[Sent] = []
    i = 0
    for k, s in enumerate(sents):
        inside: list[Mention] = []
        while i < len(mentions) and mentions[i].start < s.start:
            i += 1
        j = i
        while j < len(mentions) and mentions[j].end <= s.end:
            inside.append(mentions[j])
            j += 1
        ctx_sents.append(Sent(k, s.start, s.end, s.text, s.paragraph, inside,
                              find_dates(doc.text, s.start, s.end, doc.reference_date)))
    ctx = Context(doc.text, doc.reference_date, gaz, ctx_sents, all_mentions=mentions)
    return draft_facts(ctx)


def has_english(doc_or_text: Document | str | Path, reference_date: str | dates.PartialDate | None = None) -> bool:
    """Whether the document reads as English (what extract_document can read), judged on all its
    running text at once (see kg.extract.text.looks_english): names and headlines do not sway it."""
    doc = as_document(doc_or_text, reference_date)
    return looks_english(" ".join(s.text for s in sentences(doc.text)[:400]))


def _add_spacy_people(text: str, sents, mentions: list[Mention], nlp, registry: Registry | None) -> list[Mention]:
    """People spaCy finds that the rules did not, as proposals (or registry matches)."""
    taken = [(m.start, m.end) for m in mentions]
    extra = []
    for s in sents:
        for ent in nlp(s.text).ents:
            if ent.label_ != "PERSON" or len(ent.text.split()) < 2:
                continue
            a, b = s.start + ent.start_char, s.start + ent.end_char
            if any(x < b and a < y for x, y in taken):
                continue
            known = registry.resolve(ent.text) if registry is not None else None
            if known is not None and known.type == "Person":
                extra.append(Mention(a, b, ent.text, "Person", known.id, known.name, True, known.refs.get("country"), "spacy"))
            else:
                extra.append(Mention(a, b, ent.text, "Person", slugify(ent.text), ent.text, False, None, "spacy"))
            taken.append((a, b))
    return sorted(mentions + extra, key=lambda m: m.start)
