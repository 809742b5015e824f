"""Slow bodies (issue 11): eight connections sending a POST body one byte every few seconds
held all eight web threads of a 2-worker server (Granian 2.8.7 calls the app when the
headers are in, and has no body-read timeout): ``/healthz`` went unanswered for 60 s.
Replayed against a live server: one client receives at most ``--client-queries`` bodies at
once (429 at once beyond), a worker receives at most 3 at once (503 at once beyond), so a
web thread stays free and ``/healthz`` answers while the bodies trickle."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from tests.issues.probe import HealthProbe

pytestmark = pytest.mark.slow


@contextmanager
def trickling(base: str, sources: list[str]) -> Iterator[list[socket.socket]]:
    """One connection per source, each having sent the headers of a 1,000-byte form POST and
    one byte of it; closed when the block ends."""
    host, port = base.removeprefix("http://").rsplit(":", 1)
    with ExitStack() as stack:
        connections = []
        for source in sources:
            sock = stack.enter_context(
                socket.create_connection((host, int(port)), timeout=10, source_address=(source, 0))
            )
            sock.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 1000\r\n\r\nq"
            )
            connections.append(sock)
        yield connections


def status_of(sock: socket.socket, timeout: float) -> int | None:
    """The status of the reply on ``sock`` within ``timeout`` s, or None (still reading)."""
    sock.settimeout(timeout)
    try:
        head = sock.recv(64)
    except TimeoutError:
        return None
    return int(head.split(b" ")[1]) if head else None


def test_one_client_trickling_eight_bodies(
    start_server: Callable[..., str], store_dir: Path
) -> None:
    base = start_server("newskg.serve", "--store", store_dir, "--workers", "2")
    with trickling(base, ["127.0.0.9"] * 8) as connections, HealthProbe(base) as probe:
        time.sleep(3)  # the attack as it runs: bodies trickle, /healthz is asked meanwhile
        statuses = [status_of(sock, 1) for sock in connections]
    assert sorted(statuses, key=str) == [429] * 6 + [None] * 2, statuses
    print(f"/healthz worst latency during the attack: {probe.worst:.3f} s")
    assert probe.worst < 1.5  # was unanswered for 60 s


def test_many_clients_trickling_bodies(start_server: Callable[..., str], store_dir: Path) -> None:
    base = start_server("newskg.serve", "--store", store_dir, "--workers", "2")
    sources = [f"127.0.2.{n}" for n in range(1, 13)]
    with trickling(base, sources) as connections, HealthProbe(base) as probe:
        time.sleep(3)
        statuses = [status_of(sock, 1) for sock in connections]
    # 2 workers receive 3 bodies each; the others are refused at once, not left waiting.
    assert statuses.count(None) <= 6, statuses
    assert set(statuses) <= {None, 503}, statuses
    print(f"/healthz worst latency during the attack: {probe.worst:.3f} s")
    assert probe.worst < 1.5
