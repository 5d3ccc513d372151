"""The ``%jama`` / ``%%jama`` magics: a thin IPython adapter over the core.

Parsing lives in ``parse``, body templating in ``placeholders``,
completion in ``completer``, and everything that talks to Jama in the core.
This module turns a line into calls, shows results, and turns every expected
failure into one line (an exact ``UsageError``: IPython prints it without a traceback).
"""

from __future__ import annotations

import inspect
import warnings
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from traitlets import TraitError, validate

from .. import api, catalog
from ..client import client_for
from ..connection import ConnectionRedefinedWarning
from ..display import dataframe_view, one_line
from ..errors import InvalidSettingError, JamaError, JamaHTTPError
from ..response import JamaResponse
from ..settings import SETTINGS
from ..settings import validate as check_setting
from ..state import session
from .parse import RequestSpec, Subcommand, build_request, parse_line, usage
from .progress import in_notebook, progress_bar
from .sandbox_command import run_sandbox
from .support import (
    Bool,
    Float,
    Int,
    UserInfo,
    ask,
    dry_run_text,
    install_completer,
    install_config_check,
    install_formatters,
    interrupted_text,
    uninstall_completer,
    uninstall_config_check,
    uninstall_formatters,
    warm_up,
)

__all__ = ["JamaMagic", "load_ipython_extension", "unload_ipython_extension"]

LAST_RESPONSE = "_jama"


def _trait(cls: type, name: str, help: str, **kw: Any) -> Any:
    return cls(SETTINGS[name].default, help=help, **kw).tag(config=True)


@magics_class
class JamaMagic(Magics):
    """The Jama Connect REST API from IPython; settings via ``%config JamaMagic.<name>``.

    The traits live in ``jama_magic.settings`` (the one shared state): a change
    made with ``%config`` is seen by ``jm.settings`` and the other way round.
    """

    page_size = _trait(Int, "page_size", "items per page (1-50) for --all")
    max_concurrency = _trait(Int, "max_concurrency", "most requests in flight per connection")
    rate_limit = _trait(
        Float,
        "rate_limit",
        "hard cap in requests/s per connection; None (or 0): learned from the server's 429s"
        " (10 on *.jamacloud.com)",
        allow_none=True,
    )
    retries = _trait(Int, "retries", "retries on 429 and 502/503/504")
    timeout = _trait(Float, "timeout", "request timeout in seconds")
    display_rows = _trait(Int, "display_rows", "rows in a response's table preview")
    short_errors = _trait(
        Bool,
        "short_errors",
        "one-line errors (also of the Python API in IPython); False shows the full traceback",
    )
    max_body_mb = _trait(
        Int, "max_body_mb", "largest JSON/text reply read, in MiB (binary replies go to a file)"
    )

    @validate(*SETTINGS)
    def _check(self, proposal: Any) -> Any:
        try:
            return check_setting(proposal["trait"].name, proposal["value"])
        except InvalidSettingError as exc:
            raise TraitError(str(exc)) from None

    @line_cell_magic  # type: ignore[untyped-decorator,misc]
    def jama(self, line: str, cell: str | None = None) -> Any:
        """Send requests to Jama Connect and manage connections.

        Requests (METHOD is GET, POST, PUT, PATCH or DELETE, any case; GET when left out)::

            %jama GET /projects
            r = %jama GET /items -p project=20 --all --limit 200
            %jama GET /items/{item_id}/children --df          # IPython expands {expr} and $var
            %%jama POST /items -o created
            {"project": 20, "itemType": 33, "childItemType": 0,
             "location": {"parent": {"project": 20}},
             "fields": {"name": {{ title }}, "description": "Made for {{ user }}"}}

        The URL is relative to the connection's /rest/<version> and may carry a query
        string; absolute URLs and paths that climb out of the API root are refused.
        A trailing ``# comment`` is ignored (a ``#`` in quotes or inside a word is kept).

        Options:
          -c, --connection NICK   use this connection instead of the default
          -p, --param KEY=VALUE   query parameter; repeatable (a repeated key is sent repeatedly)
          -q, --query EXPR        query parameters from a dict in your namespace
          -H, --header "N: V"     header; repeatable.   --headers EXPR   headers from a dict
          -b, --body EXPR         body from a Python object instead of the cell
          -o, --out NAME          also store the response as NAME
          --all                   follow paging and merge every page
          --limit N               stop after N items (with or without --all)
          --df                    show and return the DataFrame view instead of the response
          --timeout S             per-request timeout in seconds
          --dry-run               show the request (secret masked) and curl; send nothing
          --no-raise              return a 4xx/5xx response instead of raising
          --yes                   confirm a write on a connection made with --confirm-writes

        The magic returns the JamaResponse (r.status_code, r.data, r.df, r.to_curl(), ...)
        and keeps the last one as ``_jama``, also after an HTTP error.

        Cell body: JSON; empty for none. Placeholders ``{{ expr }}`` are evaluated in your
        namespace and replaced by the value's JSON: write ``"name": {{ title }}`` without
        quotes; str, int, float, bool, None, list, tuple and dict keep their JSON types.
        Inside a JSON string (``"Req {{ n }}"``) the value's text is spliced in (a str as
        it is, other values as their JSON text), escaped for JSON. Nested placeholders are
        an error; write ``\\{{`` for a literal ``{{``. What a DataFrame holds is converted:
        a Timestamp or datetime to Jama's 2024-05-01T12:00:00.000+0000 (UTC; naive means
        UTC), a date (or a datetime at midnight) to 2024-05-01, NaN, NaT and pd.NA to null,
        numpy values to plain ones. Other values JSON cannot hold (a set, an object) are an
        error naming the placeholder. Invalid JSON is reported with the line and column of
        the cell as you typed it.

        Connections (the password never goes in a line: it comes from the environment
        JAMA_<NICKNAME>_PASSWORD, the keyring, or a prompt)::

            %jama connect prod --subdomain example --username alice [--save] [--default]
            %jama connect onprem --url https://jama.corp.example/contour --username bob
            %jama connect ci --subdomain example --client-id abc123        # OAuth
                (more: --api-version v1, --no-verify | --ca-bundle PATH, --timeout S,
                 --rate-limit RPS, --read-only, --confirm-writes, --no-check)
            %jama connections            %jama use prod            u = %jama whoami [-c prod]

        ``connect`` checks the credentials with one GET /users/current (``--no-check``
        skips it) and says so when it replaces a connection that had other settings.
            %jama disconnect prod [--forget]

        Without a Jama at hand::

            %jama sandbox [--port N] [--latency MS] [--rate-limit RPS] [--items N] [--seed S]
            %jama sandbox --stop

        A second ``%jama sandbox`` reuses the running one; with options it restarts it
        with them (a fresh dataset).

        What changed (a side-by-side table; ``--no-relationships`` reads less)::

            %jama diff item 1003 [V1 [V2]]         # previous vs current version by default
            %jama diff baselines 91 [92] [-c NICK]  # baseline 91 vs 92, or vs the project now

        Traceability (coverage and the trace matrix, from bulk reads; returns a Trace)::

            %jama trace 20 --from Requirement --to "Test Case" [--type "Verified by"]
                [--mirror] [--excel trace.xlsx] [-c NICK]

        A local mirror (DuckDB; the first sync reads everything, later ones what changed)::

            %jama sync 20 [21 ...] [-c NICK] [--to PATH] [--full]
            m = %jama mirror [-c NICK]     # open it with no network: m.items(20), m.sql(...)

        Also: ``%jama panel`` (point-and-click form), ``%jama help [TOPIC]`` (TOPIC: a
        subcommand or ``request``). Settings: ``%config JamaMagic`` lists them
        (page_size, max_concurrency, rate_limit, retries, timeout, display_rows,
        short_errors, max_body_mb); they are the same as ``jama_magic.settings``.
        """
        try:
            return self._run(line, cell)
        except JamaError as exc:
            if not session.settings.short_errors:
                raise
            raise UsageError(one_line(exc)) from None
        except KeyboardInterrupt:
            if not session.settings.short_errors:
                raise
            raise UsageError(f"interrupted: {interrupted_text(line)}") from None

    def _run(self, line: str, cell: str | None) -> Any:
        parsed = parse_line(line)
        if isinstance(parsed, Subcommand):
            if cell is not None and cell.strip():
                raise UsageError(f"%%jama {parsed.name} takes no cell body")
            return getattr(self, f"_do_{parsed.name}")(**parsed.args)
        return self._request(parsed, cell or "")

    # requests
    def _request(self, spec: RequestSpec, cell: str) -> Any:
        req = build_request(spec, cell=cell, evaluate=self._shell.ev)
        client = client_for(spec.connection)
        if spec.dry_run:
            return client.prepare(req)
        progress = progress_bar() if req.all_pages or req.limit else None
        try:
            resp = client.send(
                req,
                raise_for_status=not spec.no_raise,
                progress=progress,
                yes=spec.yes,
                confirm=ask,
            )
        except JamaHTTPError as exc:
            self._store(exc.response, None)
            raise
        self._store(resp, spec.out)
        if spec.df and not resp.ok:
            raise UsageError(
                f"{resp.status_code} {resp.reason}: an error response has no table"
                f"{': ' + resp.message if resp.message else ''} (it is kept as _jama)"
            )
        return dataframe_view(resp) if spec.df else resp

    def _store(self, resp: JamaResponse, out: str | None) -> None:
        self._shell.push({LAST_RESPONSE: resp}, interactive=False)
        if out:
            self._shell.push({out: resp})

    @property
    def _shell(self) -> Any:
        assert self.shell is not None, "JamaMagic needs an IPython shell"
        return self.shell

    # subcommands: one small method each, named _do_<subcommand>
    def _do_connect(self, **kwargs: Any) -> None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConnectionRedefinedWarning)
            conn = api.connect(**kwargs)
        for warning in caught:  # shown as the magic's own words, not as a warning
            print(str(warning.message))
        flags = [f for f in ("read_only", "confirm_writes") if getattr(conn, f)]
        default = " (default)" if session.registry.default_name == conn.nickname else ""
        saved = ", saved without secrets" if kwargs.get("save") else ""
        extra = f" [{', '.join(flags)}]" if flags else ""
        print(
            f"connected '{conn.nickname}'{default}: {conn.api_root} "
            f"as {conn.user_label} ({conn.auth_kind}){extra}{saved}"
        )

    def _do_connections(self) -> Any:
        table = api.connections()
        if table.empty:
            print("no connections: %jama connect NICK --url URL --username USER, or %jama sandbox")
            return None
        return table

    def _do_use(self, nickname: str) -> None:
        conn = api.use(nickname)
        print(f"default connection: '{conn.nickname}' ({conn.api_root})")

    def _do_disconnect(self, nickname: str, forget: bool) -> None:
        api.disconnect(nickname, forget=forget)
        left = session.registry.default_name
        tail = f"; default is now '{left}'" if left else ""
        if nickname == "sandbox" and api.running_sandbox() is not None:
            tail += " (the sandbox server still runs: %jama sandbox --stop stops it)"
        print(f"disconnected '{nickname}'{' and forgot it' if forget else ''}{tail}")

    def _do_whoami(self, connection: str | None) -> UserInfo:
        nickname = client_for(connection).connection.nickname
        return UserInfo(api.whoami(connection), nickname=nickname)

    def _do_sandbox(self, stop: bool, **options: Any) -> None:
        run_sandbox(stop=stop, **options)

    # the local mirror (jama_magic.mirroring)
    def _do_sync(
        self, projects: list[str], connection: str | None, to: str | None, full: bool
    ) -> Any:
        from ..mirroring import sync

        found = sync(projects, connection=connection, path=to, full=full)
        print(found.last_sync)
        return found

    def _do_mirror(self, connection: str | None) -> Any:
        from ..mirroring import mirror

        return mirror(connection=connection)

    def _do_panel(self) -> Any:
        if not in_notebook():
            raise UsageError(
                "the panel needs Jupyter (a notebook, JupyterLab or VS Code); in a terminal "
                "use %jama GET /projects or jm.request(...)"
            )
        try:
            import jama_magic

            return jama_magic.panel()
        except ImportError as exc:
            raise UsageError(f"the panel is not available: {exc}") from None

    def _do_diff(self, words: list[str], connection: str | None, no_relationships: bool) -> Any:
        from ..changes.command import diff_from_words

        progress = progress_bar()
        return diff_from_words(
            words, connection=connection, relationships=not no_relationships, progress=progress
        )

    def _do_trace(self, **options: Any) -> Any:
        from ..traceability.magic import run_trace

        return run_trace(**options)

    def _do_help(self, topic: str | None = None) -> None:
        print(inspect.cleandoc(type(self).jama.__doc__ or "") if topic is None else usage(topic))


def load_ipython_extension(ip: Any) -> None:
    """Register ``%jama``/``%%jama``, completion, and the dry-run display."""
    _drop_invalid_config(ip)
    ip.register_magics(JamaMagic)
    install_completer(ip)
    install_config_check(ip)
    install_formatters(ip, dry_run_text)
    catalog.load_catalog()  # read once now, not on the first Tab
    warm_up("pandas")


def _drop_invalid_config(ip: Any) -> None:
    """Warn about and drop bad ``JamaMagic`` values in the shell config (``%config`` keeps
    even refused values there), so loading the extension never fails on them."""
    if "JamaMagic" not in ip.config:
        return
    section = ip.config["JamaMagic"]
    for name in [n for n in section if n in SETTINGS]:
        try:
            check_setting(name, section[name])
        except InvalidSettingError as exc:
            print(f"jama_magic: ignoring config JamaMagic.{name}: {exc}")
            del section[name]


def unload_ipython_extension(ip: Any) -> None:
    """Undo ``load_ipython_extension``."""
    for kind in ("line", "cell"):
        ip.magics_manager.magics[kind].pop("jama", None)
    uninstall_completer(ip)
    uninstall_config_check(ip)
    uninstall_formatters(ip)
