"""The review page: one HTML document with its script and style inline.

It loads nothing from anywhere: the Content-Security-Policy (sent as a header
and repeated in a <meta>) allows exactly the inline script and style by hash,
and lets the page talk to its own server only. Every text (the document, the
names, the quotes) reaches the page as JSON in a non-executable <script>
element, escaped so that it cannot close it, and is put on screen with
textContent, never as markup.
"""

from __future__ import annotations

from functools import lru_cache

from ..render.page import _static, csp_hash, script_json


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    """The page's script and style sheet (kg/static), checked to be safe to inline."""
    return _static("review.js"), _static("review.css")


def policy(meta: bool = False) -> str:
    """The page's Content-Security-Policy; ``meta``: the form a <meta> element may carry."""
    js, css = _assets()
    return "; ".join([
        "default-src 'none'", f"script-src {csp_hash(js)}", f"style-src {csp_hash(css)}",
        "connect-src 'self'", "img-src 'none'", "font-src 'none'", "media-src 'none'", "object-src 'none'",
        "frame-src 'none'", "worker-src 'none'", "manifest-src 'none'", "base-uri 'none'", "form-action 'none'",
    ] + ([] if meta else ["frame-ancestors 'none'"]))


POLICY = policy()


def render(data: dict) -> str:
    """The page for ``data`` (what the server knows: the view, and the review's state)."""
    js, css = _assets()
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{policy(meta=True)}\">\n",
        "<meta name=\"referrer\" content=\"no-referrer\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        "<title>kg review</title>\n",
        f"<style>{css}</style>\n</head>\n<body>\n",
        "<header id=\"bar\"><strong>kg review</strong> <span id=\"title\"></span>"
        "<span id=\"counts\"></span><span id=\"actions\"></span></header>\n",
        "<div id=\"status\" role=\"status\" aria-live=\"polite\"></div>\n",
        "<main id=\"app\"></main>\n",
        f"<script type=\"application/json\" id=\"kg-data\">{script_json(data)}</script>\n",
        f"<script>{js}</script>\n</body>\n</html>\n",
    ])
