"""Connections: validation, the registry with its default, and the env-only `default`."""

from __future__ import annotations

from typing import Any

import pytest

import jama_magic
from jama_magic.connection import make_connection
from jama_magic.errors import JamaUsageError, UnknownConnectionError
from jama_magic.registry import ConnectionRegistry
from jama_magic.secrets import Secret

PASSWORD = "pa55-w0rd-xyz"


def _conn(nick: str, **kw: Any) -> Any:
    return make_connection(nick, url="https://jama.example.com", username="alice", **kw)


def test_subdomain_builds_jamacloud_url() -> None:
    """A subdomain becomes https://{subdomain}.jamacloud.com; the API root adds /rest/latest."""
    conn = make_connection("prod", subdomain="example-subdomain", username="alice")
    assert conn.base_url == "https://example-subdomain.jamacloud.com"
    assert conn.api_root == "https://example-subdomain.jamacloud.com/rest/latest"
    assert conn.host == "example-subdomain.jamacloud.com"


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("https://jama.corp.example/contour/", "https://jama.corp.example/contour"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("https://jama.corp.example/rest/latest", "https://jama.corp.example"),
        ("  https://jama.corp.example/contour/rest/v1/ ", "https://jama.corp.example/contour"),
    ],
)
def test_base_url_normalised(url: str, base: str) -> None:
    """Trailing slashes and a pasted /rest/<version> are removed from the base URL."""
    assert _conn("x").base_url == "https://jama.example.com"
    assert make_connection("x", url=url, username="a").base_url == base


def test_api_version_and_auth_kind() -> None:
    """api_version defaults to latest; a client id means OAuth."""
    assert _conn("a").api_version == "latest"
    assert _conn("a").auth_kind == "basic"
    assert _conn("b", api_version="v1").api_root.endswith("/rest/v1")
    oauth = make_connection("c", url="https://j.example", client_id="id1", client_secret="s")
    assert oauth.auth_kind == "oauth"
    assert oauth.user_label == "client id1"


@pytest.mark.parametrize(
    ("kw", "words"),
    [
        ({"url": "ftp://jama.example.com"}, "invalid base URL"),
        ({"url": "jama.example.com"}, "invalid base URL"),
        ({"url": "https://alice:pw@jama.example.com"}, "put no credentials in the URL"),
        ({"url": "https://jama.example.com?x=1"}, "must not carry a query"),
        ({"subdomain": "x", "url": "https://j.example"}, "either a subdomain"),
        ({}, "either a subdomain"),
        ({"subdomain": "example.jamacloud.com"}, "only the part before .jamacloud.com"),
        ({"url": "https://j.example", "api_version": "v2"}, "api_version must be one of"),
        ({"url": "https://j.example", "timeout": 0}, "timeout must be a number > 0"),
        ({"url": "https://j.example", "rate_limit": -1}, "rate_limit must be a number > 0"),
        ({"url": "https://j.example", "rate_limit": "10"}, "rate_limit must be a number > 0"),
        ({"url": "http://jama.example.com:abc"}, "invalid base URL"),
        ({"url": "http://[::1"}, "invalid base URL"),
        ({"url": "http://jama example.com"}, "contains a space"),
        ({"subdomain": 5}, "invalid subdomain"),
    ],
)
def test_bad_connection_refused(kw: dict[str, Any], words: str) -> None:
    """Bad URLs, subdomains, versions and numbers are refused with a message saying what to fix."""
    with pytest.raises(JamaUsageError, match=words):
        make_connection("prod", username="alice", **kw)


@pytest.mark.parametrize(
    "url",
    [
        f"https://alice:{PASSWORD}@jama.example.com",
        f"ftp://alice:{PASSWORD}@jama.example.com",
        f"alice:{PASSWORD}@jama.example.com",
    ],
)
def test_url_credentials_not_echoed(url: str) -> None:
    """A password pasted into a URL (even an otherwise invalid one) is not repeated in the error."""
    with pytest.raises(JamaUsageError, match="put no credentials in the URL") as info:
        make_connection("p", url=url, username="a")
    assert PASSWORD not in str(info.value)


def test_url_query_not_echoed() -> None:
    """A query (which may hold a token) is not repeated in the error."""
    with pytest.raises(JamaUsageError, match="must not carry a query") as info:
        make_connection("p", url=f"https://jama.example.com/?token={PASSWORD}", username="a")
    assert PASSWORD not in str(info.value)


@pytest.mark.parametrize("nick", ["has space", "", "a/b", "ü"])
def test_bad_nickname_refused(nick: str) -> None:
    """Nicknames are [A-Za-z0-9_.-]+."""
    with pytest.raises(JamaUsageError, match="invalid nickname"):
        _conn(nick)


def test_username_or_client_id_needed() -> None:
    """A connection without a username or client id is refused."""
    with pytest.raises(JamaUsageError, match="needs a username"):
        make_connection("prod", subdomain="x")


def test_secret_strings_wrapped_and_masked_in_repr() -> None:
    """Passwords become Secrets and the Connection repr never shows them."""
    conn = _conn("prod", password=PASSWORD)
    assert isinstance(conn.password, Secret)
    assert PASSWORD not in repr(conn) and PASSWORD not in str(conn)


def test_first_connection_is_default_and_use_switches() -> None:
    """The first added connection is the default; use() and default=True switch it."""
    reg = ConnectionRegistry()
    reg.add(_conn("a"))
    reg.add(_conn("b"))
    assert reg.default_name == "a"
    assert reg.get().nickname == "a"
    reg.use("b")
    assert reg.get().nickname == "b"
    reg.add(_conn("c"), default=True)
    assert reg.default_name == "c"
    assert reg.names() == ["a", "b", "c"]
    assert [c.nickname for c in reg.all()] == ["a", "b", "c"]


def test_unknown_nickname_lists_known_ones() -> None:
    """An unknown nickname raises UnknownConnectionError listing the known ones, on one line."""
    reg = ConnectionRegistry()
    reg.add(_conn("prod"))
    reg.add(_conn("dev"))
    with pytest.raises(UnknownConnectionError) as info:
        reg.get("prdo")
    assert str(info.value) == "unknown connection 'prdo'; known: dev, prod"
    with pytest.raises(UnknownConnectionError, match="known: dev, prod"):
        reg.use("nope")


def test_no_connection_yet_says_how_to_connect() -> None:
    """Asking for the default with no connections says how to make one."""
    with pytest.raises(UnknownConnectionError, match="%jama connect NICK"):
        ConnectionRegistry().get()


def test_remove_moves_default_on() -> None:
    """Removing the default makes the next connection the default; removing all leaves none."""
    reg = ConnectionRegistry()
    reg.add(_conn("a"))
    reg.add(_conn("b"))
    assert reg.remove("a").nickname == "a"
    assert reg.default_name == "b"
    reg.remove("b")
    assert reg.default_name is None
    with pytest.raises(UnknownConnectionError, match="known: none"):
        reg.remove("b")


def test_on_change_called_for_every_change() -> None:
    """on_change callbacks run on add, use, remove and clear; off_change stops them."""
    reg = ConnectionRegistry()
    calls: list[str] = []

    def listener() -> None:
        calls.append(str(reg._default))

    reg.on_change(listener)
    reg.add(_conn("a"))
    reg.add(_conn("b"))
    reg.use("b")
    reg.remove("b")
    reg.clear()
    reg.off_change(listener)
    reg.add(_conn("c"))
    assert calls == ["a", "a", "b", "a", "None"]


def test_env_default_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """JAMA_URL + JAMA_USERNAME + JAMA_PASSWORD give a connection named default."""
    monkeypatch.setenv("JAMA_URL", "https://jama.example.com/contour")
    monkeypatch.setenv("JAMA_USERNAME", "alice")
    monkeypatch.setenv("JAMA_PASSWORD", PASSWORD)
    jama_magic.registry.clear()
    conn = jama_magic.registry.get()
    assert conn.nickname == "default"
    assert conn.base_url == "https://jama.example.com/contour"
    assert conn.password == Secret(PASSWORD)


def test_env_default_with_subdomain(monkeypatch: pytest.MonkeyPatch) -> None:
    """JAMA_SUBDOMAIN works in place of JAMA_URL."""
    monkeypatch.setenv("JAMA_SUBDOMAIN", "example")
    monkeypatch.setenv("JAMA_USERNAME", "alice")
    monkeypatch.setenv("JAMA_PASSWORD", PASSWORD)
    jama_magic.registry.clear()
    assert jama_magic.registry.get("default").base_url == "https://example.jamacloud.com"


@pytest.mark.parametrize("missing", ["JAMA_URL", "JAMA_USERNAME", "JAMA_PASSWORD"])
def test_env_default_needs_all_three(monkeypatch: pytest.MonkeyPatch, missing: str) -> None:
    """Without the URL, the username or the password there is no default connection."""
    env = {"JAMA_URL": "https://j.example", "JAMA_USERNAME": "a", "JAMA_PASSWORD": "p"}
    for name, value in env.items():
        if name != missing:
            monkeypatch.setenv(name, value)
    jama_magic.registry.clear()
    assert jama_magic.registry.names() == []


def test_bad_env_default_names_the_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bad JAMA_URL is reported as coming from the environment connection."""
    monkeypatch.setenv("JAMA_URL", "jama.example.com")
    monkeypatch.setenv("JAMA_USERNAME", "alice")
    monkeypatch.setenv("JAMA_PASSWORD", PASSWORD)
    jama_magic.registry.clear()
    with pytest.raises(JamaUsageError, match=r"environment connection 'default' .*JAMA_URL"):
        jama_magic.registry.names()


def test_connect_registers_and_first_is_default() -> None:
    """jm.connect registers the connection; the first one becomes the default."""
    jama_magic.connect("one", url="https://j1.example", username="a", password="p", check=False)
    jama_magic.connect("two", url="https://j2.example", username="a", password="p", check=False)
    assert jama_magic.registry.default_name == "one"
    jama_magic.connect(
        "three", url="https://j3.example", username="a", password="p", default=True, check=False
    )
    assert jama_magic.registry.default_name == "three"


def test_connect_finds_password_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """jm.connect without password= reads JAMA_<NICK>_PASSWORD at connect time."""
    monkeypatch.setenv("JAMA_MY_PROD_PASSWORD", PASSWORD)
    conn = jama_magic.connect("my-prod", url="https://j.example", username="alice", check=False)
    assert conn.password == Secret(PASSWORD)
    assert jama_magic.registry.get("my-prod").password == Secret(PASSWORD)


def test_disconnect_removes() -> None:
    """jm.disconnect removes the connection from the session."""
    jama_magic.connect("one", url="https://j1.example", username="a", password="p", check=False)
    jama_magic.disconnect("one")
    assert "one" not in jama_magic.registry.names()
