"""The notebooks run top to bottom with a real kernel against the sandbox, and are saved clean.

Each notebook in ``notebooks/`` is executed with nbclient (kernel ``python3``,
cwd ``notebooks/``, no ``JAMA_*`` credentials, ``MPLBACKEND=Agg``). A cell may
fail only when tagged ``raises-exception`` (a cell that demonstrates an error),
and then only with the magics' one-line error. After the run, one extra cell
reads the kernel's secrets (sandbox password and client secret, connection
passwords) so the test can check that no output shows them, nor any
``Authorization`` value. Saved notebooks must carry no outputs at all, so no
secret or local path can ever be committed.
"""

from __future__ import annotations

import base64
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT = 300
EXPECTED_ERROR_TAG = "raises-exception"
SECRETS_MARKER = "@@kernel-secrets@@"

# Runs in the kernel after the notebook: every secret it knows, as JSON on one marked line.
SECRETS_CELL = f"""
import json as _json
import jama_magic as _jm
import jama_magic.api as _api

def _plain(value):
    return value.reveal() if hasattr(value, "reveal") else value

_found = []
_sb = _api.running_sandbox()
if _sb is not None:
    _found += [[_sb.username, _plain(_sb.password)], [_sb.client_id, _plain(_sb.client_secret)]]
for _conn in _jm.registry.all():
    _found.append([_conn.username, _plain(_conn.password)])
    _found.append([_conn.client_id, _plain(_conn.client_secret)])
print({SECRETS_MARKER!r} + " " + _json.dumps([pair for pair in _found if pair[1]]), flush=True)
"""

AUTH_VALUE = re.compile(
    r"authorization[\"']?\s*[:=]\s*[\"']?\s*(basic|bearer)\s+(?!\*)[\w+/=.-]{4,}", re.I
)
LOCAL_PATH = re.compile(r"(/home/|/root/|/tmp/|/Users/|/work/|[A-Za-z]:\\\\Users)")
PASSWORD_LITERAL = re.compile(
    r"(password|passwd|secret|token)[\"']?\s*[:=]\s*[\"'][^\"'{}$\s]{3,}[\"']", re.I
)


def kernel_env(tmp_path: Path) -> dict[str, str]:
    """The kernel's environment: ours minus JAMA_* credentials, a private config file, Agg plots."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JAMA_")}
    env["JAMA_MAGIC_CONFIG"] = str(tmp_path / "jama_magic" / "connections.toml")
    env["JAMA_MAGIC_DATA"] = str(tmp_path / "jama_magic_data")  # audit log, mirrors
    env["MPLBACKEND"] = "Agg"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def execute(path: Path, tmp_path: Path) -> tuple[Any, list[list[str]]]:
    """Run the notebook and the secrets cell; the executed notebook and the secrets found."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(SECRETS_CELL))
    client = nbclient.NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    client.execute(env=kernel_env(tmp_path))
    secrets_cell = nb.cells.pop()
    return nb, read_secrets(secrets_cell)


def read_secrets(cell: Any) -> list[list[str]]:
    """The [user, secret] pairs printed by the secrets cell."""
    # a kernel may deliver one print in several stream messages: read them as one text
    text = "".join(out.get("text", "") for out in cell.get("outputs", []))
    if SECRETS_MARKER in text:
        return json.loads(text.split(SECRETS_MARKER, 1)[1].strip().splitlines()[0])
    pytest.fail("the secrets cell printed nothing: the kernel state could not be checked")


def output_texts(cell: Any) -> list[str]:
    """Every text an output of the cell carries (streams, all mime bundles, tracebacks)."""
    texts: list[str] = []
    for out in cell.get("outputs", []):
        texts.append(out.get("text", ""))
        texts.extend(str(value) for value in out.get("data", {}).values())
        texts.extend([out.get("ename", ""), out.get("evalue", ""), *out.get("traceback", [])])
    return [t for t in texts if t]


def secret_forms(pairs: list[list[str]]) -> list[str]:
    """Each secret as it could leak: plain and inside a Basic Authorization value."""
    forms: list[str] = []
    for user, secret in pairs:
        forms.append(secret)
        forms.append(base64.b64encode(f"{user}:{secret}".encode()).decode())
    return forms


def problems(cell: Any) -> list[str]:
    """What is wrong with one executed cell's outputs (empty when fine)."""
    expected = EXPECTED_ERROR_TAG in cell.metadata.get("tags", [])
    outputs = cell.get("outputs", [])
    errors = [o for o in outputs if o.get("output_type") == "error"]
    stderr = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
    if expected:
        return expected_error_problems(errors, stderr)
    found = [f"{o.get('ename')}: {o.get('evalue')}" for o in errors]
    if re.search(r"Traceback|Error\b|Exception\b", stderr):
        found.append(f"stderr: {stderr.strip()[:500]}")
    return found


def expected_error_problems(errors: list[Any], stderr: str) -> list[str]:
    """A cell meant to fail must fail with the magics' one-line error, no traceback."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    if errors:
        return [f"expected a one-line UsageError, got {errors[0].get('ename')} with a traceback"]
    if len(lines) != 1 or not lines[0].startswith("UsageError: "):
        return [f"expected one 'UsageError: ...' line on stderr, got {lines!r}"]
    return []


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def executed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Any, list[list[str]]]:
    """Each notebook executed once (shared by the checks on its outputs)."""
    path: Path = request.param
    nb, secrets = execute(path, tmp_path_factory.mktemp(path.stem))
    return path, nb, secrets


def test_notebooks_exist() -> None:
    """The notebooks this project promises are there."""
    names = {p.name for p in NOTEBOOKS}
    assert {
        "quickstart.ipynb",
        "explore_items.ipynb",
        "changes.ipynb",
        "mirror.ipynb",
    } <= names


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_notebook_runs_without_errors(executed: tuple[Path, Any, list[list[str]]]) -> None:
    """Every cell runs; only cells tagged raises-exception fail, with a one-line error."""
    path, nb, _ = executed
    found = [
        f"cell {index} ({cell.source.splitlines()[0][:60]!r}): {problem}"
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for problem in problems(cell)
    ]
    assert not found, f"{path.name}:\n" + "\n".join(found)


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_notebook_outputs_show_no_secret(executed: tuple[Path, Any, list[list[str]]]) -> None:
    """No output shows a password, a client secret or an Authorization value."""
    path, nb, secrets = executed
    assert secrets, "the kernel reported no secret: the check would prove nothing"
    forms = secret_forms(secrets)
    for index, cell in enumerate(nb.cells):
        for text in output_texts(cell):
            # pytest.fail with our own words: an assert would print the secret it found.
            if any(form in text for form in forms):
                pytest.fail(f"{path.name} cell {index}: an output shows a secret of the kernel")
            if AUTH_VALUE.search(text):
                pytest.fail(f"{path.name} cell {index}: an output shows an Authorization value")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_saved_notebook_has_no_outputs(path: Path) -> None:
    """Saved notebooks carry no outputs or execution counts (no secret or local path stored)."""
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [
        index
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, f"{path.name}: clear the outputs of cells {dirty} before saving"
    assert "widgets" not in nb.metadata, f"{path.name}: saved widget state in the metadata"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_saved_notebook_has_no_secret_or_local_path(path: Path) -> None:
    """The saved file holds no password literal, Authorization value or local path."""
    text = path.read_text(encoding="utf-8")
    for pattern, what in (
        (PASSWORD_LITERAL, "a password-like literal"),
        (AUTH_VALUE, "an Authorization value"),
        (LOCAL_PATH, "a local path"),
    ):
        match = pattern.search(text)
        assert match is None, f"{path.name}: {what} near offset {match.start() if match else 0}"


def test_secret_checks_can_fail() -> None:
    """The checks catch a leaked password, a Basic value and a traceback (no tautologies)."""
    leaked = nbformat.v4.new_code_cell("x")
    value = base64.b64encode(b"sandbox:s3cret-value").decode()
    leaked.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=f"Authorization: Basic {value}")
    ]
    assert any(value in t for t in output_texts(leaked))
    assert value in secret_forms([["sandbox", "s3cret-value"]])
    assert AUTH_VALUE.search(output_texts(leaked)[0])
    assert not AUTH_VALUE.search("Authorization: Basic ********")
    broken = nbformat.v4.new_code_cell("1/0")
    broken.outputs = [
        nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="x", traceback=[])
    ]
    assert problems(broken)
    broken.metadata["tags"] = [EXPECTED_ERROR_TAG]
    assert problems(broken), "a traceback is not the one-line error a tagged cell must show"
    assert PASSWORD_LITERAL.search('jm.connect("x", password="hunter22")')
    assert LOCAL_PATH.search('"/home/alice/notebooks"')
