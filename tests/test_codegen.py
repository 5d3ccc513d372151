"""to_curl()/to_python(): the same request as code, the secret as an env-variable reference."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

import jama_magic
from jama_magic.client import JamaClient
from jama_magic.codegen import to_curl, to_python
from jama_magic.connection import Connection, make_connection
from jama_magic.request import JamaRequest
from jama_magic.response import RequestView

if TYPE_CHECKING:
    from jama_magic.sandbox import Sandbox

PASSWORD = "codegen-Secret-9"


def _view(
    conn: Connection, method: str = "GET", url: str = "/items?project=20", **kw: object
) -> RequestView:
    return JamaClient(conn).prepare(JamaRequest.build(method, url, **kw))  # type: ignore[arg-type]


@pytest.fixture
def basic() -> Connection:
    """A Basic-auth connection with a known password."""
    return make_connection(
        "my-prod", url="https://jama.example.com", username="alice", password=PASSWORD
    )


@pytest.fixture
def oauth() -> Connection:
    """An OAuth connection with a known client secret."""
    return make_connection(
        "ci", url="https://jama.example.com", client_id="abc123", client_secret=PASSWORD
    )


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JAMA_")}
    return {**env, **extra}


def test_curl_basic_references_env_var(basic: Connection) -> None:
    """The curl command uses $JAMA_MY_PROD_PASSWORD, never the password."""
    text = to_curl(_view(basic))
    assert PASSWORD not in text
    assert '-u "alice:$JAMA_MY_PROD_PASSWORD"' in text
    assert "https://jama.example.com/rest/latest/items?project=20" in text
    assert "Authorization" not in text


def test_python_basic_references_env_var(basic: Connection) -> None:
    """The Python script reads os.environ['JAMA_MY_PROD_PASSWORD'], never the password."""
    text = to_python(_view(basic))
    assert PASSWORD not in text
    assert "os.environ['JAMA_MY_PROD_PASSWORD']" in text
    compile(text, "<to_python>", "exec")


def test_oauth_references_client_secret_var(oauth: Connection) -> None:
    """OAuth exports fetch a token with $JAMA_CI_CLIENT_SECRET; no secret or token inside."""
    curl, py = to_curl(_view(oauth)), to_python(_view(oauth))
    assert PASSWORD not in curl and PASSWORD not in py
    assert "$JAMA_CI_CLIENT_SECRET" in curl and "/rest/oauth/token" in curl
    assert "os.environ['JAMA_CI_CLIENT_SECRET']" in py
    compile(py, "<to_python>", "exec")


def test_body_and_headers_exported(basic: Connection) -> None:
    """A JSON body and user headers are in both exports; transport headers are not."""
    view = _view(basic, "POST", "/items", body={"name": "it's"}, headers={"X-Trace": "1"})
    curl, py = to_curl(view), to_python(view)
    assert "--data-binary" in curl and "it" in curl
    assert "-H 'X-Trace: 1'" in curl or "-H 'x-trace: 1'" in curl
    assert "content-length" not in curl.lower() and "host:" not in curl.lower()
    assert '\'{"name": "it\\\'s"}\'.encode()' in py or "it's" in py
    compile(py, "<to_python>", "exec")


def test_shell_quoting_keeps_url_one_word(basic: Connection) -> None:
    """A URL with & and ; is quoted so the shell cannot split it."""
    text = to_curl(_view(basic, url="/items?project=20&include=data.createdBy"))
    assert "'https://jama.example.com/rest/latest/items?project=20&include=data.createdBy'" in text


def test_tls_options_exported() -> None:
    """verify=False and a CA bundle appear as --insecure / --cacert and verify=..."""
    insecure = make_connection(
        "a", url="https://j.example", username="u", password="p", verify=False
    )
    assert "--insecure" in to_curl(_view(insecure))
    assert "verify=False" in to_python(_view(insecure))


def test_exports_on_a_response(sandbox_conn: Connection) -> None:
    """JamaResponse.to_curl/to_python export the request that was sent."""
    resp = jama_magic.request("GET", "/projects")
    assert "/rest/latest/projects" in resp.to_curl()
    assert "JAMA_SB_PASSWORD" in resp.to_python()
    assert PASSWORD not in resp.to_curl()


def _run_python(script: str, env: dict[str, str]) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_generated_python_runs_against_sandbox(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """The exported Python script, run with only the env variable set, gets 200 from the sandbox."""
    script = jama_magic.request("GET", "/projects/20").to_python()
    assert sandbox.password not in script
    out = _run_python(script, _env(JAMA_SB_PASSWORD=sandbox.password))
    assert out.startswith("200 OK")
    assert '"Demo Project"' in out


def test_generated_python_fails_without_the_env_var(sandbox_conn: Connection) -> None:
    """Without the env variable the exported script fails: the secret is not inside it."""
    script = jama_magic.request("GET", "/projects/20").to_python()
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(),
        check=False,
    )
    assert proc.returncode != 0
    assert "JAMA_SB_PASSWORD" in proc.stderr


def test_generated_oauth_python_runs_against_sandbox(sandbox: Sandbox) -> None:
    """The OAuth export fetches a token with the client secret from the env and gets 200."""
    jama_magic.connect(
        "sb-oauth",
        url=sandbox.url,
        client_id=sandbox.client_id,
        client_secret=sandbox.client_secret,
    )
    script = jama_magic.request("GET", "/users/current", connection="sb-oauth").to_python()
    assert sandbox.client_secret not in script
    out = _run_python(script, _env(JAMA_SB_OAUTH_CLIENT_SECRET=sandbox.client_secret))
    assert out.startswith("200 OK")


def test_generated_post_python_creates_item(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """A body survives export: the exported POST reaches the sandbox with the same JSON."""
    body = {"project": 20, "itemType": "not-a-number"}
    resp = jama_magic.request("POST", "/items", body=body, raise_for_status=False)
    out = _run_python(resp.to_python(), _env(JAMA_SB_PASSWORD=sandbox.password))
    assert out.split()[0] == str(resp.status_code)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_generated_curl_runs_against_sandbox(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """The exported curl command, run by bash with only the env variable set, gets 200."""
    command = (
        jama_magic.request("GET", "/projects/20").to_curl() + " -o /dev/null -w '%{http_code}'"
    )
    proc = subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(JAMA_SB_PASSWORD=sandbox.password),
        check=False,
    )
    assert proc.stdout == "200", proc.stderr


# --- paged requests keep their paging (issue 22) -------------------------------------------


def _items(sandbox: Sandbox) -> int:
    """How many items project 20 holds (the sandbox's own count)."""
    return int(jama_magic.request("GET", "/items", query={"project": 20}).page_info.total_results)


def test_paged_export_uses_jm_request_all_pages(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """to_python() of an --all response writes jm.request(all_pages=True): every item again."""
    resp = jama_magic.request("GET", "/items", query={"project": 20}, all_pages=True)
    assert resp.pages > 1
    script = resp.to_python()
    assert "all_pages=True" in script and "import jama_magic as jm" in script
    assert sandbox.password not in script
    out = _run_python(script, _env(JAMA_SB_PASSWORD=sandbox.password))
    assert f"{resp.item_count} items · {resp.pages} pages" in out


def test_paged_export_keeps_the_limit(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """--limit N is exported as limit=N (not dropped, not turned into all pages)."""
    resp = jama_magic.request("GET", "/items", query={"project": 20}, limit=70)
    script = resp.to_python()
    assert "limit=70" in script and "all_pages" not in script
    out = _run_python(script, _env(JAMA_SB_PASSWORD=sandbox.password))
    assert f" · 70 of {_items(sandbox)} items · " in out


def test_paged_httpx_export_loops_over_pages(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """style='httpx' writes the startAt/maxResults loop; run alone it fetches every item."""
    resp = jama_magic.request("GET", "/items", query={"project": 20}, all_pages=True)
    script = resp.to_python(style="httpx")
    assert "jama_magic" not in script and "startAt" in script
    out = _run_python(script, _env(JAMA_SB_PASSWORD=sandbox.password))
    assert out.strip() == f"{_items(sandbox)} items"


def test_paged_httpx_export_of_relationships_uses_last_id(
    sandbox: Sandbox, sandbox_conn: Connection
) -> None:
    """/relationships pages by lastId in the exported loop too, and stops at the limit."""
    resp = jama_magic.request("GET", "/relationships", query={"project": 20}, limit=120)
    script = resp.to_python(style="httpx")
    assert "lastId" in script and "startAt" not in script
    out = _run_python(script, _env(JAMA_SB_PASSWORD=sandbox.password))
    assert out.strip() == f"{resp.item_count} items"


def test_single_request_export_is_unchanged_httpx(sandbox_conn: Connection) -> None:
    """A single request still exports plain httpx; style='jama_magic' gives jm.request."""
    resp = jama_magic.request("GET", "/projects/20")
    assert "httpx.request(" in resp.to_python()
    assert "jm.request(" in resp.to_python(style="jama_magic")
    with pytest.raises(jama_magic.JamaUsageError, match="style must be"):
        resp.to_python(style="requests")


def test_paged_curl_says_first_page_only(sandbox_conn: Connection) -> None:
    """The curl of a paged response starts with a comment: first page only, how it pages."""
    resp = jama_magic.request("GET", "/items", query={"project": 20}, all_pages=True)
    first = resp.to_curl().splitlines()[0]
    assert first.startswith("# the first page only (--all: pages of 50 by startAt/maxResults")
