"""Debian's Chromium, driven by Playwright, for the tests of kg's pages.

These fail, never skip, when Chromium or Playwright is missing: CI must have
both (apt-get install chromium; pip install playwright, and never
`playwright install`).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def launch(playwright):
    """Chromium, or a test failure that says what to install."""
    if not Path(CHROMIUM).is_file() and not shutil.which("chromium"):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: apt-get install chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


class GuardedPage:
    """A browser page whose every request that ``allow`` refuses is aborted and recorded,
    with the dialogs it opened (an injected alert) and the errors it logged (a CSP violation)."""

    def __init__(self, browser, allow: Callable[[str], bool], **context_options):
        self.context = browser.new_context(**context_options)
        self.refused: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []

        def route(r):
            if allow(r.request.url):
                r.continue_()
            else:
                self.refused.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));")

    def close(self) -> None:
        self.context.close()
