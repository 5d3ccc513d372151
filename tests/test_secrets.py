"""Secrets: masked everywhere, and found in order argument, env, keyring, prompt."""

from __future__ import annotations

import copy
import getpass
import io
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator

import keyring
import keyring.backend
import pytest

from jama_magic.errors import SecretNotFoundError
from jama_magic.secrets import MASK, Secret, env_var_name, lookup_secret

VALUE = "s3cr3t-Pa55"


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring backend holding passwords in a dict (tests only)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


class BrokenKeyring(MemoryKeyring):
    """A keyring whose backend fails, like one with no D-Bus session."""

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("no backend")


class TTY(io.StringIO):
    """An interactive stdin."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """An in-memory keyring, installed for the test only."""
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


@pytest.fixture
def no_prompt(monkeypatch: pytest.MonkeyPatch) -> None:
    """getpass fails the test if called."""

    def fail(prompt: str = "") -> str:
        raise AssertionError("getpass must not be called")

    monkeypatch.setattr(getpass, "getpass", fail)


def test_repr_str_format_masked() -> None:
    """repr, str, format and f-strings show the mask, never the value."""
    secret = Secret(VALUE)
    shown = [
        repr(secret),
        str(secret),
        format(secret),
        f"{secret}",
        f"{secret!r}",
        "%s" % (secret,),  # noqa: UP031
    ]
    shown += [f"{secret:>20}", repr([secret]), repr({"p": secret})]
    assert all(VALUE not in text for text in shown)
    assert str(secret) == MASK
    assert repr(secret) == f"Secret('{MASK}')"


def test_reveal_equality_and_bool() -> None:
    """reveal() gives the value; equality is by value; an empty secret is falsy."""
    assert Secret(VALUE).reveal() == VALUE
    assert Secret(VALUE) == Secret(VALUE)
    assert Secret(VALUE) != VALUE
    assert Secret(Secret(VALUE)).reveal() == VALUE
    assert not Secret("")
    assert len({Secret(VALUE), Secret(VALUE)}) == 1


def test_pickle_refused() -> None:
    """A secret cannot be pickled (it would land on disk in plain text)."""
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(Secret(VALUE))


def test_copy_shares_the_secret() -> None:
    """copy and deepcopy work (a Connection can be deep-copied) without pickling."""
    secret = Secret(VALUE)
    assert copy.copy(secret) is secret
    assert copy.deepcopy({"p": secret})["p"] is secret


def test_non_string_refused() -> None:
    """Only strings can be secrets."""
    with pytest.raises(TypeError, match="must be a string"):
        Secret(1234)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("nick", "kind", "name"),
    [
        ("prod", "PASSWORD", "JAMA_PROD_PASSWORD"),
        ("my-prod.eu", "PASSWORD", "JAMA_MY_PROD_EU_PASSWORD"),
        ("ci", "CLIENT_SECRET", "JAMA_CI_CLIENT_SECRET"),
    ],
)
def test_env_var_name(nick: str, kind: str, name: str) -> None:
    """The env variable is JAMA_<NICK>_<KIND>, upper-cased, with '-' and '.' as '_'."""
    assert env_var_name(nick, kind) == name


def test_argument_wins_over_env(monkeypatch: pytest.MonkeyPatch, no_prompt: None) -> None:
    """A secret given in Python wins over the environment."""
    monkeypatch.setenv("JAMA_PROD_PASSWORD", "from-env")
    assert lookup_secret("prod", VALUE).reveal() == VALUE
    assert lookup_secret("prod", Secret(VALUE)).reveal() == VALUE


def test_env_wins_over_keyring(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring, no_prompt: None
) -> None:
    """The environment variable (with -/. mapped to _) wins over the keyring."""
    memory_keyring.set_password("jama_magic", "my-prod.eu", "from-keyring")
    monkeypatch.setenv("JAMA_MY_PROD_EU_PASSWORD", "from-env")
    assert lookup_secret("my-prod.eu").reveal() == "from-env"


def test_keyring_used_when_env_missing(memory_keyring: MemoryKeyring, no_prompt: None) -> None:
    """Without the env variable the keyring (service jama_magic, user nickname) is used."""
    memory_keyring.set_password("jama_magic", "prod", "from-keyring")
    memory_keyring.set_password("jama_magic", "ci:client_secret", "oauth-from-keyring")
    assert lookup_secret("prod").reveal() == "from-keyring"
    assert lookup_secret("ci", kind="CLIENT_SECRET").reveal() == "oauth-from-keyring"


def test_broken_keyring_falls_through_to_prompt(monkeypatch: pytest.MonkeyPatch) -> None:
    """A keyring that fails is skipped and the prompt asks instead."""
    before = keyring.get_keyring()
    keyring.set_keyring(BrokenKeyring())
    try:
        monkeypatch.setattr(sys, "stdin", TTY())
        monkeypatch.setattr(getpass, "getpass", lambda prompt="": "typed")
        assert lookup_secret("prod").reveal() == "typed"
    finally:
        keyring.set_keyring(before)


def test_prompt_when_interactive(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    """With nothing stored and an interactive stdin, getpass asks, naming the connection."""
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return "typed"

    monkeypatch.setattr(sys, "stdin", TTY())
    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    assert lookup_secret("prod").reveal() == "typed"
    assert prompts == ["Jama password for 'prod': "]


def test_empty_prompt_answer_refused(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    """An empty answer to the prompt is an error, not an empty password."""
    monkeypatch.setattr(sys, "stdin", TTY())
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": "")
    with pytest.raises(SecretNotFoundError, match="no password entered for 'prod'"):
        lookup_secret("prod")


def test_prompt_failure_names_env_var(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    """When getpass cannot ask (a front end without stdin) the error names the env variable."""

    def no_stdin(prompt: str = "") -> str:
        raise RuntimeError("stdin not implemented")

    monkeypatch.setattr(sys, "stdin", TTY())
    monkeypatch.setattr(getpass, "getpass", no_stdin)
    with pytest.raises(SecretNotFoundError, match="JAMA_PROD_PASSWORD"):
        lookup_secret("prod")


def test_non_interactive_fails_naming_env_var(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring, no_prompt: None
) -> None:
    """Without a TTY stdin the lookup fails at once, naming the env variable and keyring entry."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(SecretNotFoundError) as info:
        lookup_secret("my-prod", kind="CLIENT_SECRET")
    text = str(info.value)
    assert "JAMA_MY_PROD_CLIENT_SECRET" in text
    assert "service 'jama_magic', user 'my-prod:client_secret'" in text


def test_prompt_false_never_asks(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring, no_prompt: None
) -> None:
    """prompt=False fails instead of asking, even on a TTY."""
    monkeypatch.setattr(sys, "stdin", TTY())
    with pytest.raises(SecretNotFoundError, match="JAMA_PROD_PASSWORD"):
        lookup_secret("prod", prompt=False)


def test_imported_ipykernel_alone_does_not_mean_interactive(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring, no_prompt: None
) -> None:
    """Merely importing ipykernel (no running kernel) does not make a script prompt."""
    import ipykernel.kernelapp  # noqa: F401

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(SecretNotFoundError, match="JAMA_PROD_PASSWORD"):
        lookup_secret("prod")


def test_connect_without_stdin_fails_fast_in_a_real_process() -> None:
    """A script with no stdin gets a one-line error naming JAMA_PROD_PASSWORD instead of hanging."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("JAMA_") or k == "JAMA_MAGIC_CONFIG"
    }
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    code = (
        "import jama_magic as jm\n"
        "try:\n"
        "    jm.connect('prod', url='https://jama.example.com', username='alice')\n"
        "except jm.JamaUsageError as exc:\n"
        "    print('ERROR', exc)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("ERROR no password for connection 'prod'")
    assert "JAMA_PROD_PASSWORD" in lines[0]
