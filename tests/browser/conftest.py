"""Browser fixtures: Voila serving a notebook, Debian's chromium driven by Playwright.

Never run ``playwright install`` (it downloads a browser); ``/usr/bin/chromium``
comes from ``apt-get install chromium``. In CI (env ``CI`` set) a missing
browser fails the run instead of skipping it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
CHROME_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOTEBOOK = Path(__file__).with_name("panel_e2e.ipynb")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One chromium per module, closed after it.

    Playwright's sync API keeps an asyncio loop marked as running in the main thread
    while it is open: a session-wide browser would break every later test that calls
    ``asyncio.run``. Two open at once fail too, so the scope is the module.
    """
    if not CHROMIUM:
        missing = "chromium not found: apt-get install chromium (never `playwright install`)"
        (pytest.fail if os.environ.get("CI") else pytest.skip)(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROME_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh profile per test, 1000 px wide like a JupyterLab notebook area."""
    ctx = browser.new_context(viewport={"width": 1000, "height": 1400})
    ctx.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())  # Voila's font CDN
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    ctx.close()


@pytest.fixture(scope="module")
def voila_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Voila serving panel_e2e.ipynb; every page load runs it in a fresh kernel."""
    home = tmp_path_factory.mktemp("voila")
    shutil.copy(NOTEBOOK, home / NOTEBOOK.name)
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(home / "cfg"),
        JUPYTER_RUNTIME_DIR=str(home / "rt"),
        JAMA_MAGIC_CONFIG=str(home / "connections.toml"),
    )
    port = free_port()
    with open(home / "voila.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "voila", str(home / NOTEBOOK.name), "--no-browser",
             f"--port={port}", "--Voila.ip=127.0.0.1", "--show_tracebacks=True"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield _wait_for(proc, f"http://127.0.0.1:{port}", home / "voila.log")
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


def _wait_for(proc: subprocess.Popen[bytes], base: str, log: Path) -> str:
    # any HTTP answer means it listens; GET "/" would start a kernel
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, "voila did not start in 60 s"
        try:
            httpx.get(f"{base}/voila/static/", timeout=1)
            return base
        except httpx.HTTPError:
            time.sleep(0.1)


LAB_NOTEBOOK = Path(__file__).with_name("panel_lab.ipynb")
_LAB_SETTINGS = {
    # no "news?" toast, no update check; every cell (and its widgets) stays in the DOM
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """JupyterLab 4 on loopback with its own config, settings and workspaces (runs as root)."""
    home = tmp_path_factory.mktemp("lab")
    root = home / "root"
    root.mkdir()
    for name, values in _LAB_SETTINGS.items():
        path = home / "settings" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(home / "cfg"),
        JUPYTER_RUNTIME_DIR=str(home / "rt"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "ws"),
        JAMA_MAGIC_CONFIG=str(home / "connections.toml"),
    )
    port, token = free_port(), secrets.token_hex(16)
    with open(home / "lab.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
             "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
             f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
             "--allow-root"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            base = _wait_for_lab(proc, f"http://127.0.0.1:{port}", token, home / "lab.log")
            yield {"base": base, "token": token, "root": root}
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


def _wait_for_lab(proc: subprocess.Popen[bytes], base: str, token: str, log: Path) -> str:
    deadline = time.monotonic() + 90
    while True:
        assert proc.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, "jupyter lab did not start in 90 s"
        try:
            if httpx.get(f"{base}/api/status", params={"token": token}, timeout=1).is_success:
                return base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)


_READY_JS = """name => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.context && w.context.path === name && w.sessionContext.session
            && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle' && w.content.widgets.length > 0;
}"""


@pytest.fixture
def lab_panel(lab: dict[str, Any], page: Any) -> Iterator[Any]:
    """Open a fresh copy of panel_lab.ipynb in a fresh workspace, run it, return the panel.

    The kernel of this copy is shut down afterwards (Lab keeps kernels running).
    """
    tag = uuid.uuid4().hex[:8]
    name = f"panel-{tag}.ipynb"
    shutil.copy(LAB_NOTEBOOK, lab["root"] / name)
    page.goto(f"{lab['base']}/lab/workspaces/t{tag}/tree/{name}?token={lab['token']}")
    page.wait_for_function(_READY_JS, arg=name)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    panel = page.locator(".jp-OutputArea .jama-panel")
    panel.locator(".jama-send-button").wait_for()
    try:
        yield panel
    finally:
        params = {"token": lab["token"]}
        for s in httpx.get(f"{lab['base']}/api/sessions", params=params).json():
            if s["path"] == name:
                httpx.delete(f"{lab['base']}/api/sessions/{s['id']}", params=params)
