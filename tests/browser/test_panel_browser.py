"""The panel in a real browser: Voila runs the notebook, headless chromium clicks through it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).parents[2] / "notebooks" / "img" / "panel.png"


def _open_panel(page: Any, voila_url: str) -> Any:
    page.goto(voila_url + "/")  # a fresh kernel runs panel_e2e.ipynb
    panel = page.locator(".jama-panel")
    expect(panel.locator(".jama-send-button")).to_be_enabled()
    expect(panel.locator(".jama-connection select")).to_have_value("sandbox")
    return panel


def test_get_projects_shows_status_and_table(page: Any, voila_url: str) -> None:
    """Pick GET, type /projects, click Send: the status line and a table cell appear."""
    panel = _open_panel(page, voila_url)
    panel.locator(".jama-method select").select_option("GET")
    panel.locator(".jama-url input").fill("/projects")
    panel.locator(".jama-send-button").click()
    expect(panel.locator(".jama-status")).to_contain_text("200 OK · GET /projects")
    expect(panel.locator(".jama-status")).to_contain_text("items · 1 page")
    expect(panel.locator("table.jama-table td", has_text="Demo Project")).to_be_visible()
    expect(panel.locator(".jama-send-button")).to_be_enabled()


def test_all_pages_with_query_row_shows_progress(page: Any, voila_url: str) -> None:
    """A query row plus "all pages" fetches every page; saves the README screenshot."""
    panel = _open_panel(page, voila_url)
    panel.locator(".jama-url input").fill("/items")
    panel.locator(".jama-add-query").click()
    expect(panel.locator(".jama-pair-key input")).to_be_focused()  # ready to type the name
    page.keyboard.type("project")
    panel.locator(".jama-pair-value input").fill("20")
    panel.locator(".jama-all-pages input").check()
    expect(panel.locator(".jama-cell textarea")).to_have_value(
        "%jama GET /items -c sandbox -p project=20 --all", timeout=10_000
    )
    panel.locator(".jama-send-button").click()
    expect(panel.locator(".jama-status")).to_contain_text("200 OK")
    expect(panel.locator(".jama-status")).to_contain_text(" pages")
    expect(panel.locator(".jama-progress")).to_contain_text(" pages")
    expect(panel.locator(".jama-position")).to_contain_text("rows 1–50 of 440")
    expect(panel.locator("table.jama-table td").first).to_be_visible()
    assert panel.evaluate("el => el.scrollWidth <= el.clientWidth"), "panel overflows at 1000 px"
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    panel.screenshot(path=os.environ.get("PANEL_SHOT", str(SCREENSHOT)))


def test_invalid_json_body_shows_inline_error(page: Any, voila_url: str) -> None:
    """Typing invalid JSON in a POST body shows the error with line and column; Send refuses it."""
    panel = _open_panel(page, voila_url)
    body = panel.locator(".jama-body textarea")
    expect(body).to_be_disabled()  # GET takes no body
    panel.locator(".jama-method select").select_option("POST")
    expect(body).to_be_enabled()
    panel.locator(".jama-url input").fill("/items")
    body.fill('{"project": 20,\n "name" "x"}')
    expect(panel.locator(".jama-body-error")).to_contain_text(
        "invalid JSON at line 2, column 9: Expecting ':' delimiter"
    )
    panel.locator(".jama-send-button").click()
    expect(panel.locator(".jama-error-box")).to_contain_text("the JSON body has an error")
    expect(panel.locator(".jama-status-line")).to_contain_text("not sent")
    expect(panel.locator(".jama-error-box")).not_to_contain_text("invalid JSON")  # said once
    body.fill('{"project": 20, "name": "x"}')
    expect(panel.locator(".jama-body-error")).to_have_text("")


def test_no_stray_scrollbars_clipped_buttons_or_faint_focus(page: Any, voila_url: str) -> None:
    """The body editor fits its box, the × shows whole, and Send's keyboard focus ring is clear."""
    panel = _open_panel(page, voila_url)
    panel.locator(".jama-method select").select_option("POST")
    box = panel.locator(".jama-body")
    assert box.evaluate("el => el.scrollWidth <= el.clientWidth"), "the body box scrolls sideways"
    textarea = panel.locator(".jama-body textarea")
    assert textarea.evaluate("el => el.scrollWidth <= el.clientWidth")
    panel.locator(".jama-add-query").click()
    remove = panel.locator(".jama-remove")
    expect(remove).to_be_visible()
    assert remove.evaluate("el => el.scrollWidth <= el.clientWidth"), "the × is clipped"
    panel.locator(".jama-url input").focus()
    page.keyboard.press("Tab")
    send = panel.locator(".jama-send-button")
    expect(send).to_be_focused()
    ring = send.evaluate(
        "el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert ring[0] != "none" and float(ring[1].removesuffix("px")) >= 2, ring
