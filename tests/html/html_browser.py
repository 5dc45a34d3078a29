"""A real headless browser for the HTML tests: Debian's chromium driven by playwright (never a download).

``open_browser()`` returns a playwright Browser or calls pytest.skip with the reason (no playwright, no
chromium binary, or it does not start). ``external_requests`` lists any request a page made that is not a
file:// or data: URL (a self-contained page makes none).
"""

from __future__ import annotations

import os
import shutil

import pytest

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("VERIFY_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def open_browser(playwright):
    path = chromium_path()
    if path is None:
        pytest.skip("no chromium binary (apt-get install -y chromium): the browser tests need one")
    try:
        return playwright.chromium.launch(executable_path=path, args=ARGS, timeout=60_000)
    except Exception as exc:  # a browser that cannot start here: skip with its reason
        pytest.skip(f"chromium at {path} does not start: {str(exc).splitlines()[0]}")


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        b = open_browser(playwright)
        yield b
        b.close()


def load(browser, path, width=1280, height=1000):
    """A page with ``path`` loaded; page.external holds the URLs of any non-local request."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.external = []
    local = ("file:", "data:")
    page.on("request", lambda r: None if r.url.startswith(local) else page.external.append(r.url))
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page
