"""Slow bodies and connections per address behind the shipped proxy (issue 11): eight
connections sending a POST body one byte a second held every web thread of a bare server
(Granian has no body-read timeout; ``/healthz`` unanswered for 60 s), and one address could
open connections without bound (1,100 idle ones stopped a bare 2-worker server accepting).
Replayed through ``deploy/haproxy.cfg`` in front of a live server: HAProxy receives headers
and body under one deadline (``timeout http-request``, 2 s here), so a trickled body is cut
off with 408 however fast it trickles and newskg never sees it; and it counts every
connection of an address, idle ones included (8 here before 429, 16 before a refusal),
while another address is served."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.issues.probe import HealthProbe
from tests.ops.proxy import (
    CONNECTIONS,
    HARD_LIMIT,
    REQUEST_TIMEOUT,
    Proxied,
)
from tests.ops.raw_http import exchange

pytestmark = pytest.mark.slow

BODY = b"query=ASK%20%7B%20%7D"  # a complete form body: ASK { } (21 bytes: 21 s at 1 byte/s)


def connect(base: str, source: str) -> socket.socket:
    host, port = base.removeprefix("http://").rsplit(":", 1)
    return socket.create_connection((host, int(port)), timeout=10, source_address=(source, 0))


def post_headers(base: str, source: str) -> socket.socket:
    """A connection from ``source`` that has sent the headers of a form POST of ``BODY``."""
    sock = connect(base, source)
    sock.sendall(
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: %d\r\n\r\n" % len(BODY)
    )
    return sock


def posts_received(log: Path) -> list[str]:
    """The ``POST /sparql`` lines of newskg's access log."""
    return re.findall(r'"POST /sparql HTTP/1.1" \d+ .*', log.read_text())


def answered(sock: socket.socket) -> bool:
    """Whether the proxy has replied on ``sock`` or closed it (without waiting)."""
    try:
        sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except BlockingIOError:
        return False
    except ConnectionResetError:
        pass
    return True


def trickle(socks: list[socket.socket]) -> list[bytes]:
    """Send ``BODY`` a byte a second on each of ``socks`` until each is answered; each
    connection's reply, read to its close (empty if the body was sent whole unanswered)."""
    done = [False] * len(socks)
    for sent in range(len(BODY)):
        for index, sock in enumerate(socks):
            if not done[index]:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    sock.sendall(BODY[sent : sent + 1])
        time.sleep(1)
        done = [done[index] or answered(sock) for index, sock in enumerate(socks)]
        if all(done):
            break
    return [read_all(sock) if answered else b"" for sock, answered in zip(socks, done, strict=True)]


def read_all(sock: socket.socket) -> bytes:
    received = bytearray()
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    return bytes(received)


def test_a_trickled_body_is_cut_off_at_the_deadline(
    behind_proxy: Callable[..., Proxied], store_dir: Path
) -> None:  # noqa: F811
    proxied = behind_proxy("--store", store_dir, "--workers", "1")
    started = time.monotonic()
    with post_headers(proxied.proxy, "127.0.0.2") as sock:
        [reply] = trickle([sock])
    waited = time.monotonic() - started
    print(
        f"body trickled at 1 byte/s: 408 after {waited:.2f} s "
        f"(timeout http-request {REQUEST_TIMEOUT} s)"
    )
    assert reply.startswith(b"HTTP/1.1 408 "), reply
    error = json.loads(reply.partition(b"\r\n\r\n")[2])["error"]
    assert error["status"] == 408 and error["hint"]
    # Cut off at the deadline (plus the test's one-second steps), not after the 21 s the
    # whole body would have taken.
    assert REQUEST_TIMEOUT - 0.5 < waited < REQUEST_TIMEOUT + 3
    deadline = time.monotonic() + 5  # HAProxy logs the request once its stream is freed
    while " 408 " not in proxied.proxy_log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert '"POST /sparql HTTP/1.1"' in proxied.proxy_log.read_text()
    assert " 408 " in proxied.proxy_log.read_text()
    assert posts_received(proxied.server_log) == []  # newskg never saw it


def test_trickled_bodies_never_hold_the_server(
    behind_proxy: Callable[..., Proxied],
    store_dir: Path,
) -> None:
    proxied = behind_proxy("--store", store_dir, "--workers", "2")
    with ExitStack() as stack, HealthProbe(proxied.proxy) as probe:
        trickles = [
            stack.enter_context(post_headers(proxied.proxy, "127.0.0.2"))
            for _ in range(CONNECTIONS)
        ]
        replies = trickle(trickles)
    print(
        f"/healthz through the proxy, worst latency during {CONNECTIONS} trickles: "
        f"{probe.worst:.3f} s"
    )
    assert all(reply.startswith(b"HTTP/1.1 408 ") for reply in replies), replies
    assert posts_received(proxied.server_log) == []
    assert probe.worst < 1.5  # was unanswered for 60 s on a bare server


def test_connections_per_address_are_bounded_idle_ones_included(
    behind_proxy: Callable[..., Proxied], store_dir: Path
) -> None:  # noqa: F811
    proxied = behind_proxy("--store", store_dir, "--workers", "1")
    attacker, other = "127.0.0.2", "127.0.0.3"
    with ExitStack() as stack:
        # Idle connections: no request on them, nothing for newskg to see, all counted.
        # (All of this runs well within the 2 s HAProxy gives a connection to send one.)
        for _ in range(CONNECTIONS):
            stack.enter_context(connect(proxied.proxy, attacker))
        time.sleep(0.2)  # accepted and counted by HAProxy
        refused = exchange(proxied.proxy, "GET", "/healthz", source=attacker, timeout=5)
        assert refused.status == 429, refused.body
        assert refused.header("Retry-After") == "1"
        assert "too many connections" in json.loads(refused.body)["error"]["message"]
        for _ in range(HARD_LIMIT - CONNECTIONS):
            stack.enter_context(connect(proxied.proxy, attacker))
        time.sleep(0.2)
        # One more is closed at once, before any HTTP: a flood gets no further.
        try:
            with connect(proxied.proxy, attacker) as extra:
                extra.settimeout(1)
                closed = extra.recv(1) == b""
        except ConnectionResetError:
            closed = True
        except TimeoutError:
            closed = False
        assert closed, "a connection over the hard limit was kept open"
        assert exchange(proxied.proxy, "GET", "/healthz", source=other, timeout=5).status == 200
    time.sleep(0.5)  # the attacker's connections closed: its count is back to zero
    assert exchange(proxied.proxy, "GET", "/healthz", source=attacker, timeout=5).status == 200


def test_idle_connections_are_closed_at_the_deadline(
    behind_proxy: Callable[..., Proxied], store_dir: Path
) -> None:  # noqa: F811
    proxied = behind_proxy("--store", store_dir, "--workers", "1")
    with connect(proxied.proxy, "127.0.0.2") as idle:
        started = time.monotonic()
        reply = read_all(idle)
        waited = time.monotonic() - started
    print(f"a connection that sent nothing closed after {waited:.2f} s")
    assert REQUEST_TIMEOUT - 0.5 < waited < REQUEST_TIMEOUT + 3, reply
