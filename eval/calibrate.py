"""How often a draft is right, by its type and what its date rests on, on real articles.

    python eval/calibrate.py ../shared/extract-dev

Drafts every article of a folder in the development set's format, scores
each draft by that set's rules (kg.extract.realtext), and prints, per
(type, date basis): drafts, matched, and the smoothed rate (matched + 1) /
(drafts + 2) that kg.extract.calibration uses as the draft's confidence.
Then a reliability table: for drafts binned by the confidence they were
given, how many were right. The articles are read where they lie.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.extract.realtext import evaluate_realtext  # noqa: E402


def main(folder: str) -> None:
    report = evaluate_realtext(folder)
    groups: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for draft, ok in report.outcomes:
        groups[(draft["type"], draft.get("date_basis", "text"))].append(ok)
    print(f"{'type':22} {'date basis':12} {'drafts':>6} {'right':>6} {'rate':>6}")
    for (ftype, basis), oks in sorted(groups.items()):
        print(f"{ftype:22} {basis:12} {len(oks):6d} {sum(oks):6d} {(sum(oks) + 1) / (len(oks) + 2):6.2f}")
    print("\nconfidence given   drafts  right  share right")
    bins: dict[float, list[bool]] = defaultdict(list)
    for draft, ok in report.outcomes:
        bins[min(0.9, round(draft["confidence"] * 10 // 1 / 10, 1))].append(ok)
    for b, oks in sorted(bins.items()):
        print(f"  {b:.1f}-{b + 0.1:.1f}         {len(oks):6d} {sum(oks):6d}  {sum(oks) / len(oks):10.2f}")
    o = report.overall
    print(f"\noverall P={o.precision:.2f} R={o.recall:.2f} F1={o.f1:.2f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/extract-dev")
