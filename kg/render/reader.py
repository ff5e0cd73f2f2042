"""The source documents' text, for the reader pane of the graph page and the brief.

A click on a quote opens its document with the quote highlighted at its
character offsets. The pages embed the text (escaped as script-safe JSON, set
as text by the page's script), so the reader works offline. The text comes
from the raw folder the graph was built from; a document is embedded only if
every quote the page shows from it still stands at its offsets there, so a
document edited since the build is left out rather than highlighted wrongly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from ..core.errors import KGError
from ..views.ties import Fact

# At most this many characters of document text are embedded in one page, all
# documents together (about 8 MB of UTF-8 at worst): past it the quotes stay,
# and the page says which documents were left out.
MAX_EMBEDDED_TEXT = 4_000_000


def embed_documents(raw: str | Path | None, facts: Iterable[Fact],
                    limit: int = MAX_EMBEDDED_TEXT) -> tuple[dict[str, dict], list[str]]:
    """The cited documents of ``facts`` read from ``raw``, by document id, as
    ``{"title", "meta", "text"}``, and notes on those left out (and why)."""
    from ..sources.documents import read_document

    if raw is None:
        return {}, ["The documents' text is not embedded (no raw folder given)."]
    wanted: dict[str, list] = defaultdict(list)
    for f in facts:
        for c in f.citations:
            wanted[c.source.id].append(c)
    out: dict[str, dict] = {}
    notes: list[str] = []
    total = 0
    for sid, cites in sorted(wanted.items()):
        path = Path(raw) / f"{sid}.txt"
        try:
            doc = read_document(path)
        except (KGError, OSError):
            notes.append(f"{sid}: not found in {raw}, so its text is not embedded.")
            continue
        if any(doc.text[c.start:c.end] != c.quote for c in cites):
            notes.append(f"{sid}: the copy in {raw} differs from the one built, so its text is not embedded.")
            continue
        if total + len(doc.text) > limit:
            notes.append(f"{sid}: left out, past the {limit:,} characters a page embeds.")
            continue
        total += len(doc.text)
        meta = ", ".join(v for v in (doc.meta.get("publisher", ""), doc.meta.get("published", "")) if v)
        out[sid] = {"title": doc.meta.get("title", sid), "meta": meta, "text": doc.text}
    return out, notes
