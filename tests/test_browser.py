"""The pages in a real browser: Debian's headless Chromium, driven by Playwright.

The app runs under waitress on 127.0.0.1 (tests/live_server.py): one server over the
bundled knowledge base, one serving only a Turtle file whose label is a <script>
element. Playwright's Python package carries its own driver and launches the
system Chromium (/usr/bin/chromium, installed by .ci/run); it never downloads a
browser. Chromium gets a fresh profile folder and the flags that keep it off the
network (this machine's network is closed; without them it hangs on start-up).

A full-page screenshot of the Oxfordshire page is saved to test-artifacts/
(gitignored) for people to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, Page, sync_playwright

from live_server import OXFORDSHIRE, SCRIPT_LABEL, SCRIPT_PATH, running, script_turtle
from regimegraph.config import Settings
from regimegraph.kb import KnowledgeBase
from regimegraph.web.server import Background

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 15_000
GSS_QUERY = "SELECT ?gss WHERE { council:E10000025 rg:gssCode ?gss }"
EXAMPLE = "oxfordshire-judgments-across-regimes"


@pytest.fixture(scope="module")
def server(kb: KnowledgeBase) -> Iterator[Background]:
    with running() as background:
        yield background


@pytest.fixture(scope="module")
def script_server(kb_cache: Path, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[Background]:
    data = script_turtle(tmp_path_factory.mktemp("script-label"))
    with running(Settings(include_kb=False, data_files=(data,), workers=1)) as background:
        yield background


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    profile = tmp_path_factory.mktemp("chromium-profile")  # new and empty: --user-data-dir
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        try:
            yield context
        finally:
            context.close()


@dataclass
class Watched:
    """A tab, with what it said on its console, its uncaught errors and its dialogs."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def tab(browser: BrowserContext) -> Iterator[Watched]:
    page = browser.new_page()
    watched = Watched(page)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watched.console_errors.append(f"{message.text} at {message.location}")

    def on_dialog(dialog: Dialog) -> None:
        watched.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda error: watched.page_errors.append(str(error)))
    page.on("dialog", on_dialog)
    try:
        yield watched
    finally:
        page.close()


def open_page(tab: Watched, url: str) -> Page:
    response = tab.page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, url
    return tab.page


# The council page ---------------------------------------------------------------------


def test_council_page_title_timeline_and_judgments(server: Background, tab: Watched) -> None:
    page = open_page(tab, f"{server.url}/id/council/E10000025")
    assert "Oxfordshire" in page.title()
    assert "Oxfordshire" in page.locator("#resource-label").inner_text()
    assert page.locator("#resource-iri").inner_text().strip() == OXFORDSHIRE

    timeline = page.locator("svg#timeline")
    timeline.wait_for(state="visible")
    box = timeline.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 20, box
    assert timeline.locator("circle, rect, path, line").count() > 0

    judgments = page.locator("#judgments-table")
    assert judgments.is_visible()
    assert judgments.locator("tbody tr").count() > 5
    assert judgments.locator("td", has_text="Good").count() > 0

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "council-E10000025.png"
    shot.unlink(missing_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000, len(data)
    assert tab.console_errors == [] and tab.page_errors == [] and tab.dialogs == []


# The query page -----------------------------------------------------------------------


def test_query_page_runs_a_typed_query(server: Background, tab: Watched) -> None:
    page = open_page(tab, f"{server.url}/query")
    assert page.locator("#results-table").count() == 0
    page.locator("#query").fill(GSS_QUERY)
    with page.expect_navigation(wait_until="load"):
        page.locator("#run").click()

    table = page.locator("#results-table")
    table.wait_for(state="visible")
    assert page.locator("#query-error").count() == 0
    assert table.locator("thead th").all_inner_texts() == ["gss"]
    assert [cell.strip() for cell in table.locator("tbody td").all_inner_texts()] == [
        "E10000025"]
    assert page.locator("#row-count").inner_text().startswith("1 row")
    # The query is in the address, so it can be shared, and the editor keeps it.
    assert urlparse(page.url).path == "/query"
    assert parse_qs(urlparse(page.url).query)["query"] == [GSS_QUERY]
    assert page.locator("#query").input_value() == GSS_QUERY
    assert tab.console_errors == [] and tab.page_errors == []


def test_query_page_ctrl_enter_runs_the_query(server: Background, tab: Watched) -> None:
    """static/query.js: Ctrl+Enter in the editor submits the form."""
    page = open_page(tab, f"{server.url}/query")
    page.locator("#query").fill(GSS_QUERY)
    with page.expect_navigation(wait_until="load"):
        page.locator("#query").press("Control+Enter")
    assert "E10000025" in page.locator("#results-table").inner_text()
    assert tab.console_errors == [] and tab.page_errors == []


def test_worked_example_link_loads_its_query(server: Background, tab: Watched) -> None:
    page = open_page(tab, f"{server.url}/query")
    link = page.locator(f"#example-{EXAMPLE} a.load-example")
    assert page.locator("#examples .load-example").count() >= 3
    with page.expect_navigation(wait_until="load"):
        link.click()

    expected = (ROOT / "queries" / f"{EXAMPLE}.rq").read_text(encoding="utf-8")
    loaded = page.locator("#query").input_value()
    assert loaded.strip() == expected.strip()
    assert parse_qs(urlparse(page.url).query)["query"][0].strip() == expected.strip()
    assert page.locator("#query-error").count() == 0
    results = page.locator("#results-table")
    results.wait_for(state="visible")
    assert results.locator("tbody tr").count() > 0
    assert tab.console_errors == [] and tab.page_errors == []


def test_query_error_is_shown(server: Background, tab: Watched) -> None:
    response = tab.page.goto(f"{server.url}/query?query=SELECT+%3Fx+WHERE+%7B")
    assert response is not None and response.status == 400
    assert tab.page.locator("#query-error").is_visible()
    assert tab.page.locator("#error-message").inner_text().strip() != ""


# A <script> literal is text ---------------------------------------------------------


def test_script_literal_is_shown_as_text_and_never_runs(script_server: Background,
                                                        tab: Watched) -> None:
    page = open_page(tab, f"{script_server.url}{SCRIPT_PATH}")
    assert page.locator("#resource-label").inner_text() == SCRIPT_LABEL
    assert SCRIPT_LABEL in page.locator("body").inner_text()
    assert SCRIPT_LABEL in page.title()
    page.wait_for_timeout(300)  # room for anything deferred to fire
    assert tab.dialogs == []
    scripts = page.evaluate(
        "Array.from(document.querySelectorAll('script'), s => [s.src, s.textContent])")
    assert all("alert" not in text for _src, text in scripts), scripts
    assert all(src for src, _text in scripts), f"an inline script: {scripts}"
    handlers = "document.querySelectorAll('[onerror],[onload],[onclick],[onmouseover]').length"
    assert page.evaluate(handlers) == 0
    assert tab.console_errors == [] and tab.page_errors == []


# Navigation ---------------------------------------------------------------------------


def test_home_links_navigate_without_console_errors(server: Background, tab: Watched) -> None:
    page = open_page(tab, f"{server.url}/")
    assert page.locator("#count-councils").inner_text().strip().isdigit()

    with page.expect_navigation(wait_until="load"):
        page.locator("#count-councils a").click()
    assert urlparse(page.url).path == "/councils"
    assert page.locator("h1").inner_text() == "Councils"
    council = page.locator("#councils a", has_text="Oxfordshire County Council")

    with page.expect_navigation(wait_until="load"):
        council.first.click()
    assert urlparse(page.url).path == "/id/council/E10000025"
    assert page.locator("svg#timeline").is_visible()

    for name, path in [("Regimes", "/regimes"), ("Inspectorates", "/inspectorates"),
                       ("Obligations", "/obligations"), ("Query", "/query"),
                       ("Downloads", "/downloads")]:
        with page.expect_navigation(wait_until="load"):
            page.locator("#site-header nav a", has_text=name).click()
        assert urlparse(page.url).path == path
        assert page.locator("main#content h1").count() == 1
    with page.expect_navigation(wait_until="load"):
        page.locator("#site-header a.brand").click()
    assert urlparse(page.url).path == "/"
    assert tab.console_errors == [], tab.console_errors
    assert tab.page_errors == [] and tab.dialogs == []
