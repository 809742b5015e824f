"""``deploy/haproxy.cfg`` (the proxy docs/operations.md prescribes for what Granian cannot bound)
run for real in front of a live server: big answers stream through it whole, the throttle
sees each client behind it, idle connections stay with HAProxy, bodies up to the buffer pass
and larger ones are refused in newskg's error shape. Slow bodies and connections per address:
``tests/issues/test_slow_body_behind_proxy.py``."""

from __future__ import annotations

import http.client
import json
import socket
import statistics
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.issues.probe import HealthProbe
from tests.ops.proxy import Proxied, running_haproxy
from tests.ops.raw_http import Reply, exchange
from tests.ops.test_throttle_live import SLOW

pytestmark = pytest.mark.slow


def ask(base: str, query: str, source: str) -> Reply:
    return exchange(
        base,
        "GET",
        "/sparql?query=" + urllib.parse.quote(query),
        {"Accept": "application/json"},
        source=source,
        timeout=30,
    )


def test_a_big_answer_streams_through_whole(
    behind_proxy: Callable[..., Proxied],
    store_dir: Path,
) -> None:
    proxied = behind_proxy("--store", store_dir, "--workers", "1", "--max-rows", "2000000")
    # 100 strings of about 40 characters: a million rows of three make over 100 MiB of TSV.
    values = " ".join(f'"value {i:03d} of a hundred, long enough to add up"' for i in range(100))
    query = (
        f"SELECT ?a ?b ?c WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} "
        f"VALUES ?c {{ {values} }} }}"
    )
    request = urllib.request.Request(  # a 15 KB request line: a long GET query
        f"{proxied.proxy}/sparql?{urllib.parse.urlencode({'query': query})}",
        headers={"Accept": "text/tab-separated-values"},
    )
    lines = size = 0
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 200
        length = int(response.headers["Content-Length"])  # newskg's, passed on
        first = time.monotonic() - started
        while chunk := response.read(1 << 20):
            lines += chunk.count(b"\n")
            size += len(chunk)
    print(
        f"{size / 2**20:.0f} MiB through HAProxy in {time.monotonic() - started:.1f} s, "
        f"headers after {first:.2f} s"
    )
    assert lines == 1_000_001 and size == length > 100 * 2**20  # every row, complete


def test_the_throttle_sees_each_client_behind_the_proxy(
    behind_proxy: Callable[..., Proxied], store_dir: Path
) -> None:  # noqa: F811
    proxied = behind_proxy(
        "--store", store_dir, "--workers", "2", "--client-queries", "1", "--query-timeout", "3"
    )
    busy, other = "127.0.0.2", "127.0.0.3"  # both reach newskg from HAProxy's 127.0.0.1
    slow: list[Reply] = []
    running = threading.Thread(target=lambda: slow.append(ask(proxied.proxy, SLOW, busy)))
    running.start()
    try:
        time.sleep(1)  # the slow query is in flight: the busy client's one place is taken
        refused = ask(proxied.proxy, "ASK { ?s ?p ?o } # busy", busy)
        served = ask(proxied.proxy, "ASK { ?s ?p ?o } # other", other)
    finally:
        running.join()
    assert refused.status == 429, refused.body
    assert "at once" in json.loads(refused.body)["error"]["message"]
    assert served.status == 200, served.body  # another address is another client
    assert slow[0].status == 503  # the slow one ran into --query-timeout


def test_idle_connections_stay_with_haproxy(
    behind_proxy: Callable[..., Proxied],
    store_dir: Path,
) -> None:
    proxied = behind_proxy("--store", store_dir, "--workers", "2")
    port = int(proxied.proxy.rsplit(":", 1)[1])
    # 1,100 idle connections (they stopped a bare 2-worker Granian accepting any), from 100
    # addresses so each stays under the per-address limits; HAProxy holds them without a
    # request, so they reach no thread (and closes them after timeout http-request).
    sources = [f"127.0.1.{n}" for n in range(1, 101)]
    with ExitStack() as stack, HealthProbe(proxied.proxy) as probe:
        for index in range(1100):
            stack.enter_context(
                socket.create_connection(
                    ("127.0.0.1", port), timeout=5, source_address=(sources[index % 100], 0)
                )
            )
        served = exchange(proxied.proxy, "GET", "/healthz", source="127.0.0.2", timeout=5)
    print(f"/healthz through the proxy with 1,100 idle connections open: worst {probe.worst:.3f} s")
    assert served.status == 200
    assert probe.worst < 1.5


def test_bodies_up_to_the_buffer_pass_and_larger_ones_are_refused(
    behind_proxy: Callable[..., Proxied], store_dir: Path
) -> None:  # noqa: F811
    proxied = behind_proxy("--store", store_dir, "--workers", "1")
    sparql = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    # The largest query newskg accepts (100 KiB), percent-encoded: a 300 KiB form body,
    # buffered whole by HAProxy and answered by newskg.
    body = b"query=ASK%7B%7D" + b"%20" * (102400 - len("ASK{}"))
    assert len(body) == 300 * 1024
    query = exchange(proxied.proxy, "POST", "/sparql", sparql, body=body, source="127.0.0.2")
    assert query.status == 200, query.body
    assert json.loads(query.body)["boolean"] is True
    # Over newskg's form limit (316 KiB): refused by HAProxy, before newskg, in the shape.
    public = exchange(
        proxied.proxy, "POST", "/sparql", sparql, body=b"x" * (323584 + 1), source="127.0.0.2"
    )
    assert public.status == 413, public.body
    error = json.loads(public.body)["error"]
    assert error["status"] == 413 and "316 KiB" in error["message"] and error["hint"]
    # A body without a length might outgrow the buffer (and so its deadline): 411.
    chunked = exchange(
        proxied.proxy,
        "POST",
        "/sparql",
        {**sparql, "Transfer-Encoding": "chunked"},
        body=b"f\r\nquery=ASK%7B%7D\r\n0\r\n\r\n",
        source="127.0.0.2",
    )
    assert chunked.status == 411 and json.loads(chunked.body)["error"]["hint"]
    # newskg saw the one query it answered, not the refused bodies.
    assert proxied.server_log.read_text().count('"POST /sparql HTTP/1.1"') == 1
    # The ingest API takes up to --ingest-max-bytes (6 MiB): one byte more is refused alike,
    # and it is open only to the hosts listed in the config (here 127.0.0.1).
    ingest = exchange(
        proxied.proxy,
        "POST",
        "/api/articles",
        {"Content-Type": "text/plain"},
        body=b"x" * (6 * 2**20 + 1),
        source="127.0.0.2",
    )
    assert ingest.status == 413 and "6 MiB" in json.loads(ingest.body)["error"]["message"]
    stranger = exchange(
        proxied.proxy,
        "POST",
        "/api/articles",
        {"Content-Type": "text/plain"},
        body=b"an article",
        source="127.0.0.2",
    )
    assert stranger.status == 403, stranger.body
    assert "ingest_host" in json.loads(stranger.body)["error"]["hint"]
    listed = exchange(
        proxied.proxy,
        "POST",
        "/api/articles",
        {"Content-Type": "text/plain"},
        body=b"an article",
        source="127.0.0.1",
    )
    # newskg's own answer: this test server has no ingest token.
    assert listed.status == 404 and "ingest API is off" in listed.body.decode()


def median_healthz(base: str, count: int = 500) -> float:
    """The median seconds of ``count`` ``/healthz`` requests on one kept-alive connection."""
    host, port = base.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    times = []
    try:
        for _ in range(count):
            started = time.perf_counter()
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            times.append(time.perf_counter() - started)
            assert response.status == 200
    finally:
        connection.close()
    return statistics.median(times)


def test_the_cost_per_request_through_haproxy(
    behind_proxy: Callable[..., Proxied],
    store_dir: Path,
) -> None:
    proxied = behind_proxy("--store", store_dir, "--workers", "1")
    direct, through = median_healthz(proxied.server), median_healthz(proxied.proxy)
    print(
        f"/healthz median on a kept-alive connection: {direct * 1000:.2f} ms direct, "
        f"{through * 1000:.2f} ms through HAProxy"
    )
    assert through < direct + 0.05  # generous: a proxy hop costs a fraction of a millisecond


def test_haproxy_answers_in_the_error_shape_when_newskg_is_down(tmp_path: Path) -> None:
    with running_haproxy(f"http://127.0.0.1:{free_port()}", tmp_path / "haproxy") as (proxy, _):
        reply = exchange(proxy, "GET", "/healthz", timeout=30)
    assert reply.status == 503, reply.body
    error = json.loads(reply.body)["error"]
    assert error["status"] == 503 and "not answering" in error["message"]
    assert reply.header("Retry-After") == "5"
