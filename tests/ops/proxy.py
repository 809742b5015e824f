"""The shipped ``deploy/haproxy.cfg`` run for real, as an unprivileged instance on a free port,
in front of a ``newskg serve`` started by ``start_server``.

The test config is the shipped file with only what a test must change replaced: the port,
the upstream, the log (to stdout, kept in a file), ``user``, ``maxconn``, and three limits
made small so the tests are quick (``timeout http-request`` 2 s, 8 connections per address
before 429, 16 before a TCP refusal). Each replacement must match exactly one line of the
shipped file, so a change to its shape fails here rather than testing a config nobody ships.
Skipped, saying so, where ``haproxy`` is not installed.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port, stop_group

SHIPPED = ROOT / "deploy" / "haproxy.cfg"
REQUEST_TIMEOUT = 2  # s: the test's timeout http-request, headers and body (shipped: 10 s)
CONNECTIONS = 8  # connections per address before 429 (shipped: 32)
HARD_LIMIT = 16  # connections per address before a TCP refusal (shipped: 64)


@dataclass(frozen=True)
class Proxied:
    proxy: str  # http://127.0.0.1:PORT of HAProxy
    server: str  # the newskg server's own base URL
    server_log: Path  # its stderr: Granian's access log, a line per request it received
    proxy_log: Path  # HAProxy's log (httplog format, a line per request or refusal)


def proxy_config(upstream_port: int, port: int) -> str:
    """``deploy/haproxy.cfg`` for an instance listening on 127.0.0.1:``port`` in front of
    127.0.0.1:``upstream_port``, logging to its stdout."""
    text = SHIPPED.read_text()
    for pattern, new in [
        (r"^    log /dev/log local0$", "    log stdout format raw local0"),
        (r"^    user haproxy$", ""),  # an unprivileged test cannot switch user
        (r"^    group haproxy$", ""),
        # Two descriptors per connection: 16384 needs more than an unprivileged test may open.
        (r"^    maxconn 16384 ", "    maxconn 4096 "),
        (r"^    bind :80$", f"    bind 127.0.0.1:{port}"),
        (r"^    server newskg 127\.0\.0\.1:8000$", f"    server newskg 127.0.0.1:{upstream_port}"),
        (r"^    timeout http-request 10s$", f"    timeout http-request {REQUEST_TIMEOUT}s"),
        (r"\{ sc0_conn_cur gt 64 \}$", f"{{ sc0_conn_cur gt {HARD_LIMIT} }}"),
        (r"\{ sc0_conn_cur gt 32 \}$", f"{{ sc0_conn_cur gt {CONNECTIONS} }}"),
    ]:
        text, count = re.subn(pattern, new, text, flags=re.MULTILINE)
        assert count == 1, f"deploy/haproxy.cfg no longer has one line matching {pattern!r}"
    return text


@contextmanager
def running_haproxy(upstream: str, workdir: Path) -> Iterator[tuple[str, Path]]:
    """HAProxy (``-db``: foreground, its own process group) in front of ``upstream`` until the
    block ends; yields its base URL and log once it accepts connections."""
    haproxy = shutil.which("haproxy") or next(
        (path for path in ("/usr/sbin/haproxy", "/sbin/haproxy") if os.access(path, os.X_OK)), None
    )
    if haproxy is None:
        pytest.skip(
            "haproxy is not installed (apt-get install haproxy): the "
            "deploy/haproxy.cfg tests need a real HAProxy"
        )
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = workdir / "haproxy.cfg"
    config.write_text(proxy_config(int(upstream.rsplit(":", 1)[1]), port))
    log = workdir / "haproxy.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [haproxy, "-f", str(config), "-db"],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                pytest.fail(f"haproxy exited with {process.returncode}: {log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("haproxy did not listen within 10 s")
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", log
    finally:
        stop_group(process, grace=10)


@pytest.fixture
def behind_proxy(
    start_server: Callable[..., str], tmp_path: Path
) -> Iterator[Callable[..., Proxied]]:
    """``behind_proxy(*serve_args)``: ``newskg serve *serve_args --trusted-proxies 127.0.0.1``
    behind the shipped HAProxy config; both stopped after the test."""
    with ExitStack() as stack:

        def start(*args: str | Path) -> Proxied:
            server = start_server("newskg.serve", *args, "--trusted-proxies", "127.0.0.1")
            port = server.rsplit(":", 1)[1]
            proxy, log = stack.enter_context(running_haproxy(server, tmp_path / f"haproxy-{port}"))
            return Proxied(proxy, server, tmp_path / f"server-{port}.log", log)

        yield start
