"""A tiny raw/ folder whose names, quotes and document are written to break a page.

Every piece of text a person sees on the graph page comes from sources like
these; the tests check that none of it runs, and all of it shows as text.
"""

from __future__ import annotations

from pathlib import Path

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"
AMP = "Tom & Jerry <b>bold</b> \u2028 Ltd"
TITLE = "<script>alert('title')</script> Report & more"
EVENT = "<svg onload=alert(1)> talks"

ENTITIES = """\
pakistan:
  name: Pakistan
  type: State
evil-img:
  name: "<img src=x onerror=alert(1)>"
  type: State
evil-script:
  name: "</script><script>alert(1)</script>"
  type: InternationalOrganization
evil-amp:
  name: "Tom & Jerry <b>bold</b> \\u2028 Ltd"
  type: Company
  country: evil-img
"""

DOCUMENT = """\
---
title: "<script>alert('title')</script> Report & more"
publisher: <b onmouseover=alert(1)>Pub</b>
url: javascript:alert(1)
reference_date: 2020-05-01
---
In 2019 Pakistan joined </script><script>alert(1)</script>, said the report.
Pakistan and <img src=x onerror=alert(1)> set up relations in 2019.
In March 2020 </script><script>alert(1)</script>, <img src=x onerror=alert(1)> and Pakistan held talks at Tom & Jerry.
"""

FACTS = """\
facts:
  - type: membership
    member: Pakistan
    organization: "</script><script>alert(1)</script>"
    status: full
    date: 2019
    quote: "In 2019 Pakistan joined </script><script>alert(1)</script>, said the report."
  - type: diplomatic_relations
    parties: [Pakistan, "<img src=x onerror=alert(1)>"]
    date: 2019
    quote: "Pakistan and <img src=x onerror=alert(1)> set up relations in 2019."
  - type: conference
    title: "<svg onload=alert(1)> talks"
    participants: [Pakistan, "<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>"]
    organizer: "Tom & Jerry <b>bold</b> \\u2028 Ltd"
    date: March 2020
    quote: "In March 2020 </script><script>alert(1)</script>, <img src=x onerror=alert(1)> and Pakistan held talks at Tom & Jerry."
"""


def write_hostile_raw(folder: Path) -> Path:
    """Write the hostile raw/ folder into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "entities.yaml").write_text(ENTITIES, encoding="utf-8")
    (folder / "hostile.txt").write_text(DOCUMENT, encoding="utf-8")
    (folder / "hostile.facts.yaml").write_text(FACTS, encoding="utf-8")
    return folder
