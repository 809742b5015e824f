"""Limits through a real server: the time limit frees the CPU while other clients are
served, and a million-row answer streams without sitting in the web worker's memory."""

from __future__ import annotations

import os
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

# Six-way cross product of the fixture's 45 quads: ~8 * 10^9 solutions, minutes of work.
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
    "?j ?k ?l . ?m ?n0 ?o . ?p ?q ?r }"
)
TICKS = os.sysconf("SC_CLK_TCK")


def server_processes(store_dir: Path) -> dict[int, str]:
    """pid -> name of the server processes serving ``store_dir`` and all their children."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            table[int(entry.name)] = (int(stat[1]), cmdline)
    roots = {pid for pid, (_, cmd) in table.items() if str(store_dir) in cmd}
    found, changed = set(roots), True
    while changed:
        children = {pid for pid, (ppid, _) in table.items() if ppid in found} - found
        found |= children
        changed = bool(children)
    return {pid: table[pid][1] for pid in found}


def cpu_seconds(pids: set[int]) -> float:
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone: uses no CPU
        total += int(stat[11]) + int(stat[12])  # utime + stime
    return total / TICKS


def get(
    base: str, query: str, accept: str = "application/sparql-results+json", timeout: float = 60
) -> tuple[int, bytes]:
    request = urllib.request.Request(
        f"{base}/sparql?{urllib.parse.urlencode({'query': query})}", headers={"Accept": accept}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_time_limit_frees_the_cpu_and_others_are_served(
    start_server: Callable[..., str], store_dir: Path
) -> None:
    base = start_server(
        "newskg.serve", "--store", store_dir, "--workers", "2", "--query-timeout", "3"
    )
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["status"], outcome["body"] = get(base, RUNAWAY)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)
    # Meanwhile other clients get answers at once (distinct queries: no cache can answer).
    for n in range(10):
        started = time.monotonic()
        status, _ = get(base, f"ASK {{ ?s ?p ?o }} # client {n}")
        assert status == 200 and time.monotonic() - started < 1.0
    thread.join()
    assert outcome["status"] == 503 and b"time limit" in outcome["body"]  # type: ignore[operator]
    assert 3.0 <= outcome["seconds"] < 4.0  # type: ignore[operator]
    # Within a second of the limit the server's processes are idle again.
    time.sleep(0.5)
    pids = set(server_processes(store_dir))
    before = cpu_seconds(pids)
    time.sleep(1.0)
    assert cpu_seconds(pids) - before < 0.2, "the stopped query is still using the CPU"


def peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def test_a_million_rows_stream_without_sitting_in_memory(
    start_server: Callable[..., str], store_dir: Path
) -> None:
    base = start_server(
        "newskg.serve", "--store", store_dir, "--workers", "1", "--max-rows", "2000000"
    )
    assert get(base, "ASK {}")[0] == 200
    workers = [
        pid
        for pid, cmd in server_processes(store_dir).items()
        if "query_worker" not in cmd and pid != min(server_processes(store_dir))
    ]
    peak_before = {pid: peak_rss_kib(pid) for pid in workers}
    # 100 strings of about 40 characters: a million rows of three make over 100 MiB of TSV.
    values = " ".join(f'"value {i:03d} of a hundred, long enough to add up"' for i in range(100))
    query = (
        f"SELECT ?a ?b ?c WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} "
        f"VALUES ?c {{ {values} }} }}"
    )
    request = urllib.request.Request(
        f"{base}/sparql?{urllib.parse.urlencode({'query': query})}",
        headers={"Accept": "text/tab-separated-values"},
    )
    lines = size = 0
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 200
        length = int(response.headers["Content-Length"])
        while chunk := response.read(1 << 20):
            lines += chunk.count(b"\n")
            size += len(chunk)
    assert lines == 1_000_001 and size == length  # the header and every row, complete
    assert size > 100 * 2**20
    growth = max(peak_rss_kib(pid) - peak_before[pid] for pid in workers) * 1024
    assert growth < size / 4, f"a web worker's peak memory grew by {growth} bytes"
