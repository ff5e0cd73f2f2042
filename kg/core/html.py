"""Putting data into the offline pages safely: JSON inside <script>, and CSP hashes.

Every page kg writes (kg viz, kg brief, kg review, kg serve's query page) embeds
its data as JSON in a <script type="application/json"> element and allows its
inline scripts and styles by hash in a Content-Security-Policy; both are done
here and nowhere else.
"""

from __future__ import annotations

import base64
import hashlib
import json

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(value: object) -> str:
    """``value`` as JSON that is safe inside an HTML <script> element: no ``<``,
    ``>`` or ``&`` (so no ``</script>`` or ``<!--``), and no U+2028/U+2029."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return "".join(_JSON_ESCAPES.get(ch, ch) for ch in text) if any(ch in text for ch in _JSON_ESCAPES) else text


def csp_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline script or style."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"
