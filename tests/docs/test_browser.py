"""The built site in a real browser: Debian's Chromium (scripts/setup_browser.sh installs it), driven by
Playwright, opens the site from a 127.0.0.1 server, searches "日线", follows the result to the `daily` page and
finds its parameters table and an example. A screenshot of the page is saved in the test's tmp folder.

Skipped only when /usr/bin/chromium is missing (the setup script could not install it)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect, sync_playwright

from .conftest import BuiltSite

CHROMIUM = Path("/usr/bin/chromium")
# Headless, and no background traffic: this machine's network is closed, and Chromium's own update, sync and
# metrics connections would only fail (slowly) against it.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MS = 20_000

pytestmark = pytest.mark.timeout(300)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def site_url(built_site: BuiltSite) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(built_site.path)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_search_finds_daily_and_its_page_has_parameters_and_examples(site_url: str, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (run scripts/setup_browser.sh); the browser test needs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(WAIT_MS)
            page.goto(site_url)
            search = page.locator("input.md-search__input")
            search.click()
            search.fill("日线")
            # The page's own result (not a section of it); the link carries ?h=日线 for highlighting.
            result = page.locator(".md-search-result__item > a.md-search-result__link[href*='/reference/daily/?']")
            result.wait_for()
            page.screenshot(path=tmp_path / "search.png")
            result.click()
            page.wait_for_url("**/reference/daily/?h=*")

            expect(page.locator("h1")).to_contain_text("A股日线行情")
            parameters = page.locator("h2#parameters + div table, h2#parameters + table").first
            expect(parameters).to_contain_text("ts_code")
            expect(parameters).to_contain_text("YYYYMMDD")
            example = page.locator("#examples ~ .tabbed-set pre").first
            expect(example).to_contain_text("client.daily(")
            page.screenshot(path=tmp_path / "daily.png", full_page=True)
        finally:
            browser.close()
    assert (tmp_path / "daily.png").stat().st_size > 10_000
