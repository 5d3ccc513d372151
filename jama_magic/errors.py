"""The one exception tree of jama_magic.

Every error a user can cause or meet is a ``JamaError``; ``str(exc)`` is one
line that says what went wrong and never contains a secret::

    JamaError
    ├── JamaUsageError            bad input, found before anything is sent
    │   ├── InvalidURLError       relative URL refused (absolute, //host, climbs out)
    │   ├── BodyError             body not allowed or not encodable
    │   │   ├── PlaceholderError  a ``{{ expr }}`` of a %%jama cell failed
    │   │   └── InvalidJSONError  the %%jama cell is not JSON once filled in
    │   ├── MagicParseError       a %jama line that cannot be understood
    │   ├── UnknownConnectionError
    │   ├── SecretNotFoundError   no password/client secret and no way to ask for one
    │   ├── ConfigFileError       saved-connections file unreadable
    │   ├── ReadOnlyError         a write on a read-only connection
    │   ├── WriteNotConfirmedError a write on a confirm_writes connection was not confirmed
    │   ├── InvalidSettingError
    │   ├── NotAListError         a DataFrame view of a body that is not a list
    │   ├── NoOriginError         df.jama on a frame jama_magic did not make
    │   ├── PlanError             an edited frame holds changes that cannot be written
    │   └── MirrorError           the mirror file: missing, busy, other schema or connection
    │       ├── MirrorBusyError   another process has the file open
    │       └── MirrorNotFoundError  no mirror yet: sync a project first
    ├── JamaRequestError          no response: network, timeout, dropped or truncated connection
    │   │                         (``.maybe_applied``: a write that may have reached the server)
    │   ├── JamaConnectError      (JamaTLSError: the certificate could not be verified)
    │   ├── JamaTimeoutError
    │   └── JamaProtocolError     (UnusableReplyError: too large or malformed; not retried)
    └── JamaHTTPError             an error response: ``.response``, Jama's ``.message``
        ├── RedirectedWriteError  a write answered with a redirect (not followed)
        ├── BadRequestError 400, UnauthorizedError 401, ForbiddenError 403, NotFoundError 404,
        ├── MethodNotAllowedError 405, ConflictError 409, RateLimitedError 429
        └── ServerError 5xx

Warnings: ``ConnectionRedefinedWarning`` (``connect`` replaced a nickname's settings).

httpx errors are translated once, in ``transport.py``, with ``raise ... from exc``.
How an error is shown (one line with a hint) is in ``display.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .safetext import clean_line

if TYPE_CHECKING:
    from .response import JamaResponse

__all__ = [
    "BadRequestError",
    "BodyError",
    "ConfigFileError",
    "ConflictError",
    "ForbiddenError",
    "InvalidJSONError",
    "InvalidSettingError",
    "InvalidURLError",
    "JamaConnectError",
    "JamaError",
    "JamaHTTPError",
    "JamaProtocolError",
    "JamaRequestError",
    "JamaTLSError",
    "JamaTimeoutError",
    "JamaUsageError",
    "MagicParseError",
    "MethodNotAllowedError",
    "NotAListError",
    "NotFoundError",
    "PlaceholderError",
    "RateLimitedError",
    "ReadOnlyError",
    "RedirectedWriteError",
    "SecretNotFoundError",
    "ServerError",
    "UnauthorizedError",
    "UnknownConnectionError",
    "UnusableReplyError",
    "WriteNotConfirmedError",
    "error_for_status",
]


# How IPython shows an uncaught error, or None for its usual traceback. The presentation
# layer installs it (``display.short_traceback``): the tree itself imports nothing of ours.
short_traceback: Callable[[BaseException], list[str] | None] | None = None


class JamaError(Exception):
    """Base of every jama_magic error."""

    @property
    def _render_traceback_(self) -> Callable[[], list[str]]:
        """What IPython/Jupyter show for an uncaught error (see ``short_traceback``)."""
        lines = short_traceback(self) if short_traceback is not None else None
        if lines is None:
            # IPython asks hasattr() first: without the attribute it shows its own traceback
            raise AttributeError("_render_traceback_")
        return lambda: lines


class JamaUsageError(JamaError, ValueError):
    """Bad input, found before any request was sent."""


class InvalidURLError(JamaUsageError):
    """The relative URL was refused."""


class BodyError(JamaUsageError):
    """The request body is not allowed or cannot be encoded."""


class PlaceholderError(BodyError):
    """A ``{{ expr }}`` placeholder could not be evaluated or encoded."""


class InvalidJSONError(BodyError):
    """The cell body is not valid JSON once placeholders are filled in."""


class MagicParseError(JamaUsageError):
    """The ``%jama`` line could not be understood."""


class UnknownConnectionError(JamaUsageError, KeyError):
    """No connection with that nickname."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class SecretNotFoundError(JamaUsageError):
    """No secret was given and none could be found or asked for."""


class ConfigFileError(JamaUsageError):
    """The saved-connections file could not be read."""


class ReadOnlyError(JamaUsageError):
    """A write was attempted on a read-only connection."""


class WriteNotConfirmedError(JamaUsageError):
    """A write on a ``confirm_writes`` connection was not confirmed."""


class InvalidSettingError(JamaUsageError):
    """A setting was given a value outside its range."""


class NotAListError(JamaUsageError):
    """The body is not a list, so it has no DataFrame view."""


class NoOriginError(JamaUsageError):
    """The frame was not made by jama_magic, so there is nothing to compare it with."""


class PlanError(JamaUsageError):
    """The edited frame holds changes that cannot be written (the message says which)."""


class MirrorError(JamaUsageError):
    """Something about the mirror file: missing, busy, from another schema or connection."""


class MirrorBusyError(MirrorError):
    """Another process has the mirror file open."""


class MirrorNotFoundError(MirrorError):
    """No mirror file yet: sync a project first."""


class ConnectionRedefinedWarning(UserWarning):
    """``connect`` replaced a connection of the same nickname that had other settings."""


class JamaRequestError(JamaError):
    """No usable response arrived (network, timeout, dropped connection)."""

    def __init__(self, message: str, *, method: str = "", url: str = "", host: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.url = url
        self.host = host
        # a write that may have reached the server: sending it again could apply it twice
        self.maybe_applied = False


class JamaConnectError(JamaRequestError):
    """The host could not be reached."""


class JamaTLSError(JamaConnectError):
    """The server's TLS certificate could not be verified (retrying cannot help)."""


class JamaTimeoutError(JamaRequestError):
    """The server did not answer in time."""


class JamaProtocolError(JamaRequestError):
    """The connection dropped or the body was cut short or unreadable."""


class UnusableReplyError(JamaProtocolError):
    """A reply arrived but cannot be used: over the size limit, or shaped as Jama never
    answers (retrying would get the same)."""


class JamaHTTPError(JamaError):
    """The server answered with a 4xx or 5xx status."""

    def __init__(self, response: JamaResponse) -> None:
        self.response = response
        self.status_code = response.status_code
        self.reason = response.reason
        self.message = response.message
        super().__init__(_http_line(response))


class BadRequestError(JamaHTTPError):
    """400: Jama refused the request (see ``.message``)."""


class UnauthorizedError(JamaHTTPError):
    """401: wrong or missing credentials."""


class ForbiddenError(JamaHTTPError):
    """403: the user may not do this."""


class NotFoundError(JamaHTTPError):
    """404: no such resource."""


class MethodNotAllowedError(JamaHTTPError):
    """405: the resource does not support this method."""


class ConflictError(JamaHTTPError):
    """409: conflicting change (for example a lock)."""


class RateLimitedError(JamaHTTPError):
    """429: too many requests, even after retrying."""


class ServerError(JamaHTTPError):
    """5xx: the server failed."""


class RedirectedWriteError(JamaHTTPError):
    """3xx to a POST/PUT/PATCH/DELETE: not followed, since following would send the write
    again (or turn it into a GET, as browsers do with 301/302/303)."""

    def __init__(self, response: JamaResponse) -> None:
        super().__init__(response)
        where = response.headers.get("location") or "nowhere (no Location header)"
        self.args = (
            f"{response.status_code} {response.reason}: the server redirects "
            f"{response.method} {response.relative_url} to {clean_line(where, 200)}; the "
            f"{response.method} was sent once and not followed: check whether it took effect, "
            "and the connection's base URL",
        )


_BY_STATUS: dict[int, type[JamaHTTPError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    409: ConflictError,
    429: RateLimitedError,
}


def error_for_status(response: JamaResponse) -> JamaHTTPError:
    """The error matching ``response.status_code`` (4xx or 5xx)."""
    if response.status_code >= 500:
        return ServerError(response)
    return _BY_STATUS.get(response.status_code, JamaHTTPError)(response)


def _http_line(response: JamaResponse) -> str:
    line = f"{response.status_code} {response.reason}"
    if response.message:
        line += f": {_flatten(response.message).rstrip('.')}"
    return f"{line} ({response.method} {response.relative_url})"


def _flatten(text: Any) -> str:
    return clean_line(text, 2000)
