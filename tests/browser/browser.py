"""Headless Debian chromium through Playwright's Python package (never a downloaded browser).

``chromium_page()`` yields a page that can only reach the local test server: every
request to another host is aborted, so no test touches the internet (Oscar's templates
load jQuery from a CDN and fall back to the local copy). ``step()`` names each step and
saves a screenshot under ``test-artifacts/`` when one fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"Debian's chromium is not installed ({CHROMIUM}): apt-get install -y chromium"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright's Python package is not installed (pip install playwright)"
    return None


@contextmanager
def chromium_page(timeout_ms: int = 15_000) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = browser.new_context(locale="en-GB")
            context.set_default_timeout(timeout_ms)
            context.route("**/*", _local_only)
            yield context.new_page()
        finally:
            browser.close()


def _local_only(route) -> None:
    if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
        route.continue_()
    else:
        route.abort()


@contextmanager
def step(page, test_name: str, name: str) -> Iterator[None]:
    """One step of a browser test; on failure a screenshot of the page is saved."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{test_name}-{name}")
        path = ARTIFACTS / f"{slug}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
            print(f"screenshot of the failed step: {path}")  # noqa: T201 - shown by pytest
        except Exception as error:  # the page itself may be gone
            print(f"no screenshot of the failed step: {error}")  # noqa: T201
        raise
