"""The :class:`Sandbox`: a Jama-compatible HTTP server on loopback, run by
uvicorn in a background thread, startable and stoppable many times.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterable, Sequence
from types import TracebackType

import uvicorn

from jama_magic.sandbox.app import build_app
from jama_magic.sandbox.auth import Authenticator, Credentials
from jama_magic.sandbox.data_controls import DataControls
from jama_magic.sandbox.dataset import Dataset, generate
from jama_magic.sandbox.faults import Counters, FaultPlan, SandboxStats, TokenBucket
from jama_magic.sandbox.gateway import Controls
from jama_magic.sandbox.store import Store, StoreConfig

_START_TIMEOUT = 15.0
_STOP_TIMEOUT = 5.0


class Sandbox(DataControls):
    """An embedded Jama Connect REST API for demos, tests and benchmarks.

    ``with Sandbox() as sb:`` serves ``sb.url + "/rest/latest/..."`` (and
    ``/rest/v1/...``) with Basic auth (``sb.username``/``sb.password``) or OAuth
    (``sb.client_id``/``sb.client_secret``). ``latency`` is in seconds per
    request; ``rate_limit`` in requests per second. ``lenient=True`` accepts what
    Jama refuses but old clients send: ``/relationships`` without ``lastId`` and
    a raw ``+`` in query datetimes (``require_last_id`` overrides the first).
    """

    def __init__(
        self,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        username: str = "sandbox",
        password: str | None = None,
        client_id: str = "sandbox-client",
        client_secret: str | None = None,
        latency: float = 0.0,
        rate_limit: float | None = None,
        retry_after: float | None = None,
        items: int | None = None,
        seed: int = 0,
        token_ttl: int = 3599,
        delete_status: int = 200,
        clamp_page_size: bool = True,
        fault_rate: float = 0.0,
        fault_kinds: Sequence[str] = ("500", "502", "503", "drop", "truncate"),
        ssl_certfile: str | None = None,
        ssl_keyfile: str | None = None,
        lenient: bool = False,
        require_last_id: bool | None = None,
    ) -> None:
        if delete_status not in (200, 204):
            raise ValueError(f"delete_status must be 200 or 204, got {delete_status}")
        if latency < 0:
            raise ValueError(f"latency must be 0 or more seconds, got {latency}")
        self._host = host
        self._requested_port = port
        self._port = port
        self._ssl = (ssl_certfile, ssl_keyfile)
        self._credentials = Credentials(
            username=username,
            password=password or secrets.token_urlsafe(16),
            client_id=client_id,
            client_secret=client_secret or secrets.token_urlsafe(24),
        )
        self._auth = Authenticator(self._credentials, token_ttl)
        self._controls = Controls(
            Counters(),
            TokenBucket(rate_limit, retry_after),
            FaultPlan(fault_rate, fault_kinds, seed),
            latency,
        )
        self.dataset: Dataset = generate(items, seed, username=username)
        config = StoreConfig(
            clamp_page_size=clamp_page_size,
            delete_status=delete_status,
            require_last_id=(not lenient) if require_last_id is None else require_last_id,
            lenient=lenient,
        )
        self._store = Store(self.dataset, config)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> Sandbox:
        """Start serving (a no-op when already running); returns self."""
        with self._lock:
            if self._thread is not None:
                return self
            sock = self._bind()
            server = uvicorn.Server(self._uvicorn_config())
            thread = threading.Thread(
                target=server.run,
                kwargs={"sockets": [sock]},
                name=f"jama-sandbox-{self._port}",
                daemon=True,
            )
            thread.start()
            self._wait_started(server, thread, sock)
            self._server, self._thread = server, thread
        return self

    def _bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        # proto must be IPPROTO_TCP: asyncio only sets TCP_NODELAY on accepted sockets
        # whose proto says TCP, and without it every response waits ~40 ms (Nagle).
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self._host, self._requested_port))
        except OSError as exc:
            sock.close()
            raise OSError(
                f"Sandbox cannot listen on {self._host}:{self._requested_port}: "
                f"{exc.strerror}; pick another port or use port=0."
            ) from exc
        self._port = sock.getsockname()[1]
        return sock

    def _uvicorn_config(self) -> uvicorn.Config:
        app = build_app(self._store, self._auth, self._controls)
        return uvicorn.Config(
            app,
            lifespan="off",
            http="h11",
            loop="asyncio",
            log_config=None,
            log_level="critical",
            access_log=False,
            timeout_graceful_shutdown=1,
            ssl_certfile=self._ssl[0],
            ssl_keyfile=self._ssl[1],
            proxy_headers=False,
        )

    @staticmethod
    def _wait_started(
        server: uvicorn.Server, thread: threading.Thread, sock: socket.socket
    ) -> None:
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                thread.join(_STOP_TIMEOUT)
                sock.close()
                raise RuntimeError("The sandbox server failed to start (see the log above).")
            time.sleep(0.005)

    def stop(self) -> None:
        """Stop serving and release the port; safe to call more than once."""
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(_STOP_TIMEOUT)
        if thread.is_alive():
            server.force_exit = True
            thread.join(_STOP_TIMEOUT)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<Sandbox {self.url} user={self.username!r} {state}>"

    # -- what clients need -------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the server thread is serving."""
        return self._thread is not None

    @property
    def url(self) -> str:
        """Base URL (the API is under ``/rest/latest`` and ``/rest/v1``)."""
        scheme = "https" if self._ssl[0] else "http"
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"{scheme}://{host}:{self._port}"

    @property
    def port(self) -> int:
        """The listening port (the chosen one after ``start()`` with ``port=0``)."""
        return self._port

    @property
    def username(self) -> str:
        """Basic-auth user name."""
        return self._credentials.username

    @property
    def password(self) -> str:
        """Basic-auth password (random per instance unless given)."""
        return self._credentials.password

    @property
    def client_id(self) -> str:
        """OAuth client id."""
        return self._credentials.client_id

    @property
    def client_secret(self) -> str:
        """OAuth client secret (random per instance unless given)."""
        return self._credentials.client_secret

    # -- controls ----------------------------------------------------------------------

    @property
    def stats(self) -> SandboxStats:
        """A snapshot of the request counters."""
        return self._controls.counters.snapshot()

    def reset_stats(self) -> None:
        """Zero the request counters."""
        self._controls.counters.reset()

    def schedule_faults(
        self,
        kinds: Iterable[str | None],
        *,
        method: str | None = None,
        path_prefix: str | None = None,
    ) -> None:
        """The next matching data requests get ``kinds`` in order (None: serve normally).

        ``path_prefix`` matches the path after ``/rest/{version}`` (e.g. ``"/items"``); the
        token endpoint only takes faults scheduled with a prefix starting ``"/oauth"``.
        """
        self._controls.faults.schedule(kinds, method=method, path_prefix=path_prefix)

    def clear_faults(self) -> None:
        """Drop faults scheduled but not yet served."""
        self._controls.faults.clear()

    def set_latency(self, seconds: float) -> None:
        """Per-request latency in seconds, from now on."""
        if seconds < 0:
            raise ValueError(f"latency must be 0 or more seconds, got {seconds}")
        self._controls.latency = seconds

    def set_rate_limit(self, rps: float | None, retry_after: float | None = None) -> None:
        """Token-bucket limit in requests/s (None: unlimited), from now on."""
        self._controls.bucket.configure(rps, retry_after)

    def expire_tokens(self) -> None:
        """Every OAuth token issued so far is rejected with 401 from now on."""
        self._auth.expire_all()
