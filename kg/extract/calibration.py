"""A draft's confidence: how often a draft like it was right on real articles.

Measured with `python eval/calibrate.py ../shared/extract-dev` (14 real news
articles and press releases, scored by the development set's rules): for
each fact type and for what its date rests on (a date written near the fact,
or only the story's date), how many drafts were made and how many matched a
reviewed fact. Small counts are shrunk towards the rate of all drafts with
the same date basis (an empirical-Bayes estimate with a prior weight of
four drafts), so a type seen twice does not get 0 or 1. The figures below
are the measured counts; re-run the script and paste its table after a
change to the rules.
"""

from __future__ import annotations

# (type, date basis) -> (drafts, right), measured on the development set (2026-11-30).
MEASURED: dict[tuple[str, str], tuple[int, int]] = {
    ("agreement", "publication"): (3, 2), ("agreement", "text"): (1, 1),
    ("anniversary", "text"): (1, 1),
    ("arms_delivery", "publication"): (1, 1), ("arms_delivery", "text"): (1, 1),
    ("arms_order", "publication"): (1, 1), ("arms_order", "text"): (1, 1),
    ("conference", "publication"): (3, 2), ("conference", "text"): (1, 1),
    ("diplomatic_relations", "publication"): (1, 0), ("diplomatic_relations", "text"): (5, 5),
    ("energy_cooperation", "publication"): (2, 1),
    ("exercise", "publication"): (2, 1), ("exercise", "text"): (5, 4),
    ("membership", "publication"): (2, 2), ("membership", "text"): (4, 4),
    ("other", "publication"): (3, 3),
    ("statement", "publication"): (21, 19), ("statement", "text"): (1, 1),
    ("treaty_status", "publication"): (2, 2), ("treaty_status", "text"): (5, 4),
    ("visit", "publication"): (3, 3),
}
PRIOR_WEIGHT = 4


def _basis_rate(basis: str) -> float:
    n = sum(d for (_, b), (d, _) in MEASURED.items() if b == basis)
    r = sum(x for (_, b), (_, x) in MEASURED.items() if b == basis)
    return (r + 1) / (n + 2)


def confidence(ftype: str, date_basis: str) -> float:
    """The expected share of right drafts among drafts of this type and date basis."""
    prior = _basis_rate(date_basis)
    drafts, right = MEASURED.get((ftype, date_basis), (0, 0))
    return round(min(0.95, max(0.05, (right + PRIOR_WEIGHT * prior) / (drafts + PRIOR_WEIGHT))), 2)
