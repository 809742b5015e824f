"""Per-client throttling (src/newskg/web/http/throttle.py) through a real server (Granian) with a
small
budget, and the shared budgets file on its own: what it costs per request, and that charges
from several processes add up."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from newskg.web.http.budgets import Budgets
from tests.ops.raw_http import Reply, exchange

pytestmark = pytest.mark.slow

# Minutes of work on the mini fixture: stopped at the time limit, so it costs exactly that.
SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
    "?j ?k ?l . ?m ?n0 ?o . ?p ?q ?r }"
)
TIMEOUT = 1.0  # s a query may run
BUDGET, WINDOW = 0.5, 2.0  # s of query time per window: one slow query exceeds it
JSON = {"Accept": "application/json"}


def ask(
    base: str, query: str, source: str | None = None, headers: dict[str, str] | None = None
) -> Reply:
    from urllib.parse import quote

    return exchange(
        base, "GET", "/sparql?query=" + quote(query), {**JSON, **(headers or {})}, source=source
    )


def throttled(base: str) -> float:
    text = exchange(base, "GET", "/metrics").body.decode()
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "newskg_throttled_total"
    )


def test_a_client_over_its_share_gets_429_while_others_are_served(
    start_server: Callable[..., str], store_dir: Path
) -> None:
    base = start_server(
        "newskg.serve",
        "--store",
        store_dir,
        "--workers",
        "2",
        "--query-timeout",
        str(TIMEOUT),
        "--throttle-query-seconds",
        str(BUDGET),
        "--throttle-window",
        str(WINDOW),
    )
    greedy, modest = "127.0.0.2", "127.0.0.3"  # distinct loopback addresses: distinct clients
    first = ask(base, SLOW, source=greedy)
    assert first.status == 503 and "time limit" in first.body.decode()
    refused = ask(base, "ASK { ?s ?p ?o } # greedy", source=greedy)
    assert refused.status == 429, refused.body
    error = json.loads(refused.body)["error"]
    assert error["status"] == 429 and "share of query time" in error["message"]
    assert error["hint"]
    wait = int(refused.header("Retry-After") or "0")
    # Debt ~1 s over a 0.5 s budget draining at 0.25 s/s: back under it in about 2 s.
    assert 1 <= wait <= 3
    # Another client is served meanwhile, and so are the greedy client's pages.
    assert ask(base, "ASK { ?s ?p ?o } # modest", source=modest).status == 200
    assert exchange(base, "GET", "/healthz", source=greedy).status == 200
    assert throttled(base) >= 1
    # After Retry-After (its share recovered) the greedy client is served again.
    time.sleep(wait)
    again = ask(base, "ASK { ?s ?p ?o } # greedy again", source=greedy)
    assert again.status == 200, again.body


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(
    start_server: Callable[..., str], store_dir: Path
) -> None:
    base = start_server(
        "newskg.serve",
        "--store",
        store_dir,
        "--workers",
        "1",
        "--query-timeout",
        str(TIMEOUT),
        "--throttle-query-seconds",
        str(BUDGET),
        "--throttle-window",
        str(WINDOW),
        "--trusted-proxies",
        "127.0.0.1",
    )
    proxy = "127.0.0.1"

    def via_proxy(client: str, query: str) -> Reply:
        return ask(base, query, source=proxy, headers={"X-Forwarded-For": f"6.6.6.6, {client}"})

    assert via_proxy("192.0.2.1", SLOW).status == 503
    assert via_proxy("192.0.2.1", "ASK {} # 1").status == 429
    assert via_proxy("192.0.2.2", "ASK {} # 2").status == 200  # another client, same proxy
    # A client that is not a trusted proxy cannot choose who it is with the header.
    untrusted = "127.0.0.9"
    assert ask(base, SLOW, source=untrusted, headers={"X-Forwarded-For": "192.0.2.3"}).status == 503
    assert (
        ask(base, "ASK {} # 3", source=untrusted, headers={"X-Forwarded-For": "192.0.2.4"}).status
        == 429
    )


def test_throttling_off_never_refuses(start_server: Callable[..., str], store_dir: Path) -> None:
    base = start_server(
        "newskg.serve",
        "--store",
        store_dir,
        "--workers",
        "1",
        "--query-timeout",
        str(TIMEOUT),
        "--throttle-query-seconds",
        "0",
    )
    for n in range(2):
        assert ask(base, f"{SLOW} # {n}").status == 503
    assert ask(base, "ASK {}").status == 200
    assert throttled(base) == 0


def test_budget_bookkeeping_costs_well_under_a_millisecond(tmp_path: Path) -> None:
    budgets = Budgets(tmp_path / "throttle.sqlite3", budget=60, window=60)
    budgets.debt("warm-up")
    rounds = 2000
    started = time.perf_counter()
    for n in range(rounds):
        client = f"10.0.{n % 50}.1"
        budgets.retry_after(client)  # every query request
        budgets.charge(client, 0.01)  # every query the engine ran
    per_request = (time.perf_counter() - started) / rounds
    print(f"throttle check + charge: {per_request * 1e6:.0f} µs per request")
    assert per_request < 0.5e-3


CHARGER = """
import sys, threading
from pathlib import Path
from newskg.web.http.budgets import Budgets
budgets = Budgets(Path(sys.argv[1]), budget=1000, window=1e12)  # drains 1e-9 s per s
def work():
    for _ in range(200):
        budgets.charge("shared", 0.001)
threads = [threading.Thread(target=work) for _ in range(2)]
[t.start() for t in threads]; [t.join() for t in threads]
"""


def test_charges_from_several_processes_and_threads_add_up(tmp_path: Path) -> None:
    path = tmp_path / "throttle.sqlite3"
    Budgets(path, budget=1000, window=1e12).debt("create")
    root = Path(__file__).resolve().parents[2]
    processes = [
        subprocess.Popen([sys.executable, "-c", CHARGER, str(path)], cwd=root) for _ in range(4)
    ]
    assert [p.wait(timeout=120) for p in processes] == [0] * 4
    # 4 processes x 2 threads x 200 charges of 1 ms: none lost to a concurrent write.
    assert Budgets(path, budget=1000, window=1e12).debt("shared") == pytest.approx(1.6, abs=1e-6)


def test_another_workers_charges_count_once_its_row_is_read_again(tmp_path: Path) -> None:
    from newskg.web.http.budgets import FLUSH_SECONDS, REREAD_AFTER

    path = tmp_path / "throttle.sqlite3"
    mine, other = (Budgets(path, budget=10, window=1e12) for _ in range(2))
    now = 1_000_000.0
    assert mine.debt("c", now) == 0.0  # read, and kept for REREAD_AFTER seconds
    other.charge("c", 2 * FLUSH_SECONDS, now)  # enough to be written at once
    assert mine.debt("c", now + REREAD_AFTER / 2) == 0.0  # not read again yet
    later = now + 1.5 * REREAD_AFTER
    assert mine.debt("c", later) == pytest.approx(2 * FLUSH_SECONDS)
    mine.charge("c", 2 * FLUSH_SECONDS, later)  # its own write: seen at once
    assert mine.debt("c", later) == pytest.approx(4 * FLUSH_SECONDS)
