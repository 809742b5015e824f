"""Serve the published store with gunicorn: ``newskg serve`` or ``python -m newskg.serve``.

Gunicorn forks WORKERS processes; each builds its own app with ``create_app(config)`` after
the fork (no preload) and so opens the store read-only itself: RocksDB handles and its
background threads must not be shared across a fork. Workers use the ``gthread`` class so a
slow query holds one thread, not the whole worker.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from typing import Any

from gunicorn.app.base import BaseApplication

from newskg import remote, settings
from newskg.store import StoreError, published

THREADS = 4  # per worker: enough that one slow query does not block quick ones


class NewskgServer(BaseApplication):
    """Gunicorn configured from newskg settings instead of gunicorn's own command line."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = dict(config)
        super().__init__()

    def load_config(self) -> None:
        cfg = self.config
        options = {
            "bind": f"{_bind_host(cfg['HOST'])}:{cfg['PORT']}",
            "workers": cfg["WORKERS"],
            "worker_class": "gthread",
            "threads": THREADS,
            "preload_app": False,
            "accesslog": "-",  # stdout
            "errorlog": "-",  # stderr
            # gthread heartbeats from the worker's main loop, so this only catches a worker
            # that is truly stuck, not a slow query.
            "timeout": 60,
            "graceful_timeout": 10,
            # gunicorn >= 25 opens a control socket at one per-user path; two servers (or a
            # test run next to a dev server) would fight over it, and we do not use it.
            "control_socket_disable": True,
            "proc_name": "newskg",
            # The longest request line gunicorn allows (its default is 4094 bytes), so GET
            # queries of a few KiB work; longer ones go by POST (the app answers 413 past
            # MAX_QUERY_BYTES).
            "limit_request_line": 8190,
            "child_exit": _child_exit,
        }
        for key, value in options.items():
            if key in self.cfg.settings:  # tolerate gunicorn versions without a setting
                self.cfg.set(key, value)

    def load(self) -> Any:
        from server import create_app  # in the worker, after the fork

        return create_app(self.config)


def _bind_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def check_published(store_dir: str) -> None:
    """Fail before starting gunicorn when there is nothing to serve.

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


def _child_exit(_server: Any, worker: Any) -> None:
    """Gunicorn hook: a dead worker's live gauges (queries in flight) stop counting."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def run(config: Mapping[str, Any]) -> None:
    """Serve until stopped (SIGINT/SIGTERM). ``config`` maps setting keys (``STORE``,
    ``HOST``, ``PORT``, ``WORKERS`` …) to values; missing ones take their defaults."""
    resolved = settings.resolve(config)
    if remote.is_remote(str(resolved["STORE"])):
        remote.open_published(str(resolved["STORE"]), resolved)  # reachable and published
    else:
        check_published(str(resolved["STORE"]))
    metrics_dir = _prepare_metrics_dir()
    try:
        NewskgServer(resolved).run()
    finally:
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
