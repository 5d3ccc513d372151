"""The shared, validated settings (jm.settings)."""

from __future__ import annotations

from typing import Any

import pytest

import jama_magic
from jama_magic.errors import InvalidSettingError
from jama_magic.settings import SETTINGS, Settings, validate


def test_defaults() -> None:
    """Fresh settings have the documented defaults."""
    assert Settings().as_dict() == {
        "page_size": 50,
        "max_concurrency": 16,
        "rate_limit": None,
        "retries": 5,
        "timeout": 30.0,
        "display_rows": 20,
        "short_errors": True,
        "max_body_mb": 32,
    }


def test_jm_settings_is_the_shared_object() -> None:
    """jm.settings is the object clients read by default."""
    from jama_magic import settings
    from jama_magic.client import JamaClient
    from jama_magic.connection import make_connection

    conn = make_connection("x", url="https://j.example", username="u", password="p")
    assert jama_magic.settings is settings
    assert JamaClient(conn).settings is settings


@pytest.mark.parametrize(
    ("name", "value", "stored"),
    [
        ("page_size", 1, 1),
        ("page_size", 50, 50),
        ("timeout", 5, 5.0),
        ("rate_limit", 2.5, 2.5),
        ("rate_limit", None, None),
        ("rate_limit", 0, None),
        ("retries", 0, 0),
        ("display_rows", 0, 0),
        ("short_errors", False, False),
    ],
)
def test_valid_values_accepted(name: str, value: Any, stored: Any) -> None:
    """Values inside the range are stored (ints as floats where a float is expected)."""
    s = Settings()
    setattr(s, name, value)
    assert getattr(s, name) == stored
    assert type(getattr(s, name)) is type(stored)


@pytest.mark.parametrize(
    ("name", "value", "expect"),
    [
        ("page_size", 0, "an integer from 1 to 50"),
        ("page_size", 51, "an integer from 1 to 50"),
        ("page_size", 2.5, "an integer from 1 to 50"),
        ("page_size", "10", "an integer from 1 to 50"),
        ("page_size", True, "an integer from 1 to 50"),
        ("max_concurrency", 0, "an integer from 1 to 64"),
        ("timeout", 0, "seconds > 0"),
        ("timeout", None, "seconds > 0"),
        ("rate_limit", -1, "requests/s > 0"),
        ("retries", -1, "an integer from 0 to 20"),
        ("short_errors", 1, "True or False"),
    ],
)
def test_invalid_values_refused(name: str, value: Any, expect: str) -> None:
    """Out-of-range or wrongly typed values raise InvalidSettingError naming the range."""
    s = Settings()
    before = getattr(s, name)
    with pytest.raises(InvalidSettingError, match=f"setting {name} must be {expect}"):
        setattr(s, name, value)
    assert getattr(s, name) == before


def test_unknown_setting_lists_known_ones() -> None:
    """A typo in a setting name is refused and the message lists the known names."""
    with pytest.raises(InvalidSettingError, match="unknown setting 'page_sise'; known: page_size"):
        Settings().page_sise = 10  # type: ignore[attr-defined]


def test_reset_restores_defaults() -> None:
    """reset() puts every setting back to its default."""
    s = Settings()
    s.page_size = 10
    s.rate_limit = None
    s.reset()
    assert s.as_dict() == {name: rule.default for name, rule in SETTINGS.items()}


def test_repr_lists_values() -> None:
    """The repr shows every setting."""
    assert "page_size=50" in repr(Settings())


def test_validate_is_usable_alone() -> None:
    """validate() converts and checks without a Settings object (the traitlets use it)."""
    assert validate("timeout", 3) == 3.0
    with pytest.raises(InvalidSettingError):
        validate("timeout", -3)
