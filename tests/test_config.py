"""Saved connections in the TOML file: round trip without secrets, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

import jama_magic
from jama_magic.config import config_path, forget_connection, load_saved, save_connection
from jama_magic.connection import make_connection
from jama_magic.errors import ConfigFileError

PASSWORD = "hunter2-very-secret"
CLIENT_SECRET = "oauth-client-secret-42"


def test_config_path_follows_env_override(clean_state: Path) -> None:
    """JAMA_MAGIC_CONFIG decides where the file lives."""
    assert config_path() == clean_state


def test_config_path_default_is_user_config_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the override the file is connections.toml in the platformdirs config dir."""
    from platformdirs import user_config_dir

    monkeypatch.delenv("JAMA_MAGIC_CONFIG")
    assert config_path() == Path(user_config_dir("jama_magic")) / "connections.toml"


def test_missing_file_means_no_saved_connections(clean_state: Path) -> None:
    """No file yet: no saved connections, no error."""
    assert not clean_state.exists()
    assert load_saved() == []


def test_round_trip_without_secrets(clean_state: Path) -> None:
    """Saved connections load back with every setting but no password or client secret."""
    basic = make_connection(
        "prod",
        subdomain="example-subdomain",
        username="alice",
        password=PASSWORD,
        read_only=True,
        timeout=12.5,
        api_version="v1",
    )
    oauth = make_connection(
        "ci",
        url="https://jama.corp.example/contour/",
        client_id="abc123",
        client_secret=CLIENT_SECRET,
        verify=False,
        rate_limit=3,
        confirm_writes=True,
    )
    save_connection(basic)
    save_connection(oauth)
    text = clean_state.read_text(encoding="utf-8")
    assert PASSWORD not in text and CLIENT_SECRET not in text
    assert "password" not in text and "secret" not in text
    loaded = {conn.nickname: conn for conn in load_saved()}
    from dataclasses import replace

    assert loaded["prod"] == replace(basic, password=None)
    assert loaded["ci"] == replace(oauth, client_secret=None)
    assert loaded["ci"].base_url == "https://jama.corp.example/contour"


def test_save_replaces_and_forget_removes(clean_state: Path) -> None:
    """Saving a nickname again replaces it; forget removes it and says whether it was there."""
    save_connection(make_connection("prod", subdomain="one", username="alice"))
    save_connection(make_connection("prod", subdomain="two", username="bob"))
    (only,) = load_saved()
    assert (only.subdomain, only.username) == ("two", "bob")
    assert forget_connection("prod") is True
    assert forget_connection("prod") is False
    assert load_saved() == []


def test_connect_save_writes_the_file(clean_state: Path) -> None:
    """jm.connect(..., save=True) writes the connection (without its password)."""
    jama_magic.connect(
        "prod",
        url="https://jama.example.com",
        username="al",
        password=PASSWORD,
        save=True,
        check=False,
    )
    assert "[connections.prod]" in clean_state.read_text(encoding="utf-8")
    assert PASSWORD not in clean_state.read_text(encoding="utf-8")


def test_saved_connections_appear_in_registry(clean_state: Path) -> None:
    """Saved connections are in the registry of a new session; the first one is the default."""
    save_connection(make_connection("prod", subdomain="example", username="alice"))
    save_connection(make_connection("dev", subdomain="example-dev", username="alice"))
    jama_magic.registry.clear()
    assert jama_magic.registry.names() == ["prod", "dev"]
    assert jama_magic.registry.default_name == "prod"
    assert jama_magic.registry.get("dev").password is None


def test_invalid_toml_names_file_and_line(clean_state: Path) -> None:
    """A file that is not valid TOML raises ConfigFileError naming the file and the line."""
    clean_state.parent.mkdir(parents=True)
    clean_state.write_text('[connections.prod]\nsubdomain = "x"\nusername = alice\n')
    with pytest.raises(ConfigFileError) as info:
        load_saved()
    text = str(info.value)
    assert str(clean_state) in text
    assert "line 3" in text
    assert "\n" not in text


def test_broken_file_reported_by_registry_but_env_default_survives(
    clean_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken file is reported on first use; the env-only default connection still works."""
    clean_state.parent.mkdir(parents=True)
    clean_state.write_text("[connections.prod\n")
    monkeypatch.setenv("JAMA_URL", "https://jama.example.com")
    monkeypatch.setenv("JAMA_USERNAME", "alice")
    monkeypatch.setenv("JAMA_PASSWORD", PASSWORD)
    jama_magic.registry.clear()
    with pytest.raises(ConfigFileError, match="line 1"):
        jama_magic.registry.names()
    assert jama_magic.registry.get().nickname == "default"


def test_unreadable_bytes_name_the_file(clean_state: Path) -> None:
    """A file that is not UTF-8 raises ConfigFileError naming the file."""
    clean_state.parent.mkdir(parents=True)
    clean_state.write_bytes(b"\xff\xfe[connections]")
    with pytest.raises(ConfigFileError, match=f"cannot read {clean_state}"):
        load_saved()


@pytest.mark.parametrize("key", ["password", "client_secret", "token"])
def test_secret_keys_refused(clean_state: Path, key: str) -> None:
    """A secret typed into the file is refused with a message saying where secrets go."""
    clean_state.parent.mkdir(parents=True)
    clean_state.write_text(f'[connections.prod]\nsubdomain = "x"\nusername = "a"\n{key} = "pw"\n')
    with pytest.raises(ConfigFileError) as info:
        load_saved()
    text = str(info.value)
    assert f"[connections.prod] holds '{key}'" in text
    assert "environment or the keyring" in text
    assert '"pw"' not in text


def test_unknown_key_lists_known_ones(clean_state: Path) -> None:
    """A misspelt key is refused and the message lists the known keys."""
    clean_state.parent.mkdir(parents=True)
    clean_state.write_text('[connections.prod]\nsubdomian = "x"\nusername = "a"\n')
    with pytest.raises(ConfigFileError, match="unknown key 'subdomian'; known: subdomain, url"):
        load_saved()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('username = "a"\nsubdomain = "x"\ntimeout = true\n', "'timeout' has the wrong type"),
        ('username = "a"\nsubdomain = 5\n', "'subdomain' has the wrong type"),
        ('username = "a"\n', "give either a subdomain"),
        ('subdomain = "x"\n', "needs a username"),
    ],
)
def test_bad_entries_name_the_connection(clean_state: Path, body: str, words: str) -> None:
    """Wrong types and incomplete entries name the file, the connection and the problem."""
    clean_state.parent.mkdir(parents=True)
    clean_state.write_text("[connections.prod]\n" + body)
    with pytest.raises(ConfigFileError) as info:
        load_saved()
    assert f"{clean_state}: [connections.prod]" in str(info.value)
    assert words in str(info.value)


def test_bad_connection_name_quoted_on_one_line(clean_state: Path) -> None:
    """A connection name with a control character is refused, shown escaped on one line."""
    clean_state.parent.mkdir(parents=True)
    clean_state.write_text('[connections."a\\rb"]\nsubdomain = "x"\nusername = "a"\n')
    with pytest.raises(ConfigFileError) as info:
        load_saved()
    assert "invalid connection name 'a\\rb'" in str(info.value)
    assert "\r" not in str(info.value)


def test_connections_must_be_a_table(clean_state: Path) -> None:
    """connections = 1 is refused."""
    clean_state.parent.mkdir(parents=True)
    clean_state.write_text("connections = 1\n")
    with pytest.raises(ConfigFileError, match=r"\[connections\] must be a table"):
        load_saved()


def test_save_does_not_overwrite_a_broken_file(clean_state: Path) -> None:
    """Saving into a broken file fails and leaves the file as it was."""
    clean_state.parent.mkdir(parents=True)
    clean_state.write_text("not toml [\n")
    with pytest.raises(ConfigFileError):
        save_connection(make_connection("prod", subdomain="x", username="a"))
    assert clean_state.read_text() == "not toml [\n"


def test_disconnect_forget_removes_from_file(clean_state: Path) -> None:
    """jm.disconnect(nick, forget=True) removes the saved entry; without forget it stays."""
    jama_magic.connect(
        "a", url="https://j.example", username="u", password="p", save=True, check=False
    )
    jama_magic.connect(
        "b", url="https://j.example", username="u", password="p", save=True, check=False
    )
    jama_magic.disconnect("a")
    jama_magic.disconnect("b", forget=True)
    assert [conn.nickname for conn in load_saved()] == ["a"]
