"""Benchmark: newskg serve against oxigraph serve-read-only on the same data, same machine.

    .venv/bin/python bench/run.py [--copies 760] [--seconds 20] [--clients 8]

1. Builds the bundled corpus with ``newskg build`` and scales its graph up by copying it
   ``--copies`` times (default 760) with distinct IRIs (``…/id/actor/x`` ->
   ``…/id/actor/x-c17``), to over a million triples shaped like our data; publishes that as
   a newskg store version.
2. Starts ``newskg serve`` (gunicorn, 2 workers) and ``oxigraph serve-read-only
   --union-default-graph`` on that same store directory.
3. Drives both with the same concurrent query mix (the example queries in ``queries/`` plus
   point lookups of single resources), once with queries that repeat (as on a public
   endpoint) and once with queries that never repeat; prints throughput, median and p99
   latency side by side and their ratio.
4. Measures newskg's median overhead per request against in-process pyoxigraph: 300
   distinct point lookups, one at a time, over HTTP versus ``Store.query`` + serialisation.

Not a test: it prints figures for the README's performance section.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import pyoxigraph

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ACCEPT = "application/sparql-results+json"
# Analytical example queries take tens of seconds at a million triples when 8 run at once on
# 2 cores: a client waits for them rather than counting them as failures.
CLIENT_TIMEOUT = 900


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_scaled(work: Path, copies: int) -> tuple[Path, list[str]]:
    """A newskg store whose published version holds ``copies`` renamed copies of the corpus
    graph; returns the store directory and the entity IRIs (for point lookups)."""
    from newskg import store

    target = work / "store"
    entities_file = work / "entities.json"
    if store.published(target) is not None and entities_file.exists():  # kept from --keep
        print(f"reusing the scaled store in {target}")
        return target, json.loads(entities_file.read_text())
    corpus = work / "corpus"
    subprocess.run([BIN / "newskg", "build", "--articles", ROOT / "articles", "--store", corpus,
                    "--quiet"], check=True, stdout=subprocess.DEVNULL)
    _, source = store.open_published(corpus)
    quads = list(source)
    ids = re.compile(r"^(http://localhost:8000/(?:id|graph)/.+)$")

    def rename(term: object, k: int) -> object:
        if isinstance(term, pyoxigraph.NamedNode) and ids.match(term.value):
            return pyoxigraph.NamedNode(f"{term.value}-c{k}")
        return term

    nquads = work / "scaled.nq"
    entities: list[str] = []
    with nquads.open("wb") as out:
        for k in range(copies):
            renamed = [pyoxigraph.Quad(rename(q.subject, k), rename(q.predicate, k),
                                       rename(q.object, k), rename(q.graph_name, k))
                       for q in quads]
            pyoxigraph.serialize(renamed, out, pyoxigraph.RdfFormat.N_QUADS)
            entities += [q.subject.value for q in renamed
                         if q.predicate.value.endswith("#type") and "/id/" in q.subject.value
                         and "/span/" not in q.subject.value]
    with store.writing(target) as writer:
        writer.store.bulk_load(path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS)
        triples = len(writer.store)
        version = writer.finish(f"{copies:08x}", {"triples": triples, "copies": copies,
                                                  "base_iri": "http://localhost:8000/"})
    store.publish(target, version)
    entities_file.write_text(json.dumps(sorted(set(entities))))
    print(f"scaled store: {triples:,} quads ({copies} copies of {len(quads)}), "
          f"{sum(f.stat().st_size for f in version.path.rglob('*')) / 2**20:.0f} MiB")
    return target, sorted(set(entities))


def example_queries() -> list[str]:
    return [p.read_text("utf-8") for p in sorted((ROOT / "queries").glob("*.rq"))]


def lookup(iri: str) -> str:
    return f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"


def mix(examples: list[str], entities: list[str], repeat: bool, n: int, seed: int) -> list[str]:
    """``n`` queries: half example queries, half point lookups. Repeating: drawn from a fixed
    set of 20 lookups; never repeating: each lookup a new resource and each example made
    unique by a comment (so no cache can answer it)."""
    rng = random.Random(seed)
    fixed = rng.sample(entities, 20)
    queries = []
    for i in range(n):
        if i % 2 and examples:
            query = examples[(i // 2) % len(examples)]
            queries.append(query if repeat else f"{query}\n# {seed}-{i}")
        else:
            queries.append(lookup(rng.choice(fixed) if repeat else rng.choice(entities)))
    return queries


def client(port: int, path: str, queries: list[str], seconds: float, out: multiprocessing.Queue
           ) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    latencies, failures = [], 0
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        body = urllib.parse.urlencode({"query": queries[i % len(queries)]})
        i += 1
        started = time.perf_counter()
        try:
            connection.request("POST", path, body, {
                "Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT})
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except OSError:  # a client time-out or a dropped connection: count it, go on
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
            ok = False
        latencies.append(time.perf_counter() - started)
        failures += not ok
    out.put((latencies, failures))


def drive(port: int, path: str, queries_per_client: list[list[str]], seconds: float
          ) -> dict[str, float]:
    out: multiprocessing.Queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=client, args=(port, path, q, seconds, out))
             for q in queries_per_client]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    latencies = sorted(x for lat, _ in results for x in lat)
    return {"rps": len(latencies) / seconds,
            "median_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
            "failures": sum(f for _, f in results)}


def wait(port: int, path: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server on {port} exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on {port} did not start")


def overhead(port: int, store_path: Path, queries: list[str]) -> float:
    """Median over requests of (newskg HTTP latency - in-process pyoxigraph time)."""
    local = pyoxigraph.Store.read_only(str(store_path))
    differences = []
    for query in queries:
        started = time.perf_counter()
        solutions = local.query(query, use_default_graph_as_union=True)
        solutions.serialize(format=pyoxigraph.QueryResultsFormat.JSON)
        inside = time.perf_counter() - started
        body = urllib.parse.urlencode({"query": query + "\n# overhead"})
        # A connection of its own: gunicorn closes one left idle while the query ran here.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.connect()
        started = time.perf_counter()
        connection.request("POST", "/sparql", body, {
            "Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT})
        connection.getresponse().read()
        differences.append(time.perf_counter() - started - inside)
        connection.close()
    return 1000 * statistics.median(differences)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=760,
                        help="copies of the corpus graph (760: over a million distinct triples)")
    parser.add_argument("--seconds", type=float, default=20, help="duration of each run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--query-timeout", type=float, default=600,
                        help="newskg's time limit: high, so that both servers answer everything")
    parser.add_argument("--keep", type=Path, help="work directory to keep (default: temporary)")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="newskg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    store_dir, entities = build_scaled(work, args.copies)
    from newskg import store

    version = store.published(store_dir)
    assert version is not None
    examples = example_queries()
    ports = {"newskg": free_port(), "oxigraph": free_port()}
    servers = {
        "newskg": subprocess.Popen(
            [BIN / "newskg", "serve", "--store", store_dir, "--port", str(ports["newskg"]),
             "--workers", "2", "--query-timeout", str(args.query_timeout)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True),
        "oxigraph": subprocess.Popen(
            [BIN / "oxigraph", "serve-read-only", "--location", version.path,
             "--bind", f"127.0.0.1:{ports['oxigraph']}", "--union-default-graph"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True),
    }
    paths = {"newskg": "/sparql", "oxigraph": "/query"}
    try:
        for name, process in servers.items():
            wait(ports[name], paths[name] if name == "oxigraph" else "/healthz", process)
        figures: dict[str, dict[str, dict[str, float]]] = {}
        for label, repeat in (("repeating", True), ("never repeating", False)):
            figures[label] = {}
            for name in servers:
                # The same queries for both servers; seeds differ between the two mixes so
                # that no never-repeating query was seen in the repeating run.
                per_client = [mix(examples, entities, repeat, 2000, seed=c + 1000 * (not repeat))
                              for c in range(args.clients)]
                figures[label][name] = drive(ports[name], paths[name], per_client, args.seconds)
        report(figures, args, len(examples))
        # Per-request overhead is what the lookups measure; on a query that runs for seconds it
        # is lost in the noise (and measuring those one by one would take an hour).
        sample = [lookup(iri) for iri in random.Random(99).sample(entities, 300)]
        median_overhead = overhead(ports["newskg"], version.path, sample)
    finally:
        for process in servers.values():
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(f"newskg median overhead per request vs in-process pyoxigraph: {median_overhead:.2f} ms")
    print(json.dumps({"figures": figures, "overhead_ms": median_overhead}))


def report(figures: dict[str, dict[str, dict[str, float]]], args: argparse.Namespace,
           examples: int) -> None:
    print(f"\n{args.clients} clients, {args.seconds:g} s each, {examples} example queries "
          f"+ point lookups, {os.cpu_count()} cores")
    print(f"{'mix':<16} {'server':<9} {'req/s':>8} {'median ms':>10} {'p99 ms':>8} {'failed':>7}")
    for label, by_server in figures.items():
        for name, f in by_server.items():
            print(f"{label:<16} {name:<9} {f['rps']:>8.1f} {f['median_ms']:>10.2f} "
                  f"{f['p99_ms']:>8.2f} {f['failures']:>7.0f}")
        ratio = by_server["newskg"]["rps"] / by_server["oxigraph"]["rps"]
        print(f"{label:<16} {'ratio':<9} {ratio:>8.2f}x throughput (newskg / oxigraph)",
              flush=True)


if __name__ == "__main__":
    main()
