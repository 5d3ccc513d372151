"""The everyday Python API: use, whoami, connections(), dir(jm), and the connect check."""

from __future__ import annotations

import importlib
import pkgutil
import warnings
from pathlib import Path

import pytest

import jama_magic as jm
from jama_magic.connection import ConnectionRedefinedWarning
from jama_magic.errors import (
    JamaConnectError,
    UnauthorizedError,
    UnknownConnectionError,
)
from jama_magic.sandbox import Sandbox


def _connect(sandbox: Sandbox, nick: str, **kw: object) -> jm.Connection:
    return jm.connect(
        nick, url=sandbox.url, username=sandbox.username, password=sandbox.password, **kw
    )


def test_use_makes_the_default(sandbox: Sandbox) -> None:
    """jm.use(nick) makes that connection the default and returns it."""
    _connect(sandbox, "one")
    _connect(sandbox, "two")
    assert jm.registry.default_name == "one"
    assert jm.use("two").nickname == "two"
    assert jm.registry.default_name == "two"
    with pytest.raises(UnknownConnectionError, match="unknown connection 'nope'"):
        jm.use("nope")


def test_whoami_returns_the_user_and_prints_nothing(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    """jm.whoami() is Jama's user dict of the default (or named) connection, silently."""
    _connect(sandbox, "sb")
    user = jm.whoami()
    assert type(user) is dict and user["username"] == sandbox.username
    assert jm.whoami("sb") == user
    assert capsys.readouterr() == ("", "")


def test_connections_is_a_dataframe_without_secrets(sandbox: Sandbox) -> None:
    """jm.connections() lists nickname, URL, user, auth, read-only, default; never a secret."""
    _connect(sandbox, "sb")
    jm.connect(
        "oa", url=sandbox.url, client_id=sandbox.client_id, client_secret=sandbox.client_secret
    )
    table = jm.connections()
    assert list(table.index) == ["sb", "oa"]
    assert list(table.columns) == ["base URL", "user", "auth", "read-only", "default"]
    assert table.loc["sb", "default"] and not table.loc["oa", "default"]
    assert table.loc["oa", "auth"] == "oauth"
    shown = table.to_string() + table.to_html() + repr(table.to_dict())
    assert sandbox.password not in shown and sandbox.client_secret not in shown


def test_connections_empty_is_an_empty_table() -> None:
    """With no connection, jm.connections() is an empty table with the same columns."""
    table = jm.connections()
    assert table.empty and list(table.columns) == [
        "base URL",
        "user",
        "auth",
        "read-only",
        "default",
    ]


def test_dir_lists_the_public_api_only() -> None:
    """dir(jm) is __all__: no submodules, no typing names, no __future__ import."""
    assert dir(jm) == sorted(jm.__all__)
    assert not {"Any", "annotations", "api", "state", "connection"} & set(dir(jm))


def test_connections_stays_a_function_after_importing_every_module() -> None:
    """Importing every submodule of jama_magic leaves jm.connections (and jm.panel) functions."""
    package = Path(jm.__file__).parent
    for info in pkgutil.walk_packages([str(package)], prefix="jama_magic."):
        if info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)
    assert callable(jm.connections) and jm.connections.__module__ == "jama_magic.api"
    assert callable(jm.panel) and jm.panel.__module__ == "jama_magic"


def test_connect_checks_the_password(sandbox: Sandbox) -> None:
    """A wrong password fails at connect (401, not registered); check=False skips the check."""
    with pytest.raises(UnauthorizedError) as info:
        jm.connect("badpw", url=sandbox.url, username=sandbox.username, password="Wr0ng-pw")
    assert "connection 'badpw' not made" in str(info.value)
    assert "check=False" in str(info.value) and "Wr0ng-pw" not in str(info.value)
    assert "badpw" not in jm.registry.names()
    jm.connect("badpw", url=sandbox.url, username=sandbox.username, password="x", check=False)
    assert "badpw" in jm.registry.names()


def test_connect_checks_once_with_users_current(sandbox: Sandbox) -> None:
    """The check is one GET /users/current."""
    before = sandbox.stats.by_route["GET /users/current"]
    _connect(sandbox, "sb")
    assert sandbox.stats.by_route["GET /users/current"] == before + 1


def test_failed_check_keeps_the_old_connection(sandbox: Sandbox) -> None:
    """Re-connecting a nickname to an unreachable URL fails and leaves the working one in place."""
    _connect(sandbox, "local")
    jm.settings.retries = 0
    with pytest.raises(JamaConnectError, match="connection 'local' not made"):
        jm.connect("local", url="http://127.0.0.1:9", username="u", password="p")
    assert jm.registry.get("local").base_url == sandbox.url
    assert jm.request("GET", "/projects", connection="local").ok


def test_redefining_a_nickname_warns(sandbox: Sandbox) -> None:
    """connect() on a known nickname with other settings warns what changed (no secret)."""
    _connect(sandbox, "local")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _connect(sandbox, "local")  # the same settings: no warning
        jm.connect("local", url="http://127.0.0.1:9", username="bob", password="p", check=False)
    assert [type(w.message) for w in caught] == [ConnectionRedefinedWarning]
    text = str(caught[0].message)
    assert text.startswith("connection 'local' redefined: ")
    assert f"URL {sandbox.url} -> http://127.0.0.1:9" in text
    assert "user sandbox -> bob" in text and "new password" in text
    assert sandbox.password not in text
