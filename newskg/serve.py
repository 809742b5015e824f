"""Serve the published store with Granian: ``newskg serve`` or ``python -m newskg.serve``.

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

import argparse
import contextlib
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from newskg import remote, settings
from newskg.store import StoreError, published

if TYPE_CHECKING:
    from server.access_log import AccessLog

THREADS = 4  # per worker: enough that one slow query does not block quick ones
CONFIG_ENV = "NEWSKG_SERVE_CONFIG"  # path of the settings file the workers read
GRACEFUL_SECONDS = 10  # a stopping worker finishes its requests for this long, then is killed


def worker_app() -> AccessLog:
    """Granian's app factory, called in each worker after the fork."""
    from server import create_app
    from server.access_log import AccessLog

    with open(os.environ[CONFIG_ENV], encoding="utf-8") as file:
        config = json.load(file)
    _forget_dead_workers()
    return AccessLog(create_app(config))


def granian_server(config: Mapping[str, Any]) -> Any:
    """The Granian server for resolved settings ``config`` (not started)."""
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces

    return Granian(
        "newskg.serve:worker_app", factory=True, interface=Interfaces.WSGI,
        address=str(config["HOST"]).strip("[]"), port=int(config["PORT"]),
        workers=int(config["WORKERS"]), blocking_threads=THREADS,
        http=HTTPModes.http1, websockets=False,
        log_access=False,  # server.access_log writes it, for a fraction of the cost
        respawn_failed_workers=True,  # a worker that dies is replaced
        workers_kill_timeout=GRACEFUL_SECONDS,
    )


def check_published(store_dir: str) -> None:
    """Fail before starting the server when there is nothing to serve.

    Only the ``current`` link is checked: opening RocksDB here, before the fork, would start
    its background threads in the master, which forked workers must not inherit."""
    version = published(store_dir)
    if version is None:
        raise StoreError(
            f"no published dataset in {store_dir}: run `newskg build --store {store_dir}` first"
        )
    if not version.path.is_dir():
        raise StoreError(
            f"{store_dir}/current points to {version.path}, which does not exist; "
            f"rebuild with `newskg build --store {store_dir}`"
        )


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

    with contextlib.suppress(OSError):
        for name in os.listdir(directory):
            if (match := _LIVE_FILE.fullmatch(name)) and not _alive(int(match[1])):
                multiprocess.mark_process_dead(int(match[1]), directory)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, as another user's
    return True


def run(config: Mapping[str, Any]) -> None:
    """Serve until stopped (SIGINT/SIGTERM). ``config`` maps setting keys (``STORE``,
    ``HOST``, ``PORT``, ``WORKERS`` …) to values; missing ones take their defaults."""
    resolved = settings.resolve(config)
    if remote.is_remote(str(resolved["STORE"])):
        remote.open_published(str(resolved["STORE"]), resolved)  # reachable and published
    else:
        check_published(str(resolved["STORE"]))
    metrics_dir = _prepare_metrics_dir()
    # Owner-only, like the store: it holds the ingest token and remote credentials.
    fd, config_path = tempfile.mkstemp(prefix="newskg-serve-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(dict(resolved), file, default=str)
        os.environ[CONFIG_ENV] = config_path
        granian_server(resolved).serve()
    finally:
        os.environ.pop(CONFIG_ENV, None)
        with contextlib.suppress(OSError):
            os.unlink(config_path)
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m newskg.serve``: the same as ``newskg serve`` without the CLI."""
    parser = argparse.ArgumentParser(
        prog="python -m newskg.serve", description=__doc__.splitlines()[0]
    )
    for name in ("store", "host", "port", "workers", "query_timeout", "max_rows",
                 "max_query_bytes", "cors_origins", "cache_dir", "cache_bytes",
                 "throttle_query_seconds", "throttle_window", "trusted_proxies",
                 "ingest_token", "ingest_max_bytes"):
        setting = settings.BY_NAME[name]
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(setting.default),
                            help=setting.help)
    args = parser.parse_args(argv)
    config = {name.upper(): value for name, value in vars(args).items() if value is not None}
    try:
        run(config)
    except StoreError as exc:
        print(f"newskg serve: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
