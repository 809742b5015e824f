"""Fixtures for the web server tests: a real ``python -m newskg.serve`` process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30


def free_port() -> int:
    """A port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(store_dir: Path, tmp_path: Path) -> Iterator[str]:
    """Serve ``store_dir`` with gunicorn (2 workers) on a free port; yields the base URL
    (``http://127.0.0.1:PORT``) once ``/healthz`` answers, and stops the server afterwards."""
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    # Settings come from the command line only: NEWSKG_* in the caller's environment must not
    # point the server somewhere else.
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSKG_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "newskg.serve", "--store", str(store_dir),
         "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: master and workers stop together
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process, tmp_path / "server.log")
        yield base
    finally:
        _stop(process)
        log.close()


def _wait_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(f"server did not answer /healthz in {STARTUP_SECONDS} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group (gunicorn stops its workers gracefully), then
    SIGKILL the group if the master has not exited after a while."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
