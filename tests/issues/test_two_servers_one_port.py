"""Two servers on one port (issue 11): a second ``newskg serve`` on a port in use started
without error (Granian binds with SO_REUSEPORT) and the kernel split the requests between
the two servers and their store versions. Replayed with the real command: the second one
exits 2 with a clear message, and so does a server whose port another program holds."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.ops.raw_http import exchange

pytestmark = pytest.mark.slow


def serve(store_dir: Path, port: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "newskg.cli",
            "serve",
            "--store",
            str(store_dir),
            "--host",
            "127.0.0.1",
            "--port",
            port,
            "--workers",
            "1",
            "--cache-dir",
            str(tmp_path / "cache-second"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_a_second_server_on_the_port_exits_2(
    start_server: Callable[..., str], store_dir: Path, tmp_path: Path
) -> None:
    base = start_server("newskg.cli", "serve", "--store", store_dir, "--workers", "1")
    port = base.rsplit(":", 1)[1]
    second = serve(store_dir, port, tmp_path)
    assert second.returncode == 2, second.stderr
    assert f"127.0.0.1:{port}" in second.stderr and "--port" in second.stderr
    assert exchange(base, "GET", "/healthz").status == 200  # the first one serves on


def test_a_port_another_program_holds_exits_2(store_dir: Path, tmp_path: Path) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = str(other.getsockname()[1])
        result = serve(store_dir, port, tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Address already in use" in result.stderr and "--port" in result.stderr
