"""The panel in JupyterLab 4 with headless chromium: what a user there does and sees.

Each test opens a fresh copy of panel_lab.ipynb (a fresh kernel) and runs it.
Screenshots go to $PANEL_SHOTS (a directory) when it is set, to be looked at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("PANEL_SHOTS")

# every control and text of the panel that is visible, with its box, and the panel's box
_BOXES_JS = """panel => {
  const p = panel.getBoundingClientRect();
  const sel = 'button, input, select, textarea, .widget-label, .jama-status, .jama-error,'
            + ' .jama-note, .jama-scroll, .lm-TabBar-tab';
  const out = [];
  for (const el of panel.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const name = (el.className || el.tagName) + ' ' + (el.innerText || el.value || '').slice(0, 30);
    out.push({name, left: r.left, right: r.right});
  }
  return {left: p.left, right: p.right, scroll: panel.scrollWidth, client: panel.clientWidth,
          boxes: out};
}"""

# WCAG contrast of an element's text against the first opaque background behind it
_CONTRAST_JS = """el => {
  const parse = c => {
    let m = c.match(/rgba?\\(([^)]+)\\)/);
    if (m) { const v = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
             return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1]; }
    m = c.match(/color\\(srgb ([^)]+)\\)/);
    if (m) { const v = m[1].split(/[ /]+/).filter(Boolean).map(Number);
             return [v[0] * 255, v[1] * 255, v[2] * 255, v.length > 3 ? v[3] : 1]; }
    throw new Error('cannot parse colour ' + c);
  };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]))
                                        .concat([1]);
  const layers = [];
  for (let n = el; n; n = n.parentElement) {
    const bg = parse(getComputedStyle(n).backgroundColor);
    if (bg[3] > 0) layers.push(bg);
    if (bg[3] === 1) break;
  }
  let back = [255, 255, 255, 1];
  for (const layer of layers.reverse()) back = over(layer, back);
  const fore = over(parse(getComputedStyle(el).color), back);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const [a, b] = [lum(fore), lum(back)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


_CLOSE_LEFT_JS = """() => { const app = window.jupyterapp;
  if (!app.shell.leftCollapsed) return app.commands.execute('application:toggle-left-area'); }"""


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def _theme(page: Any, name: str) -> None:
    page.evaluate(
        "name => window.jupyterapp.commands.execute('apputils:change-theme', {theme: name})", name
    )
    page.wait_for_function(f"document.body.dataset.jpThemeName === '{name}'")


def _type_url(panel: Any, url: str) -> None:
    box = panel.locator(".jama-url input")
    box.fill(url)
    # the kernel must have the text before Enter or Send reads the URL
    cell = panel.locator(".jama-cell textarea")
    expect(cell).to_have_value(re.compile(rf" {re.escape(url)}( |$)"))


def _send_and_wait(panel: Any, status: str) -> None:
    """Click Send and wait for the response's status line (the old one is gone at once)."""
    panel.locator(".jama-send-button").click()
    # the first table of a connection looks names up (slow on the slow sandbox)
    expect(panel.locator(".jama-status")).to_contain_text(status, timeout=60_000)
    expect(panel.locator(".jama-send-button")).to_have_text("Send")


def test_copied_cell_runs_in_the_notebook(page: Any, lab_panel: Any) -> None:
    """The %jama cell of an all-pages GET, pasted into a new cell, runs and fetches every page."""
    panel = lab_panel
    _type_url(panel, "/items")
    panel.locator(".jama-add-query").click()
    panel.locator(".jama-pair-key input").fill("project")
    panel.locator(".jama-pair-value input").fill("20")
    panel.locator(".jama-all-pages input").check()
    cell = panel.locator(".jama-cell textarea")
    expect(cell).to_have_value("%jama GET /items -c sandbox -p project=20 --all")
    page.evaluate(
        """text => {
        const nb = window.jupyterapp.shell.currentWidget.content;
        window.jupyterapp.commands.execute('notebook:insert-cell-below').then(() => {
          nb.activeCell.model.sharedModel.setSource(text);
          window.jupyterapp.commands.execute('notebook:run-cell');
        });
      }""",
        cell.input_value(),
    )
    out = page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".jp-OutputArea")
    expect(out).to_contain_text("200 OK · GET /items?project=20")
    expect(out).to_contain_text("9 pages")
    expect(out).not_to_contain_text("Error")


def test_enter_in_the_url_box_sends(page: Any, lab_panel: Any) -> None:
    """Typing /projects and pressing Enter sends the request."""
    panel = lab_panel
    _type_url(panel, "/projects")
    panel.locator(".jama-url input").press("Enter")
    expect(panel.locator(".jama-status")).to_contain_text("200 OK · GET /projects")
    expect(panel.locator("table.jama-table td", has_text="Demo Project")).to_be_visible()


def test_cancel_stops_an_all_pages_fetch(page: Any, lab_panel: Any) -> None:
    """Cancel during a slow 9-page fetch stops it; the panel says so and sends again."""
    panel = lab_panel
    panel.locator(".jama-connection select").select_option("slow")
    _type_url(panel, "/items")
    panel.locator(".jama-add-query").click()
    panel.locator(".jama-pair-key input").fill("project")
    panel.locator(".jama-pair-value input").fill("20")
    panel.locator(".jama-all-pages input").check()
    expect(panel.locator(".jama-cell textarea")).to_have_value(re.compile("--all$"))
    panel.locator(".jama-send-button").click()
    expect(panel.locator(".jama-progress")).to_contain_text("of 9 pages")
    panel.locator(".jama-cancel-button").click()
    expect(panel.locator(".jama-status-line")).to_contain_text("cancelled", timeout=10_000)
    expect(panel.locator(".jama-progress")).to_contain_text("cancelled")
    expect(panel.locator(".jama-progress")).not_to_contain_text("9 of 9 pages")
    expect(panel.locator(".jama-cancel-button")).to_be_hidden()
    expect(panel.locator(".jama-send-button")).to_be_enabled()
    panel.locator(".jama-all-pages input").uncheck()
    _send_and_wait(panel, "200 OK · GET /items?project=20")


@pytest.mark.parametrize(("width", "sidebar"), [(600, False), (800, True)])
def test_narrow_layout_keeps_every_control_inside(
    page: Any, lab_panel: Any, width: int, sidebar: bool
) -> None:
    """At 600 px, and at 800 px with the file browser open, nothing sticks out of the panel."""
    panel = lab_panel
    page.set_viewport_size({"width": width, "height": 1100})
    if sidebar:
        page.evaluate("window.jupyterapp.commands.execute('filebrowser:activate')")
        expect(page.locator(".jp-FileBrowser")).to_be_visible()
    else:  # Lab opens the file browser on a new workspace: the whole 600 px for the notebook
        page.evaluate(_CLOSE_LEFT_JS)
        expect(page.locator(".jp-FileBrowser")).to_be_hidden()
    _type_url(panel, "/items")
    panel.locator(".jama-add-query").click()
    panel.locator(".jama-pair-key input").fill("project")
    panel.locator(".jama-pair-value input").fill("20")
    panel.locator(".jama-all-pages input").check()
    _send_and_wait(panel, "9 pages")
    expect(panel.locator("table.jama-table td").first).to_be_visible()
    _shot(page, f"lab-{width}{'-sidebar' if sidebar else ''}")
    geometry = panel.evaluate(_BOXES_JS)
    assert geometry["right"] - geometry["left"] < width - 100  # the notebook is narrower
    outside = [
        b["name"]
        for b in geometry["boxes"]
        if b["left"] < geometry["left"] - 1 or b["right"] > geometry["right"] + 1
    ]
    assert outside == [], outside
    assert geometry["scroll"] <= geometry["client"] + 1, "the panel scrolls sideways"


def test_dark_theme_text_has_enough_contrast(page: Any, lab_panel: Any) -> None:
    """In JupyterLab Dark, status, errors, notes and table text reach 4.5:1 (WCAG AA)."""
    panel = lab_panel
    _theme(page, "JupyterLab Dark")
    try:
        _type_url(panel, "/items/99999999")
        _send_and_wait(panel, "404 Not Found")
        texts = {
            "error status": panel.locator(".jama-status.jama-error"),
            "error line": panel.locator(".jama-error-box .jama-error"),
        }
        ratios = {name: loc.evaluate(_CONTRAST_JS) for name, loc in texts.items()}
        panel.locator(".lm-TabBar-tab", has_text="Table").click()
        ratios["note"] = panel.locator(".jama-note").first.evaluate(_CONTRAST_JS)
        _shot(page, "lab-dark-error")
        _type_url(panel, "/projects")
        _send_and_wait(panel, "200 OK · GET /projects")
        ratios["ok status"] = panel.locator(".jama-status.jama-ok").evaluate(_CONTRAST_JS)
        ratios["table cell"] = panel.locator("table.jama-table td").first.evaluate(_CONTRAST_JS)
        ratios["table header"] = panel.locator("table.jama-table th").first.evaluate(_CONTRAST_JS)
        ratios["pager"] = panel.locator(".jama-pager .widget-label").first.evaluate(_CONTRAST_JS)
        _shot(page, "lab-dark-ok")
        low = {name: round(r, 2) for name, r in ratios.items() if r < 4.5}
        assert low == {}, ratios
    finally:
        _theme(page, "JupyterLab Light")


def test_after_a_kernel_restart_the_panel_says_it_is_disconnected(
    page: Any, lab: dict[str, Any], lab_panel: Any
) -> None:
    """A restarted kernel leaves a panel that says to run the cell again, not broken icons."""
    panel = lab_panel
    page.evaluate("window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()")
    expect(panel).to_have_class(re.compile("jupyter-widgets-disconnected"), timeout=30_000)
    notice = panel.evaluate("el => getComputedStyle(el, '::after').content")
    assert "disconnected" in notice and "run the cell again" in notice, notice
    icon = panel.locator(".jama-send-button").evaluate(
        "el => getComputedStyle(el, '::before').display"
    )
    assert icon == "none"
    _shot(page, "lab-restarted")
