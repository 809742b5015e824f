"""Every setting newskg has, declared once: name, default, help.

The CLI options, ``create_app(config)`` and docs/settings.md all read this table.
A setting can be given on the command line, in the ``config`` mapping passed to
``create_app`` (upper-case name), or as an environment variable ``NEWSKG_<NAME>`` read once
at start-up (never inside a request). A path setting is made absolute there, once, against
the directory the command runs in: later code may resolve it elsewhere (Flask resolves a
relative file against the package folder, so ``--store var/store`` served no dump).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from newskg.base_iri import DEFAULT_PORT, default_base

# Per worker. Queries wait for a query process on these threads (newskg.sparql.engine keeps 2 free
# for everything else); a thread waiting on a semaphore costs no CPU. Measured with 32 clients
# sending queries to 2 workers: 8 threads shed a third of the queries as "busy" (503), 16 a
# quarter, 32 none, with 25% more answers per second than 16.
WEB_THREADS = 32  # not a setting: the engine's queue and the server agree on it here


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    path: bool = False  # a file or folder: made absolute by resolve()

    @property
    def key(self) -> str:
        """The key in a Flask config / ``create_app`` mapping."""
        return self.name.upper()

    @property
    def env(self) -> str:
        return "NEWSKG_" + self.name.upper()

    def parse(self, raw: Any) -> Any:
        """Coerce ``raw`` (often a string from the environment) to the default's type."""
        if self.default is None or isinstance(raw, type(self.default)):
            return raw
        if isinstance(self.default, bool):
            return str(raw).strip().lower() in {"1", "true", "yes", "on"}
        try:
            return type(self.default)(raw)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"setting {self.name} wants a {type(self.default).__name__}, got {raw!r}"
            ) from exc


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "store",
        "var/store",
        "Directory of the versioned store (built by `newskg build`), or a triple store "
        "`sparql+http(s)://…` (see Running on an existing triple store).",
        path=True,
    ),
    Setting(
        "articles",
        "articles",
        "Directory of article files (*.txt, optional *.meta.json).",
        path=True,
    ),
    Setting(
        "base_iri",
        "",
        "Base under which data IRIs are minted (id/…, graph/…). Empty: http://localhost:PORT/ "
        "with PORT the `port` setting, so the IRIs dereference on `newskg serve` run with the "
        "same settings (`make run PORT=9000` mints them for port 9000). Changing it needs a "
        "rebuild.",
    ),
    Setting("host", "127.0.0.1", "Interface `newskg serve` listens on."),
    Setting("port", DEFAULT_PORT, "Port `newskg serve` listens on."),
    Setting("workers", 2, "Server worker processes, each reading the store read-only."),
    Setting("keep_versions", 3, "How many published store versions a build keeps."),
    Setting(
        "ingest_token",
        "",
        "Secret bearer token of the ingest API (`POST`, `GET /api/articles`, `DELETE "
        "/api/articles/ID`, `GET /api/versions`); "
        "empty: the API is off. Prefer the environment variable to the command line.",
    ),
    Setting(
        "ingest_max_bytes",
        6291456,
        "Largest ingest API request body, in bytes (larger is 413): one article of at "
        "most 5 MiB plus its sidecar.",
    ),
    Setting(
        "query_timeout", 30.0, "Seconds a SPARQL query may run before it is stopped (answered 503)."
    ),
    Setting(
        "query_memory",
        2147483648,
        "Most private memory, in bytes, one query process may use; a query that needs "
        "more is stopped and answered 503 (0: no bound). 2 GiB: the default 2 workers x 2 "
        "query processes can use 8 GiB at worst, a third of a 24 GiB machine.",
    ),
    Setting(
        "query_lane",
        0,
        "Query processes a server worker may add for a new query while every regular one "
        "runs a query that has run 50 ms or more, so that a cheap query is not queued behind "
        "analytical ones (a lane query that runs long itself drops to the lowest CPU "
        "priority; same time limit and memory bound). 0: off. Worth it where cheap queries "
        "share the endpoint with long ones; on a mix of long queries only it costs "
        "throughput (docs/performance.md).",
    ),
    Setting(
        "allow_unsandboxed_queries",
        False,
        "Run SPARQL queries even where query processes cannot be denied network access "
        "(no seccomp: not Linux, or no libseccomp2). Off: such a server answers every "
        "query 503. Set it in the environment (`=1`); never for a public endpoint.",
    ),
    Setting(
        "max_rows",
        100000,
        "Most rows (solutions or triples) one SPARQL answer may have; more is 422.",
    ),
    Setting(
        "max_query_bytes", 102400, "Largest SPARQL query text accepted, in bytes (larger is 413)."
    ),
    Setting(
        "cors_origins",
        "*",
        "Origins allowed to call the server from browsers (CORS): `*`, a space-separated "
        "list, or empty to send no CORS headers.",
    ),
    Setting(
        "cache_dir",
        "",
        "Directory of the SPARQL answer cache shared by all workers (empty: "
        "`newskg-cache-<uid>` under the system temporary directory).",
        path=True,
    ),
    Setting(
        "cache_bytes",
        268435456,
        "Most bytes the SPARQL answer cache keeps on disk (least recently used go first; "
        "0 turns it off).",
    ),
    Setting(
        "throttle_query_seconds",
        120.0,
        "Seconds of SPARQL query time each client may use per `--throttle-window`; a "
        "client over it is answered 429 with Retry-After until its share recovers (0 "
        "turns throttling off).",
    ),
    Setting(
        "throttle_window",
        60.0,
        "Seconds over which `--throttle-query-seconds` is counted (a client's spent time "
        "drains at budget/window per second).",
    ),
    Setting(
        "trusted_proxies",
        "",
        "Addresses or networks (space-separated, e.g. `10.0.0.0/8`) of reverse proxies "
        "whose `X-Forwarded-For` names the client for throttling; empty: the client is "
        "the connection's address.",
    ),
    Setting(
        "client_queries",
        2,
        "SPARQL queries (and request bodies being received) one client may have in flight "
        "at once across all workers; one more is 429 with Retry-After (0: no bound).",
    ),
    Setting(
        "query_wait",
        1.0,
        "Most seconds a query waits for a free query process; then 503 with Retry-After "
        '("all query processes are busy"), so waiting never holds the server\'s threads.',
    ),
    Setting(
        "idle_timeout",
        10.0,
        "Seconds a connection may stay idle (kept alive between requests, or sending its "
        "request line and headers) before it is closed (at most 60).",
    ),
    Setting(
        "max_connections",
        16384,
        "Open connections the server accepts (shared by its workers); more wait in the "
        "kernel's backlog. Per-client connection limits need a proxy or firewall in front "
        "(see The HTTP server).",
    ),
    Setting(
        "remote_user",
        "",
        "User for a remote `--store` (sparql+http://…), sent as the URL's `auth=` says "
        "(basic or digest). Set it in the environment, not on a command line.",
    ),
    Setting(
        "remote_password",
        "",
        "Password of `--remote-user` for a remote store (environment only: a command line "
        "is visible to every user).",
    ),
    Setting(
        "remote_token",
        "",
        "Bearer token for a remote store, instead of user and password (environment only).",
    ),
    Setting(
        "executor",
        "",
        "Where `newskg build` and `add` extract: empty for local processes (`--jobs`), or "
        "an existing Dask scheduler `dask://HOST:PORT` (needs `pip install 'newskg[dask]'`; "
        "see Scaling out).",
    ),
)

BY_NAME = {s.name: s for s in SETTINGS}


def resolve(
    config: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Defaults, overridden by ``NEWSKG_*`` environment variables, overridden by ``config``.

    >>> resolve({"PORT": "8080"}, environ={})["PORT"]
    8080
    """
    environ = os.environ if environ is None else environ
    config = config or {}
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = setting.default
        if setting.env in environ:
            raw = environ[setting.env]
        if setting.key in config:
            raw = config[setting.key]
        values[setting.key] = setting.parse(raw)
        if setting.path:
            values[setting.key] = absolute(values[setting.key])
    extra = {k: v for k, v in config.items() if k not in values}
    return {**values, **extra}


def absolute(path: str) -> str:
    """``path`` made absolute against the current directory; a URL (a triple store's
    ``sparql+http://…``) and an empty value (a default chosen later) stay as they are.

    >>> absolute("/srv/store"), absolute("sparql+http://127.0.0.1:7200/x"), absolute("")
    ('/srv/store', 'sparql+http://127.0.0.1:7200/x', '')
    """
    if not path or "://" in path:
        return path
    return os.path.abspath(os.path.expanduser(path))


def minting_base(environ: Mapping[str, str] | None = None) -> str:
    """The base a build mints IRIs under when none is given: the ``base_iri`` setting, else
    http://localhost:PORT/ with the ``port`` setting, tied to how the server runs: IRIs minted
    for the port it listens on dereference there.

    >>> minting_base(environ={"NEWSKG_PORT": "9000"})
    'http://localhost:9000/'
    """
    values = resolve(environ=environ)
    return str(values["BASE_IRI"] or default_base(values["PORT"]))


def markdown_table() -> str:
    """The settings as a Markdown table: docs/generate.py writes it into docs/settings.md."""
    rows = ["| setting | environment | default | what it does |", "| --- | --- | --- | --- |"]
    for s in SETTINGS:
        rows.append(f"| `--{s.name.replace('_', '-')}` | `{s.env}` | `{s.default}` | {s.help} |")
    return "\n".join(rows)
