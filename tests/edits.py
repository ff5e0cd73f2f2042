"""A copy of the seed raw/ folder with one document edited and one added, for kg diff and
kg brief --against: what a diff between the two builds must report, and nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

DOC = "004_05d95eeefa1e2818"
NEW_DOC = "005_test_friendship_2018"

NEW_TEXT = """\
---
title: Friendship 2018 held in Pabbi
publisher: Test Desk
reference_date: 2018-10-30
---
Friendship 2018 held in Pabbi

The third Friendship exercise between Pakistan and Russia was held at Pabbi in October 2018.
"""

NEW_FACTS = """\
facts:
  - type: exercise
    id: friendship-2018
    name: Friendship 2018
    series: Friendship
    participants: [Pakistan, Russia]
    location: Pabbi
    scope: bilateral
    date: October 2018
    quote: "The third Friendship exercise between Pakistan and Russia was held at Pabbi in October 2018."
"""

NEW_ENTITY = """
pabbi:
  name: Pabbi
  type: Place
  country: pakistan
"""


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def write_edited_raw(seed_raw: Path, dest: Path) -> Path:
    """Copy ``seed_raw`` to ``dest`` and make the edits; return ``dest``.

    - document 004: Friendship 2017 gets a month (2017 -> 2017-10) and a second quote saying so,
      and the Mi-35M order becomes six helicopters, not four (text, quote and quantity);
    - a new document, 005, reports Friendship 2018 at Pabbi, a new place in the registry.
    """
    shutil.copytree(seed_raw, dest)
    _replace(dest / f"{DOC}.txt", "This was followed by Friendship 2017 in Russia.",
             "This was followed by Friendship 2017 in Russia. It was held in October 2017.")
    _replace(dest / f"{DOC}.txt", "is four Mi-35M from", "is six Mi-35M from")
    sheet = dest / f"{DOC}.facts.yaml"
    _replace(sheet, '''    date: 2017
    quote: "This was followed by Friendship 2017 in Russia."''', '''    date: October 2017
    quote:
      - "This was followed by Friendship 2017 in Russia."
      - "It was held in October 2017."''')
    _replace(sheet, "    quantity: 4\n", "    quantity: 6\n")
    _replace(sheet, "is four Mi-35M from", "is six Mi-35M from")
    (dest / f"{NEW_DOC}.txt").write_text(NEW_TEXT, encoding="utf-8")
    (dest / f"{NEW_DOC}.facts.yaml").write_text(NEW_FACTS, encoding="utf-8")
    with (dest / "entities.yaml").open("a", encoding="utf-8") as fh:
        fh.write(NEW_ENTITY)
    return dest


def add_document(raw: Path, stem: str, body: str, facts: str | None = None, *, title: str = "Test",
                 publisher: str = "Test Wire", reference_date: str = "2019-03-14") -> None:
    """Write a document (front matter, then ``body``) into ``raw``, and its fact sheet when given."""
    (raw / f"{stem}.txt").write_text(
        f"---\ntitle: {title}\npublisher: {publisher}\nreference_date: {reference_date}\n---\n{body}",
        encoding="utf-8")
    if facts is not None:
        (raw / f"{stem}.facts.yaml").write_text(facts, encoding="utf-8")
