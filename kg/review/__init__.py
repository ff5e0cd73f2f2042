"""Adding documents and reviewing their draft facts: the library under `kg add` and `kg review`.

    from kg.review import add_document, list_drafts, open_review
    added = add_document("page.html", "raw")            # raw/<date>_<slug>.txt and its draft sheet
    review = open_review("raw", added.document)
    review.accept(0); review.reject(1)
    review.edit(2, {"type": "visit", "visitor": "Pakistan", "host": "Russia", "date": "June 2017",
                    "quote": "..."})
    review.add(120, 190, {"type": "membership", ...})  # a fact from a span of the text
    review.undo()
    review.save()                                       # raw/<date>_<slug>.facts.yaml

Modules: article (a saved page's metadata and text), add (`kg add`), sheetfile
(sheets as text: cut into facts, written back), session (one document's
review), server and page (`kg review`'s local page).
"""

from __future__ import annotations

from .add import Added, add_document, add_many
from .session import STATUSES, DraftInfo, Review, ReviewFact, SaveResult, list_drafts, open_review

__all__ = ["STATUSES", "Added", "DraftInfo", "Review", "ReviewFact", "SaveResult", "add_document", "add_many",
           "list_drafts", "open_review"]
