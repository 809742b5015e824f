"""Serve the published store with Granian: ``newskg serve`` or ``python -m newskg.serve`` (the
same click command, :mod:`newskg.cli.serving`).

Granian (an HTTP server written in Rust: parsing and keep-alive cost a fraction of a
pure-Python server's) forks WORKERS processes; each builds its own app with
``create_app(config)`` after the fork (:func:`worker_app`), and so opens the store read-only
itself: RocksDB handles and their background threads must not be shared across a fork. Each
worker runs the app on ``THREADS`` threads, so a slow query holds one thread, not the whole
worker. The settings reach the workers in a file only this user can read (named by
``CONFIG_ENV``), not in the environment, which Granian copies into every request's WSGI
environ.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import shutil
import socket
import sys
import tempfile
import urllib.parse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from newskg import settings
from newskg.backends import backend_for
from newskg.errors import NewskgError
from newskg.settings import WEB_THREADS as THREADS

if TYPE_CHECKING:
    from newskg.web.http.access_log import AccessLog

CONFIG_ENV = "NEWSKG_SERVE_CONFIG"  # path of the settings file the workers read
GRACEFUL_SECONDS = 10  # a stopping worker finishes its requests for this long, then is killed


def worker_app() -> AccessLog:
    """Granian's app factory, called in each worker after the fork."""
    from newskg.web import create_app
    from newskg.web.http.access_log import AccessLog

    with open(os.environ[CONFIG_ENV], encoding="utf-8") as file:
        config = json.load(file)
    _forget_dead_workers()
    return AccessLog(create_app(config))


def _not_the_thread_count_warning(record: logging.LogRecord) -> bool:
    """Granian warns when a worker may run more than 2 x cores + 1 threads, assuming each runs
    Python. Ours mostly wait for a query process or a body (see THREADS): the count is meant,
    and the warning would only worry whoever runs ``make run``."""
    return not record.getMessage().startswith("Configuration allows spawning up to")


def granian_server(config: Mapping[str, Any]) -> Any:
    """The Granian server for resolved settings ``config`` (not started)."""
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces

    logging.getLogger("_granian").addFilter(_not_the_thread_count_warning)
    from granian.http import HTTP1Settings

    workers = int(config["WORKERS"])
    return Granian(
        "newskg.serve:worker_app",
        factory=True,
        interface=Interfaces.WSGI,
        address=str(config["HOST"]).strip("[]"),
        port=int(config["PORT"]),
        workers=workers,
        blocking_threads=THREADS,
        http=HTTPModes.http1,
        websockets=False,
        # Granian's header-read timeout also closes a kept-alive connection that sends no
        # next request (measured: idle, half-sent headers and never-used connections alike).
        http1_settings=HTTP1Settings(header_read_timeout=idle_timeout_ms(config)),
        # Connections each worker serves at once; the rest wait in the kernel's backlog.
        # Idle ones cost Granian little, so this is high: 1,024 (the default) were held by
        # one client's idle connections, and nobody else got in.
        backpressure=max(1, int(config["MAX_CONNECTIONS"]) // workers),
        log_access=False,  # newskg.web.http.access_log writes it, for a fraction of the cost
        respawn_failed_workers=True,  # a worker that dies is replaced
        workers_kill_timeout=GRACEFUL_SECONDS,
    )


def idle_timeout_ms(config: Mapping[str, Any]) -> int:
    """``IDLE_TIMEOUT`` in milliseconds, within what Granian accepts (1 ms to 60 s)."""
    seconds = float(config["IDLE_TIMEOUT"])
    if not 0 < seconds <= 60:
        raise ServeError(
            f"--idle-timeout must be more than 0 and at most 60 seconds, got {seconds:g}"
        )
    return max(1, round(seconds * 1000))


class ServeError(NewskgError):
    """The server cannot start as configured (the message says why and what to do)."""


def claim_address(host: str, port: int) -> contextlib.ExitStack:
    """Make sure no other server listens on ``host:port``, and hold it for this one.

    Granian binds with SO_REUSEPORT, so a second server on a port in use would start without
    error and the kernel would split the requests between the two. So: a lock file per
    address (held until the returned stack is closed: two servers starting together cannot
    both pass), and a probe bind without SO_REUSEPORT, which fails while anything listens
    there (another newskg, or any other program)."""
    stack = contextlib.ExitStack()
    host = host.strip("[]")
    if port == 0:
        return stack  # the system picks a free port: nobody else's
    lock_dir = os.path.join(tempfile.gettempdir(), f"newskg-serve-{os.getuid()}")
    try:
        os.makedirs(lock_dir, mode=0o700, exist_ok=True)
        path = os.path.join(lock_dir, f"{host}_{port}.lock")
        lock = stack.enter_context(open(path, "a+b"))  # noqa: SIM115 - closed with the stack
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        stack.close()
        raise ServeError(
            f"another newskg serve is already serving {host}:{port}; stop it "
            f"or choose another --port"
        ) from None
    except OSError as exc:  # no lock file here (another user's directory …): the probe decides
        print(f"newskg serve: no lock file for {host}:{port} ({exc})", file=sys.stderr)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is fine
            probe.bind((host, port))
    except OSError as exc:
        stack.close()
        raise ServeError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc} (another "
            f"server listens there?); stop it or choose another --port"
        ) from None
    return stack


def check_throttle(config: Mapping[str, Any]) -> None:
    """Fail at start-up, not per query, when the throttle's file cannot be used."""
    from newskg.web.http.budgets import ThrottleUnavailable, open_budgets

    try:
        open_budgets(
            str(config.get("CACHE_DIR") or "") or None,
            float(config["THROTTLE_QUERY_SECONDS"]),
            float(config["THROTTLE_WINDOW"]),
            int(config["CLIENT_QUERIES"]),
        )
    except (ThrottleUnavailable, ValueError) as exc:
        raise ServeError(str(exc)) from exc


# /metrics sums the counters of every worker: prometheus_client's multiprocess mode keeps
# them in files under this directory, which must be set before the workers import it.
METRICS_ENV = "PROMETHEUS_MULTIPROC_DIR"


def _prepare_metrics_dir() -> str | None:
    """A fresh metrics directory for this server (returned, to be removed at exit), or the
    operator's own (emptied of old counters, kept); set in the environment workers inherit."""
    own = os.environ.get(METRICS_ENV)
    if own:
        os.makedirs(own, exist_ok=True)
        for name in os.listdir(own):
            if name.endswith(".db"):  # counters of an earlier run would add up otherwise
                os.unlink(os.path.join(own, name))
        return None
    path = tempfile.mkdtemp(prefix="newskg-metrics-")
    os.environ[METRICS_ENV] = path
    return path


_LIVE_FILE = re.compile(r"gauge_live\w*_(\d+)\.db")


def _forget_dead_workers() -> None:
    """A dead worker's live gauges (queries in flight) stop counting: its files are marked
    dead when the next worker starts (Granian has no hook when a worker exits)."""
    directory = os.environ.get(METRICS_ENV)
    if not directory:
        return
    from prometheus_client import multiprocess

    from newskg.web.http.places import process_alive

    with contextlib.suppress(OSError):
        for name in os.listdir(directory):
            if (match := _LIVE_FILE.fullmatch(name)) and not process_alive(int(match[1])):
                multiprocess.mark_process_dead(int(match[1]), directory)


def base_warning(base: str | None, port: int) -> str | None:
    """Why IRIs minted under ``base`` will not dereference on this server, or None: a base on
    this machine (localhost) for another port. A base elsewhere is left alone (a proxy in
    front of the server answers for it).

    >>> base_warning("http://localhost:8000/", 8000) is None
    True
    >>> base_warning("https://news.example.org/kg/", 8000) is None
    True
    >>> print(base_warning("http://localhost:8000/", 9000))  # doctest: +ELLIPSIS
    the published version mints IRIs under http://localhost:8000/, but this server ...
    """
    if not base:
        return None
    parts = urllib.parse.urlsplit(base)
    if parts.hostname not in ("localhost", "127.0.0.1", "::1"):
        return None
    minted = parts.port or (443 if parts.scheme == "https" else 80)
    if minted == port:
        return None
    return (
        f"the published version mints IRIs under {base}, but this server listens on port "
        f"{port}: the links of its RDF documents and SPARQL answers lead to port {minted}. "
        f"Serve it on port {minted}, or rebuild it for this port: `newskg build --base-iri "
        f"http://localhost:{port}/` (or with NEWSKG_PORT={port}, as `make run PORT={port}` does)"
    )


def run(config: Mapping[str, Any]) -> None:
    """Serve until stopped (SIGINT/SIGTERM). ``config`` maps setting keys (``STORE``,
    ``HOST``, ``PORT``, ``WORKERS`` …) to values; missing ones take their defaults."""
    resolved = settings.resolve(config)
    # Fail before starting when there is nothing to serve (a StoreError says why).
    backend = backend_for(str(resolved["STORE"]))
    backend.check_servable(resolved)
    if warning := base_warning(backend.published_base(), int(resolved["PORT"])):
        print(f"newskg serve: warning: {warning}", file=sys.stderr, flush=True)
    idle_timeout_ms(resolved)
    check_throttle(resolved)
    address = claim_address(str(resolved["HOST"]), int(resolved["PORT"]))
    metrics_dir = _prepare_metrics_dir()
    # Owner-only, like the store: it holds the ingest token and remote credentials.
    fd, config_path = tempfile.mkstemp(prefix="newskg-serve-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(dict(resolved), file, default=str)
        os.environ[CONFIG_ENV] = config_path
        granian_server(resolved).serve()
    finally:
        address.close()
        os.environ.pop(CONFIG_ENV, None)
        with contextlib.suppress(OSError):
            os.unlink(config_path)
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)


if __name__ == "__main__":
    # ``python -m newskg.serve`` is ``newskg serve``: the same click command, options and
    # exit codes (newskg.cli.serving).
    from newskg.cli.serving import serve

    serve(prog_name="python -m newskg.serve")
