"""The core works with IPython, ipywidgets and pandas blocked (dependencies point inward)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from jama_magic.sandbox import Sandbox

BLOCKER = textwrap.dedent(
    """
    import importlib.abc
    import sys

    BLOCKED = ("IPython", "ipywidgets", "ipykernel", "pandas", "traitlets")

    class Blocker(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{name} is blocked in this test")
            return None

    sys.meta_path.insert(0, Blocker())
    """
)


def _run(code: str, sandbox: Sandbox) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JAMA_")}
    env.update(SB_URL=sandbox.url, SB_USER=sandbox.username, SB_PASSWORD=sandbox.password)
    env["JAMA_MAGIC_CONFIG"] = os.environ["JAMA_MAGIC_CONFIG"]
    return subprocess.run(
        [sys.executable, "-c", BLOCKER + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def test_blocker_really_blocks(sandbox: Sandbox) -> None:
    """The meta-path blocker makes `import pandas` fail (so the other test can fail)."""
    proc = _run("import pandas\n", sandbox)
    assert proc.returncode != 0
    assert "pandas is blocked" in proc.stderr


def test_core_request_without_ipython_ipywidgets_pandas(sandbox: Sandbox) -> None:
    """Importing jama_magic and requests (sync, async, errors, display) need none of them."""
    code = """
        import asyncio, os
        import jama_magic as jm
        from jama_magic import api, auth, client, codegen, config, connections, display
        from jama_magic import errors, request, response, secrets, settings
        jm.connect("sb", url=os.environ["SB_URL"], username=os.environ["SB_USER"],
                   password=os.environ["SB_PASSWORD"])
        r = jm.request("GET", "/items", query={"project": 20, "maxResults": 3})
        a = asyncio.run(jm.arequest("GET", "/projects/20"))
        try:
            jm.request("GET", "/items/99999999")
        except jm.JamaHTTPError as exc:
            print("error", exc.status_code)
        print(r.status_code, r.item_count, a.data["id"], repr(r).startswith("<JamaResponse"))
        print("curl" in r.to_curl(), "httpx" in r.to_python())
        print("<div" in a._repr_html_(), "<pre>" in r._repr_html_())
        for name in ("IPython", "ipywidgets", "pandas", "ipykernel"):
            assert name not in sys.modules, name
        print("clean")
    """
    proc = _run("import sys\n" + textwrap.dedent(code), sandbox)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[:5] == [
        "error 404",
        "200 3 20 True",
        "True True",
        "True True",
        "clean",
    ]
