"""``newskg serve`` (:mod:`newskg.serve`): Granian's workers, their settings file, and what
happens when a worker dies."""

from __future__ import annotations

import os
import signal
import stat
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from newskg import serve
from tests.web.test_limits_live import server_processes


def test_dead_workers_live_gauges_are_forgotten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker's in-flight gauge file outlives it; the next worker to start marks it dead
    (prometheus_client removes it), and leaves the living ones alone."""
    monkeypatch.setenv(serve.METRICS_ENV, str(tmp_path))
    dead = os.fork()
    if dead == 0:
        os._exit(0)
    os.waitpid(dead, 0)
    for pid in (dead, os.getpid()):
        (tmp_path / f"gauge_livesum_{pid}.db").write_bytes(b"")
    (tmp_path / f"counter_{dead}.db").write_bytes(b"")  # counters are summed, never dropped
    serve._forget_dead_workers()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"gauge_livesum_{os.getpid()}.db", f"counter_{dead}.db"]
    )


def healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def workers(store_dir: Path) -> set[int]:
    """The web workers: the server's processes but its main one and the query processes."""
    processes = server_processes(store_dir)
    return {
        pid for pid, cmd in processes.items() if "query_worker" not in cmd and pid != min(processes)
    }


def test_a_killed_worker_is_replaced(start_server, store_dir: Path, tmp_path: Path) -> None:
    """kill -9 of a web worker: the server keeps answering from the other one, starts a new
    worker, and its settings file stays readable by this user only."""
    base = start_server("newskg.serve", "--store", store_dir, "--workers", "2")
    log_path = next(tmp_path.glob("server-*.log"))
    deadline = time.monotonic() + 30
    while log_path.read_text().count("Started worker-") < 2:  # both serving, not starting
        assert time.monotonic() < deadline, log_path.read_text()
        time.sleep(0.1)
    before = workers(store_dir)
    assert len(before) == 2
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    while time.monotonic() < deadline:
        assert healthy(base) or healthy(base), log_path.read_text()  # one retry: a reset
        now = workers(store_dir)
        if len(now) == 2 and victim not in now:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"no new worker within 30 s: {workers(store_dir)}")
    assert "Respawning worker" in log_path.read_text()
    files = list(Path(tempfile.gettempdir()).glob("newskg-serve-*.json"))
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
