"""Connections: where a Jama lives and who we are there.

A ``Connection`` is a frozen value; its secrets are ``Secret`` objects (or
``None`` until first needed: then ``secrets.lookup_secret`` finds them).
``make_connection`` validates one; ``registry.py`` keeps those of the session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
import idna

from .errors import ConnectionRedefinedWarning, JamaUsageError
from .secrets import Secret

__all__ = [
    "API_VERSIONS",
    "NICKNAME",
    "Connection",
    "ConnectionRedefinedWarning",
    "changes",
    "make_connection",
    "same_but_secrets",
]

NICKNAME = re.compile(r"[A-Za-z0-9_.-]+")
SUBDOMAIN = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
API_VERSIONS = ("latest", "v1", "labs")


@dataclass(frozen=True, kw_only=True)
class Connection:
    """One Jama site and the credentials to use there (secrets masked)."""

    nickname: str
    base_url: str
    username: str | None = None
    password: Secret | None = field(default=None, repr=False)
    client_id: str | None = None
    client_secret: Secret | None = field(default=None, repr=False)
    subdomain: str | None = None
    api_version: str = "latest"
    verify: bool | str = True
    timeout: float | None = None
    rate_limit: float | None = None
    read_only: bool = False
    confirm_writes: bool = False

    @property
    def auth_kind(self) -> str:
        """``"oauth"`` with a client id, else ``"basic"``."""
        return "oauth" if self.client_id else "basic"

    @property
    def api_root(self) -> str:
        return f"{self.base_url}/rest/{self.api_version}"

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    @property
    def user_label(self) -> str:
        return self.username or f"client {self.client_id}"


_COMPARED = {
    "base_url": "URL",
    "username": "user",
    "client_id": "client id",
    "api_version": "API version",
    "verify": "verify",
    "timeout": "timeout",
    "rate_limit": "rate limit",
    "read_only": "read-only",
    "confirm_writes": "confirm writes",
}


def changes(old: Connection, new: Connection) -> list[str]:
    """What differs from ``old`` to ``new``, as ``"URL a -> b"`` (secrets named, never shown)."""
    found = [
        f"{label} {getattr(old, key)} -> {getattr(new, key)}"
        for key, label in _COMPARED.items()
        if getattr(old, key) != getattr(new, key)
    ]
    for key, label in (("password", "password"), ("client_secret", "client secret")):
        before, after = getattr(old, key), getattr(new, key)
        if before is not None and after is not None and before != after:
            found.append(f"new {label}")
    return found


def make_connection(
    nickname: str,
    *,
    subdomain: str | None = None,
    url: str | None = None,
    username: str | None = None,
    password: str | Secret | None = None,
    client_id: str | None = None,
    client_secret: str | Secret | None = None,
    api_version: str = "latest",
    verify: bool | str = True,
    timeout: float | None = None,
    rate_limit: float | None = None,
    read_only: bool = False,
    confirm_writes: bool = False,
) -> Connection:
    """A validated ``Connection`` (secrets are not looked up here)."""
    _check_nickname(nickname)
    base = _base_url(subdomain, url)
    if api_version not in API_VERSIONS:
        raise JamaUsageError(f"api_version must be one of {', '.join(API_VERSIONS)}")
    if not (username or client_id):
        raise JamaUsageError(f"connection '{nickname}' needs a username (or --client-id for OAuth)")
    if username and client_id:
        raise JamaUsageError(
            f"connection '{nickname}': give a username (Basic auth) or a client id (OAuth), "
            "not both: OAuth would ignore the username"
        )
    _check_number("timeout", timeout, unset="the setting")
    _check_number("rate_limit", rate_limit, unset="the default: learned, 10/s on Jama Cloud")
    return Connection(
        nickname=nickname,
        base_url=base,
        username=username,
        password=_secret(password),
        client_id=client_id,
        client_secret=_secret(client_secret),
        subdomain=subdomain,
        api_version=api_version,
        verify=verify,
        timeout=timeout,
        rate_limit=rate_limit,
        read_only=read_only,
        confirm_writes=confirm_writes,
    )


def _secret(value: str | Secret | None) -> Secret | None:
    return None if value is None else Secret(value)


def _check_nickname(nickname: str) -> None:
    if not isinstance(nickname, str) or not NICKNAME.fullmatch(nickname):
        raise JamaUsageError(
            f"invalid nickname {nickname!r}: use letters, digits, '_', '.' and '-' only"
        )


def _check_number(name: str, value: float | None, *, unset: str) -> None:
    """``value`` is None (``unset`` says what that means) or a number > 0."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise JamaUsageError(f"{name} must be a number > 0 (or None for {unset}), not {value!r}")


def _base_url(subdomain: str | None, url: str | None) -> str:
    if subdomain and url:
        raise JamaUsageError(
            "give either a subdomain (--subdomain) or a base URL (--url), not both"
        )
    if not (subdomain or url):
        raise JamaUsageError(
            "give either a subdomain (--subdomain) or a base URL (--url) to say where Jama lives"
        )
    if subdomain:
        if not isinstance(subdomain, str) or not SUBDOMAIN.fullmatch(subdomain):
            raise JamaUsageError(
                f"invalid subdomain {subdomain!r}: give only the part before .jamacloud.com"
            )
        return f"https://{subdomain}.jamacloud.com"
    return _check_url(str(url))


def _check_url(url: str) -> str:
    if "@" in url:  # checked first: never echo a password typed into the URL
        raise JamaUsageError(
            "put no credentials in the URL: use --username and the password prompt"
        )
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. an unclosed [IPv6 bracket
        parts = urlsplit("")
    shown = f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else url.split("?")[0]
    if parts.scheme not in ("http", "https") or not parts.hostname or _bad_port(parts.netloc):
        raise JamaUsageError(f"invalid base URL {shown!r}: expected e.g. https://jama.example.com")
    if re.search(r"[\x00-\x20\x7f\\]", parts.netloc + parts.path):
        raise JamaUsageError(
            f"invalid base URL {shown!r}: it contains a space, a control character or a backslash"
        )
    if parts.query or parts.fragment:
        raise JamaUsageError(f"the base URL {shown!r} must not carry a query or fragment")
    _check_host(shown, parts.hostname)
    path = parts.path.rstrip("/")
    if path.endswith(("/rest/latest", "/rest/v1", "/rest/labs")):
        path = path.rsplit("/rest/", 1)[0]  # people paste the API root
    return f"{parts.scheme}://{parts.netloc}{path}"


def _check_host(shown: str, host: str) -> None:
    """The host as httpx will send it: an IDNA name (``☃.example`` is not), or an IP."""
    try:
        httpx.URL(f"http://{host if ':' not in host else f'[{host}]'}/")
        for label in host.split("."):
            if label[:4].lower() == "xn--":  # an ASCII A-label: httpx passes it unchecked
                idna.decode(label)
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise JamaUsageError(
            f"invalid host in the base URL {shown!r} ({_reason(exc)}): check the spelling"
        ) from None
    if any(not label for label in host.rstrip(".").split(".")):
        raise JamaUsageError(f"invalid host in the base URL {shown!r}: it has an empty label")


def _reason(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:120] or type(exc).__name__


def _bad_port(netloc: str) -> bool:
    try:
        _ = urlsplit(f"//{netloc}").port
    except ValueError:
        return True
    return False


def same_but_secrets(a: Connection, b: Connection) -> bool:
    """Equal but for secrets found later (a client made for ``a`` can serve ``b``)."""
    keys = (
        "base_url",
        "username",
        "client_id",
        "api_version",
        "verify",
        "timeout",
        "rate_limit",
        "read_only",
        "confirm_writes",
    )
    same = all(getattr(a, k) == getattr(b, k) for k in keys)
    return (
        same
        and (b.password is None or a.password == b.password)
        and (b.client_secret is None or a.client_secret == b.client_secret)
    )
