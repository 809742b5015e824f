"""Benchmark: the example queries of ``src/newskg/queries/`` through ``newskg serve`` on a
store built from a real corpus (the whole BBC corpus: ``newskg build --articles DIR``).

    .venv/bin/python bench/corpus_queries.py --store STORE [--runs 3]

Starts ``newskg serve`` on the store (its defaults, throttling off: every request comes from
this one client), sends each example query ``--runs`` times over HTTP with the JSON results
format, and prints a Markdown table: rows, first and median wall milliseconds per query. Each
run's text ends with its own comment, so the server's answer cache never answers it: every
run is evaluated (the first one cold, the others with the store's pages in memory). Not a
test: the figures go into docs/performance.md, which the README links for the times it
states.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import BIN, example_queries, free_port, machine, wait  # noqa: E402


def ask(port: int, query: str) -> tuple[int, float]:
    """(rows, seconds) of one query over HTTP."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request(
        "POST",
        "/sparql",
        urllib.parse.urlencode({"query": query}),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
        },
    )
    response = connection.getresponse()
    body = response.read()
    connection.close()
    seconds = time.monotonic() - started
    if response.status != 200:
        raise SystemExit(f"HTTP {response.status}: {body[:300]!r}")
    return len(json.loads(body)["results"]["bindings"]), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen(
        [
            BIN / "newskg",
            "serve",
            "--store",
            args.store,
            "--port",
            str(port),
            "--cache-dir",
            tempfile.mkdtemp(prefix="newskg-bench-cache-"),
            "--throttle-query-seconds",
            "0",
            "--client-queries",
            "0",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait(port, "/healthz", server)
        print(f"`{' '.join(sys.argv)}` on {machine()}\n")
        print("| query | rows | first ms | median ms |")
        print("|---|---:|---:|---:|")
        for name, query in example_queries().items():
            timings = [ask(port, f"{query}\n# run {run}") for run in range(args.runs)]
            rows = timings[0][0]
            first = 1000 * timings[0][1]
            median = 1000 * statistics.median(t for _, t in timings)
            print(f"| {name} | {rows} | {first:.0f} | {median:.0f} |")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
