"""Secrets never show: every magic subcommand and every notebook, then scan everything.

The scan covers what a user, a log file or a shared notebook could reveal:
printed output, displayed results (every MIME type), reprs of everything in the
namespace, logs at DEBUG (httpx and httpcore included), exceptions (also a
verbose IPython traceback with locals), ``%config JamaMagic``, code exports
(curl, Python, dry-run), IPython's history database, the saved config file and
the executed, saved ``.ipynb`` files. Searched for: each password and client
secret, the base64 of every ``user:password`` pair (the Basic header value)
and every OAuth token the client fetched.
"""

from __future__ import annotations

import contextlib
import glob
import io
import json
import logging
import os
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import jama_magic
from jama_magic.client import client_for
from jama_magic.display import one_line
from jama_magic.errors import JamaError
from jama_magic.sandbox import Sandbox
from jama_magic.state import session

from ._oracles import basic_value
from ._shell import shell

AREA = "Secrets"
NOTEBOOKS = sorted(glob.glob(str(Path(__file__).resolve().parents[2] / "notebooks" / "*.ipynb")))


class Haystack:
    """Every text a secret could hide in, labelled by where it came from."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []

    def add(self, where: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        self.texts.append((where, value if isinstance(value, str) else repr(value)))

    def add_object(self, where: str, obj: Any) -> None:
        """repr, str, every display MIME type, and code exports of ``obj``."""
        self.add(f"{where} repr", _safe(repr, obj))
        self.add(f"{where} str", _safe(str, obj))
        for method in (
            "_repr_html_",
            "_repr_markdown_",
            "_repr_json_",
            "to_curl",
            "to_python",
            "summary",
        ):
            if callable(getattr(obj, method, None)):
                self.add(f"{where} {method}", _safe(lambda o, m=method: getattr(o, m)(), obj))
        request = getattr(obj, "request", None)
        if request is not None and request is not obj:
            self.add(f"{where}.request", _safe(repr, request))

    def hits(self, secrets: dict[str, str]) -> list[str]:
        return [
            f"{label} in {where}"
            for where, text in self.texts
            for label, secret in secrets.items()
            if secret and secret in text
        ]

    @property
    def size(self) -> int:
        return sum(len(t) for _, t in self.texts)


def _safe(fn: Callable[[Any], Any], obj: Any) -> Any:
    try:
        return fn(obj)
    except Exception as exc:  # a failing repr is not a leak; its message is scanned too
        return f"<{type(exc).__name__}: {exc}>"


def secrets_of(sb: Sandbox, *, extra_tokens: list[str] | None = None) -> dict[str, str]:
    """The sandbox's secrets, their Basic header values, and OAuth tokens seen."""
    found = {
        "password": sb.password,
        "client secret": sb.client_secret,
        "Basic value (user:password)": basic_value(sb.username, sb.password),
        "Basic value (client id:secret)": basic_value(sb.client_id, sb.client_secret),
    }
    for i, token in enumerate(extra_tokens or []):
        found[f"Bearer token {i + 1}"] = token
    return found


def client_tokens() -> list[str]:
    """OAuth tokens the cached clients hold (their authenticators: what was sent as Bearer)."""
    from jama_magic.state import session

    tokens = []
    for client in session.clients.values():
        token = getattr(getattr(client, "_auth", None), "_token", None)
        if token:
            tokens.append(token.reveal())
    return tokens


@contextlib.contextmanager
def debug_logs() -> Iterator[io.StringIO]:
    """Every log record (root, httpx, httpcore, jama_magic) at DEBUG, with its arguments."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s %(args)s"))
    names = ["", "httpx", "httpcore", "jama_magic", "jama_magic.sandbox", "uvicorn"]
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    try:
        yield stream
    finally:
        logging.getLogger().removeHandler(handler)
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def run_cells(ip: Any, cells: list[str], hay: Haystack) -> list[Any]:
    """Run each cell as a user would (history on), keep every result, output and error."""
    results = []
    for source in cells:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            result = ip.run_cell(source, store_history=True)
        hay.add(f"stdout of {source!r}", out.getvalue())
        hay.add(f"stderr of {source!r}", err.getvalue())
        for exc in (result.error_before_exec, result.error_in_exec):
            if exc is not None:
                hay.add(f"error of {source!r}", "".join(traceback.format_exception(exc)))
        if result.result is not None:
            hay.add_object(f"result of {source!r}", result.result)
            data, _ = ip.display_formatter.format(result.result)
            hay.add(f"display of {source!r}", json.dumps(data, default=str))
        results.append(result)
    return results


def magic_session(sb: Sandbox, config: Path) -> list[str]:
    """Every subcommand and request form of %jama, in a plausible order."""
    url, user = sb.url, sb.username
    return [
        "%jama help",
        "%jama help connect",
        "%jama help request",
        f"%jama connect scan --url {url} --username {user} --save",
        f"%jama connect scano --url {url} --client-id {sb.client_id} --save",
        f"%jama connect guard --url {url} --username {user} --read-only --confirm-writes",
        f"%jama connect wrong --url {url} --username nobody",  # the check refuses it
        f"%jama connect wrong --url {url} --username nobody --no-check",
        "%jama connections",
        "%jama use scan",
        "%jama whoami",
        "%jama whoami -c scano",
        "%jama whoami -c wrong",
        "%jama GET /projects",
        "r = %jama GET /items -p project=20 --all --limit 30\nr",
        "%jama GET /items -p project=20 --limit 5 --df",
        "%jama GET /items/1001 -c scano",
        "%jama GET /items/1001 --dry-run",
        "%jama GET /items/1001 -c scano --dry-run",
        "%jama GET /nope --no-raise",
        "%jama GET /nope",
        "%jama GET /nope -c scano",
        "%jama GET /projects -c wrong",
        '%%jama POST /items -o created\n{"project": 20, "itemType": 33, "childItemType": 0,'
        ' "location": {"parent": {"project": 20}}, "fields": {"name": {{ \'scan\' }}}}',
        "%%jama PATCH /items/{created.created_id} -c scano\n"
        '[{"op": "replace", "path": "/fields/name", "value": "scanned"}]',
        "%jama DELETE /items/{created.created_id} -c guard",
        "%jama DELETE /items/{created.created_id} --yes",
        "print(created.to_curl()); print(created.to_python()); print(_jama.request)",
        "%config JamaMagic",
        "%config JamaMagic.short_errors = False",
        "%xmode Verbose",
        "%jama GET /projects -c wrong",
        "%jama GET /nope -c scano",
        "%xmode Context",
        "%config JamaMagic.short_errors = True",
        "%jama sandbox",
        "%jama connections",
        "%jama panel",
        "%jama disconnect scano",
        "%jama disconnect scan --forget",
        "%jama disconnect guard",
        f"print(open({str(config)!r}).read())",
    ]


def test_every_magic_subcommand_leaks_nothing(
    make_sandbox: Callable[..., Sandbox],
    ledger: Any,
    monkeypatch: pytest.MonkeyPatch,
    clean_state: Path,
) -> None:
    """All %jama subcommands and request forms: no secret in any output, log, history or file."""
    sb = make_sandbox(items=80)
    jama_magic.settings.rate_limit = None
    for nick in ("SCAN", "GUARD"):
        monkeypatch.setenv(f"JAMA_{nick}_PASSWORD", sb.password)
    monkeypatch.setenv("JAMA_WRONG_PASSWORD", "not-the-password")
    monkeypatch.setenv("JAMA_SCANO_CLIENT_SECRET", sb.client_secret)
    monkeypatch.setattr("builtins.input", lambda prompt="": "n")
    ip, hay = shell(), Haystack()
    cells = magic_session(sb, clean_state)
    with debug_logs() as logs:
        disconnects = cells.index("%jama disconnect scano")
        results = run_cells(ip, cells[:disconnects], hay)
        tokens = client_tokens()  # before the disconnects drop the clients that hold them
        results += run_cells(ip, cells[disconnects:], hay)
    embedded = session.sandbox
    hay.add("logs at DEBUG", logs.getvalue())
    for name, value in list(ip.user_ns.items()):
        if not name.startswith("__") and type(value).__module__.startswith(
            ("jama_magic", "pandas")
        ):
            hay.add_object(f"namespace {name}", value)
    history = ip.history_manager
    history.writeout_cache()
    for table in ("history", "output_history"):
        for row in history.db.execute(f"SELECT * FROM {table}"):
            hay.add(f"history db {table}", " ".join(map(str, row)))
    hay.add("Out", repr(ip.user_ns.get("Out")))
    if clean_state.exists():
        hay.add("saved config file", clean_state.read_text())
    secrets = secrets_of(sb, extra_tokens=tokens)
    if embedded is not None:
        secrets["embedded sandbox password"] = embedded.password
        secrets["embedded Basic value"] = basic_value(embedded.username, embedded.password)
        jama_magic.stop_sandbox()
    hits = hay.hits(secrets)
    failed = [c for c, r in zip(cells, results, strict=True) if r.error_in_exec is not None]
    ledger.record(
        "all %jama subcommands + request forms, %config, %xmode Verbose, history, "
        "logs at DEBUG, saved config",
        cases=len(cells),
        outcome=f"{len(secrets)} secrets searched in {len(hay.texts)} texts "
        f"({hay.size // 1024} KiB); {len(failed)} cells ended in a (one-line) error; "
        f"{len(hits)} hits",
        loss=len(hits),
    )
    assert tokens, "no OAuth token seen: the Bearer check would be vacuous"
    assert "help" in " ".join(t for _, t in hay.texts)  # the scan saw real output
    assert hits == []


def test_python_api_objects_and_errors_leak_nothing(
    make_sandbox: Callable[..., Sandbox], ledger: Any
) -> None:
    """Connections, clients, responses, dry runs and every kind of error: no secret in any text."""
    sb = make_sandbox(items=60)
    jama_magic.settings.rate_limit = None
    jama_magic.settings.retries = 0
    hay = Haystack()
    basic = jama_magic.connect("pb", url=sb.url, username=sb.username, password=sb.password)
    oauth = jama_magic.connect(
        "po", url=sb.url, client_id=sb.client_id, client_secret=sb.client_secret
    )
    with pytest.raises(JamaError) as refused:  # the connect check: a wrong password
        jama_magic.connect("pw", url=sb.url, username=sb.username, password=sb.password + "x")
    hay.add("connect check", one_line(refused.value))
    hay.add("connect check", "".join(traceback.format_exception(refused.value)))
    bad = jama_magic.connect(
        "pw", url=sb.url, username=sb.username, password=sb.password + "x", check=False
    )
    down = jama_magic.connect(
        "pd", url="http://127.0.0.1:9", username="u", password=sb.password, check=False
    )
    with debug_logs() as logs:
        for conn in (basic, oauth, bad, down):
            hay.add_object(f"connection {conn.nickname}", conn)
            hay.add_object(f"client {conn.nickname}", client_for(conn))
            req = jama_magic.JamaRequest.build("POST", "/items", body={"a": 1})
            hay.add_object(f"dry run {conn.nickname}", client_for(conn).prepare(req))
            for method, path in (("GET", "/projects"), ("GET", "/nope"), ("DELETE", "/items/1")):
                try:
                    resp = jama_magic.request(method, path, connection=conn.nickname)
                    hay.add_object(f"{method} {path} on {conn.nickname}", resp)
                except JamaError as exc:
                    hay.add(f"error {conn.nickname}", one_line(exc))
                    hay.add(f"error {conn.nickname}", "".join(traceback.format_exception(exc)))
                    hay.add_object(f"error {conn.nickname}", exc)
                    if getattr(exc, "response", None) is not None:
                        hay.add_object(f"error response {conn.nickname}", exc.response)
        tokens = client_tokens()
    hay.add("logs at DEBUG", logs.getvalue())
    hay.add("registry", repr(jama_magic.registry.all()))
    hits = hay.hits(secrets_of(sb, extra_tokens=tokens))
    ledger.record(
        "Python API: connections, clients, responses, dry runs, errors "
        "(401, 404, connect), tracebacks, logs",
        cases=len(hay.texts),
        outcome=f"{len(hits)} hits",
        loss=len(hits),
    )
    assert tokens and hits == []


@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks in notebooks/ yet")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[Path(p).stem for p in NOTEBOOKS])
def test_notebook_outputs_and_saved_file_leak_nothing(
    path: str, tmp_path: Path, ledger: Any, clean_state: Path
) -> None:
    """Execute a notebook, then scan its outputs and the saved .ipynb for the kernel's secrets."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    dump = tmp_path / "secrets.json"
    nb.cells.append(nbformat.v4.new_code_cell(PROBE.format(path=str(dump))))
    client = NotebookClient(
        nb,
        timeout=240,
        kernel_name="python3",
        resources={"metadata": {"path": str(Path(path).parent)}},
    )
    env = {**os.environ, "JAMA_MAGIC_CONFIG": str(clean_state)}
    with _environ(env):
        client.execute()
    nb.cells.pop()  # the probe: its secrets are the needle, not the haystack
    saved = tmp_path / Path(path).name
    nbformat.write(nb, saved)
    found = json.loads(dump.read_text())
    secrets: dict[str, str] = {}
    for i, (user, secret) in enumerate(found["pairs"]):
        secrets[f"secret {i}"] = secret
        secrets[f"Basic value {i}"] = basic_value(user, secret)
    for i, token in enumerate(found["tokens"]):
        secrets[f"Bearer token {i}"] = token
    text = saved.read_text(encoding="utf-8")
    hits = [label for label, secret in secrets.items() if secret and secret in text]
    outputs = sum(len(c.get("outputs", [])) for c in nb.cells if c.cell_type == "code")
    ledger.record(
        f"notebook {Path(path).name}: executed, outputs + saved .ipynb",
        cases=outputs,
        outcome=f"{len(secrets)} secrets searched in {len(text) // 1024} KiB; {len(hits)} hits",
        loss=len(hits),
    )
    assert found["pairs"], "the probe found no secret in the kernel: the scan would be vacuous"
    assert hits == []


PROBE = """
import json as _json
import jama_magic as _jm
from jama_magic.state import session as _session
_pairs = []
for _c in _jm.registry.all():
    if _c.password:
        _pairs.append([_c.username or "", _c.password.reveal()])
    if _c.client_secret:
        _pairs.append([_c.client_id or "", _c.client_secret.reveal()])
_sb = _session.sandbox
if _sb is not None:
    _pairs += [[_sb.username, _sb.password], [_sb.client_id, _sb.client_secret]]
_tokens = [t.reveal() for t in (getattr(getattr(c, "_auth", None), "_token", None)
                                for c in _session.clients.values()) if t]
with open({path!r}, "w") as _f:
    _json.dump({{"pairs": _pairs, "tokens": _tokens}}, _f)
"""


@contextlib.contextmanager
def _environ(env: dict[str, str]) -> Iterator[None]:
    old = dict(os.environ)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(old)
