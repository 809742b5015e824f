"""Idle connections (issue 11): 1,024 kept-alive connections from one client stopped a
2-worker server from accepting any other (Granian serves ``backlog / workers`` = 512
connections per worker by default; the rest wait unaccepted), and idle ones were never
closed. Replayed against a live server: ``--idle-timeout`` closes idle connections (kept
alive after a request, never used, or with half-sent headers), and 1,100 idle connections
leave ``/healthz`` answering (``--max-connections``, default 16,384)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.ops.raw_http import exchange

pytestmark = pytest.mark.slow


def closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes ``sock`` within ``seconds`` (what it sent first is read)."""
    sock.settimeout(seconds)
    try:
        while sock.recv(65536):
            pass
    except TimeoutError:
        return False
    return True


def test_idle_connections_are_closed(start_server: Callable[..., str], store_dir: Path) -> None:
    base = start_server(
        "newskg.serve", "--store", store_dir, "--workers", "1", "--idle-timeout", "1"
    )
    host, port = base.removeprefix("http://").rsplit(":", 1)
    with ExitStack() as stack:

        def connect() -> socket.socket:
            return stack.enter_context(socket.create_connection((host, int(port))))

        never_used, kept_alive, half_headers = connect(), connect(), connect()
        kept_alive.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        half_headers.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        for sock in (never_used, kept_alive, half_headers):
            assert closed_within(sock, 5)
        assert time.monotonic() - started < 5  # closed after about 1 s, not kept for ever


def test_a_thousand_idle_connections_leave_room(
    start_server: Callable[..., str], store_dir: Path
) -> None:
    base = start_server("newskg.serve", "--store", store_dir, "--workers", "2")
    host, port = base.removeprefix("http://").rsplit(":", 1)
    with ExitStack() as stack:
        for _ in range(1100):
            sock = stack.enter_context(socket.create_connection((host, int(port))))
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")  # then kept alive
        started = time.monotonic()
        reply = exchange(base, "GET", "/healthz", timeout=30)
        latency = time.monotonic() - started
    assert reply.status == 200
    print(f"/healthz with 1,100 idle connections open: {latency:.3f} s")
    assert latency < 1.0  # was never answered (connections were no longer accepted)
