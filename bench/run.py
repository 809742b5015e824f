"""Benchmark: newskg serve against oxigraph serve-read-only on the same data, same machine.

    .venv/bin/python bench/run.py [--copies 760] [--seconds 120] [--clients 8] [--keep DIR]
    .venv/bin/python bench/run.py --only-queries [--keep DIR]

1. Builds the bundled corpus with ``newskg build`` and scales its graph up by copying it
   ``--copies`` times (default 760) with distinct IRIs (``…/id/actor/x`` ->
   ``…/id/actor/x-c17``), to over a million triples shaped like our data; publishes that as
   a newskg store version. ``--keep DIR`` keeps it (and reuses it next time).
2. Starts ``newskg serve`` (Granian, 2 workers, throttling off: every client comes from one
   address) and ``oxigraph serve-read-only --union-default-graph`` on that same version.
3. Checks that both servers give the same answers (row counts) to every example query and
   to a sample of point lookups, which also warms both.
4. Drives both with the same concurrent mix (``--clients`` processes, ``--seconds`` per
   phase): each client goes round the example queries of ``queries/`` (each client starting
   at a different one), with ``--lookups`` point lookups of single resources
   (``SELECT ?p ?o WHERE { <iri> ?p ?o }``) after each example. Two phases:
   *repeating*: the examples as they are and lookups drawn from 20 resources, as on a public
   endpoint where the same questions come back; *never repeating*: every request's text is
   new (each example gets a unique trailing comment, each lookup a resource not asked for
   before, or a comment once they run out), so no cache anywhere can reuse an answer.
   Prints throughput, median and p99 latency per server and their ratio.
5. Measures each server's median overhead per request against in-process pyoxigraph: 300
   distinct point lookups, each first run once untimed on both sides (warm caches on both),
   then timed in this process (``Store.query`` + JSON serialisation), then sent one at a
   time, back to back over one keep-alive connection. newskg's endpoint answers those in its
   web worker (``src/newskg/sparql/lookup.py``), and the same lookups sorted (``ORDER BY``);
   the same lookups with a ``FILTER`` are measured too, since they take a query process as
   other queries do: the difference with plain lookups is the query-process hand-off.

``--only-queries`` skips the servers: it times each example query in-process on the scaled
store (each in a fresh process, so one does not warm the next's caches more than the disk
cache does), wall and CPU seconds, with its row count.

Ends with a Markdown summary to paste into docs/performance.md. Not a test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
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
# Analytical example queries take seconds at a million triples when 8 run at once on 2
# cores: a client waits for them rather than counting them as failures.
CLIENT_TIMEOUT = 900
REPEATING_LOOKUPS = 20  # resources the repeating mix's lookups are drawn from
CHECK_LOOKUPS = 20  # point lookups whose answers are compared between the servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_scaled(work: Path, copies: int) -> tuple[Path, list[str]]:
    """A newskg store whose published version holds ``copies`` renamed copies of the corpus
    graph; returns the store directory and the entity IRIs (for point lookups)."""
    from newskg.backends import versions as store

    target = work / "store"
    entities_file = work / "entities.json"
    if store.published(target) is not None and entities_file.exists():  # kept from --keep
        print(f"reusing the scaled store in {target}")
        return target, json.loads(entities_file.read_text())
    corpus = work / "corpus"
    subprocess.run(
        [BIN / "newskg", "build", "--articles", ROOT / "articles", "--store", corpus, "--quiet"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
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
            renamed = [
                pyoxigraph.Quad(
                    rename(q.subject, k),
                    rename(q.predicate, k),
                    rename(q.object, k),
                    rename(q.graph_name, k),
                )
                for q in quads
            ]
            pyoxigraph.serialize(renamed, out, pyoxigraph.RdfFormat.N_QUADS)
            entities += [
                q.subject.value
                for q in renamed
                if q.predicate.value.endswith("#type")
                and "/id/" in q.subject.value
                and "/span/" not in q.subject.value
            ]
    with store.writing(target) as writer:
        writer.store.bulk_load(path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS)
        triples = len(writer.store)
        version = writer.finish(
            f"{copies:08x}",
            {"triples": triples, "copies": copies, "base_iri": "http://localhost:8000/"},
        )
    store.publish(target, version)
    nquads.unlink()
    entities_file.write_text(json.dumps(sorted(set(entities))))
    print(f"scaled store: {triples:,} quads ({copies} copies of {len(quads)})")
    return target, sorted(set(entities))


def example_queries() -> dict[str, str]:
    return {
        p.stem: p.read_text("utf-8")
        for p in sorted((ROOT / "src" / "newskg" / "queries").glob("*.rq"))
    }


def lookup(iri: str) -> str:
    return f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"


def filtered(iri: str) -> str:
    """A point lookup with a FILTER: the same rows, but no longer a lookup's shape, so newskg
    sends it to a query process."""
    return f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o FILTER(!isBlank(?o)) }}"


POINT = "point lookups"
THROUGH = "the same with a FILTER, through a query process"


def hand_off(overheads: dict[str, dict[str, float]]) -> float:
    """newskg's cost of a query process: the overhead of a query that takes one less that of
    a point lookup answered in the web worker (the same HTTP and endpoint work)."""
    return overheads[THROUGH]["newskg"] - overheads[POINT]["newskg"]


# --- the mix ---------------------------------------------------------------------------------


def mix(
    examples: list[str],
    entities: list[str],
    repeat: bool,
    client: int,
    clients: int,
    lookups: int,
    rounds: int,
    seed: int,
) -> list[str]:
    """One client's queries: ``rounds`` times round the examples (starting at the client's
    own), each followed by ``lookups`` point lookups. Never repeating: each example made
    unique by a comment, each lookup a resource no earlier request asked for (clients draw
    disjoint slices of one shuffled list), then unique by a comment when they run out."""
    rng = random.Random(seed)
    fixed = random.Random(seed ^ 0x5EED).sample(entities, REPEATING_LOOKUPS)
    fresh = list(entities)
    random.Random(seed).shuffle(fresh)
    queries, drawn = [], 0
    for i in range(rounds * len(examples)):
        example = examples[(client + i) % len(examples)]
        queries.append(example if repeat else f"{example}\n# seed {seed}, client {client}, #{i}")
        for _ in range(lookups):
            if repeat:
                queries.append(lookup(rng.choice(fixed)))
                continue
            # Client c takes every clients-th entity from offset c: disjoint between clients;
            # the comment keeps the text apart from the other phase's and later laps'.
            index = drawn * clients + client
            queries.append(f"{lookup(fresh[index % len(fresh)])} # fresh {index // len(fresh)}")
            drawn += 1
    return queries


def client(
    port: int, path: str, queries: list[str], seconds: float, out: multiprocessing.Queue
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
            connection.request(
                "POST",
                path,
                body,
                {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT},
            )
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except OSError:  # a client time-out or a dropped connection: count it, go on
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
            ok = False
        latencies.append(time.perf_counter() - started)
        failures += not ok
    out.put((latencies, failures, i > len(queries)))


def cpu_seconds(group: int) -> float:
    """CPU seconds used so far by the processes of process group ``group`` (a server and
    its workers and query processes, with the children they reaped)."""
    ticks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:
            ticks += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def drive(
    port: int, path: str, queries_per_client: list[list[str]], seconds: float, group: int
) -> dict[str, float]:
    """Run every client for ``seconds``; throughput counts every answered request over the
    time until the last client's last answer (a long query may end after the deadline).
    Also counts the server's CPU seconds: on a shared machine, requests per CPU second
    compare the servers' work where wall-clock throughput also measures the neighbours."""
    out: multiprocessing.Queue = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(target=client, args=(port, path, q, seconds, out))
        for q in queries_per_client
    ]
    cpu = cpu_seconds(group)
    started = time.monotonic()
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    elapsed = time.monotonic() - started
    cpu = cpu_seconds(group) - cpu
    for p in procs:
        p.join()
    if any(wrapped for _, _, wrapped in results):
        print(
            "  warning: a client ran out of queries and started over (a cache could "
            "answer the repeats); raise the mix size",
            flush=True,
        )
    latencies = sorted(x for lat, _, _ in results for x in lat)
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "cpu_seconds": cpu,
        "per_cpu_second": len(latencies) / max(cpu, 1e-9),
        "median_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "failures": sum(f for _, f, _ in results),
    }


# --- servers ---------------------------------------------------------------------------------


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


def ask(port: int, path: str, query: str) -> int | None:
    """The number of rows a server answers ``query`` with (None: not a 200)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    connection.request(
        "POST",
        path,
        urllib.parse.urlencode({"query": query}),
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT},
    )
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != 200:
        return None
    return len(json.loads(body)["results"]["bindings"])


def check_answers(
    ports: dict[str, int], paths: dict[str, str], queries: dict[str, str]
) -> list[str]:
    """Ask both servers every query; the names of those whose row counts differ."""
    differ = []
    for name, query in queries.items():
        counts = {server: ask(ports[server], paths[server], query) for server in ports}
        if len(set(counts.values())) != 1 or None in counts.values():
            differ.append(f"{name}: {counts}")
    return differ


def overhead(port: int, store_path: Path, queries: list[str], path: str = "/sparql") -> float:
    """Median over requests of (HTTP latency - in-process pyoxigraph time) of each query.

    Every query is first run once untimed on both sides (in-process, and by the server with
    another trailing comment, so no answer cache can serve the timed request), so the timed
    runs find the same warm caches and the difference is the server's own cost, not which
    side read the data first. Then all in-process times are taken; then the requests go back
    to back over one keep-alive connection, as a client of a public endpoint sends them (a
    fresh connection per request would add the TCP handshake to every figure). ``path`` is
    the server's query path: ``/sparql`` for newskg, ``/query`` for ``oxigraph
    serve-read-only``, so the engine's own server can be measured the same way."""
    local = pyoxigraph.Store.read_only(str(store_path))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def ask(query: str) -> float:
        body = urllib.parse.urlencode({"query": query})
        started = time.perf_counter()
        connection.request("POST", path, body, headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"overhead: {path} on {port} answered {response.status}")
        return time.perf_counter() - started

    def inside(query: str) -> float:
        started = time.perf_counter()
        solutions = local.query(query, use_default_graph_as_union=True)
        solutions.serialize(format=pyoxigraph.QueryResultsFormat.JSON)
        return time.perf_counter() - started

    try:
        for query in queries:  # warm-up, untimed
            inside(query)
            ask(query + "\n# warm-up")
        local_times = [inside(query) for query in queries]
        differences = [
            ask(query + "\n# overhead") - spent
            for query, spent in zip(queries, local_times, strict=True)
        ]
    finally:
        connection.close()
    return 1000 * statistics.median(differences)


# --- in-process timing of the examples -------------------------------------------------------


def _time_one(path: str, query: str, out: multiprocessing.Queue) -> None:
    store = pyoxigraph.Store.read_only(path)
    started, cpu = time.perf_counter(), time.process_time()
    solutions = store.query(query, use_default_graph_as_union=True)
    rows = 0
    for solution in solutions:
        tuple(solution)
        rows += 1
    out.put((time.perf_counter() - started, time.process_time() - cpu, rows))


def time_examples(
    path: Path, examples: dict[str, str], timeout: float
) -> dict[str, tuple[float, float, int] | None]:
    """(wall s, CPU s, rows) per example, each in a fresh process; None past ``timeout``."""
    timings: dict[str, tuple[float, float, int] | None] = {}
    for name, query in examples.items():
        out: multiprocessing.Queue = multiprocessing.Queue()
        process = multiprocessing.Process(target=_time_one, args=(str(path), query, out))
        process.start()
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join()
            timings[name] = None
        else:
            timings[name] = out.get()
        shown = timings[name]
        print(
            f"  {name:<32} "
            + (
                f"{shown[0]:7.2f} s wall {shown[1]:7.2f} s CPU {shown[2]:7d} rows"
                if shown
                else f"> {timeout:g} s"
            ),
            flush=True,
        )
    return timings


# --- main ------------------------------------------------------------------------------------


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--copies",
        type=int,
        default=760,
        help="copies of the corpus graph (760: over a million distinct triples)",
    )
    parser.add_argument("--seconds", type=float, default=120, help="duration of each phase")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument(
        "--lookups", type=int, default=4, help="point lookups after each example query in the mix"
    )
    parser.add_argument(
        "--query-timeout",
        type=float,
        default=600,
        help="newskg's time limit: high, so that both servers answer everything",
    )
    parser.add_argument("--keep", type=Path, help="work directory to keep (default: temporary)")
    parser.add_argument(
        "--only-queries",
        action="store_true",
        help="only time each example query in-process on the scaled store",
    )
    parser.add_argument(
        "--query-limit",
        type=float,
        default=120,
        help="--only-queries: give up on an example after this many seconds",
    )
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="newskg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        store_dir, entities = build_scaled(work, args.copies)
        from newskg.backends import versions as store

        version = store.published(store_dir)
        assert version is not None
        quads = json.loads(version.summary_path.read_text()).get("triples", 0)
        examples = example_queries()
        if args.only_queries:
            print(f"example queries in-process on {quads:,} quads, one at a time:")
            timings = time_examples(version.path, examples, args.query_limit)
            print(markdown_queries(timings, quads, args.query_limit))
            return
        figures, agree, overheads = run_servers(args, store_dir, version.path, examples, entities)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    for kind, by_server in overheads.items():
        print(
            f"\nmedian overhead per request vs in-process pyoxigraph, {kind}: "
            + ", ".join(f"{name} {ms:.2f} ms" for name, ms in by_server.items())
        )
    print(f"newskg's query-process hand-off (the two differ by it): {hand_off(overheads):.2f} ms")
    print(markdown_summary(figures, args, quads, len(examples), agree, overheads))
    print(json.dumps({"figures": figures, "overhead_ms": overheads}))


def run_servers(
    args: argparse.Namespace,
    store_dir: Path,
    version_path: Path,
    examples: dict[str, str],
    entities: list[str],
) -> tuple[dict[str, dict[str, dict[str, float]]], str, dict[str, dict[str, float]]]:
    ports = {"newskg": free_port(), "oxigraph": free_port()}
    cache_dir = tempfile.mkdtemp(prefix="newskg-bench-cache-")
    servers = {
        "newskg": subprocess.Popen(
            [
                BIN / "newskg",
                "serve",
                "--store",
                store_dir,
                "--port",
                str(ports["newskg"]),
                "--workers",
                "2",
                "--query-timeout",
                str(args.query_timeout),
                "--cache-dir",
                cache_dir,
                "--throttle-query-seconds",
                "0",
                "--client-queries",
                "0",
                "--query-wait",
                str(args.query_timeout),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        ),
        "oxigraph": subprocess.Popen(
            [
                BIN / "oxigraph",
                "serve-read-only",
                "--location",
                version_path,
                "--bind",
                f"127.0.0.1:{ports['oxigraph']}",
                "--union-default-graph",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        ),
    }
    paths = {"newskg": "/sparql", "oxigraph": "/query"}
    try:
        for name, process in servers.items():
            wait(ports[name], paths[name] if name == "oxigraph" else "/healthz", process)
        # Made distinct from the mixes' texts, so that the repeating phase starts cold.
        checked = {name: f"{query}\n# answer check" for name, query in examples.items()}
        for iri in random.Random(7).sample(entities, CHECK_LOOKUPS):
            checked[f"lookup {iri}"] = lookup(iri) + " # answer check"
        print(f"checking that both servers agree on {len(checked)} queries …", flush=True)
        differ = check_answers(ports, paths, checked)
        for line in differ:
            print(f"  rows differ: {line}")
        agree = f"{len(checked) - len(differ)}/{len(checked)}"
        print(f"  same row counts: {agree}", flush=True)
        figures: dict[str, dict[str, dict[str, float]]] = {}
        # Enough rounds that no client runs out within the phase (they cost nothing unused).
        rounds = 600
        for label, repeat in (("repeating", True), ("never repeating", False)):
            figures[label] = {}
            per_client = [
                mix(
                    list(examples.values()),
                    entities,
                    repeat,
                    c,
                    args.clients,
                    args.lookups,
                    rounds,
                    seed=1000 * (not repeat) + 17,
                )
                for c in range(args.clients)
            ]
            for name in servers:  # the same queries for both servers
                print(f"{label}: {name} …", flush=True)
                figures[label][name] = f = drive(
                    ports[name], paths[name], per_client, args.seconds, servers[name].pid
                )
                print(
                    f"  {f['requests']} requests in {f['seconds']:.1f} s: {f['rps']:.1f} "
                    f"req/s, median {f['median_ms']:.2f} ms, p99 {f['p99_ms']:.1f} ms, "
                    f"{f['failures']:.0f} failed; server CPU {f['cpu_seconds']:.1f} s",
                    flush=True,
                )
        # Per-request overhead is what the lookups measure; on a query that runs for seconds
        # it is lost in the noise. newskg answers point lookups, sorted or not, in the web
        # worker; the same lookups with a FILTER go through a query process, as every other
        # query does (the difference with the first line is the hand-off's own cost).
        iris = random.Random(99).sample(entities, 300)
        samples = {
            POINT: [lookup(iri) for iri in iris],
            "the same sorted (ORDER BY ?p ?o)": [lookup(iri) + " ORDER BY ?p ?o" for iri in iris],
            THROUGH: [filtered(iri) for iri in iris],
        }
        overheads = {
            kind: {
                name: overhead(ports[name], version_path, sample, paths[name]) for name in servers
            }
            for kind, sample in samples.items()
        }
    finally:
        for process in servers.values():
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()
        shutil.rmtree(cache_dir, ignore_errors=True)
    return figures, agree, overheads


def markdown_summary(
    figures: dict[str, dict[str, dict[str, float]]],
    args: argparse.Namespace,
    quads: int,
    examples: int,
    agree: str,
    overheads: dict[str, dict[str, float]],
) -> str:
    lines = [
        "",
        f"{quads:,} quads; {machine()}; {args.clients} clients, {args.seconds:g} s per "
        f"phase; mix: {examples} example queries, {args.lookups} point lookups after each; "
        f"same row counts on both servers: {agree}",
        "",
        "| mix | server | requests | req/s | median ms | p99 ms | failed | server CPU s "
        "| req per CPU s | newskg / oxigraph req/s (per CPU s) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, by_server in figures.items():
        new, oxi = by_server["newskg"], by_server["oxigraph"]
        ratio = (
            f"{new['rps'] / oxi['rps']:.2f}x "
            f"({new['per_cpu_second'] / oxi['per_cpu_second']:.2f}x) |"
        )
        for name, f in by_server.items():
            lines.append(
                f"| {label} | {name} | {f['requests']:,} | {f['rps']:,.1f} | "
                f"{f['median_ms']:,.2f} | {f['p99_ms']:,.1f} | {f['failures']:.0f} | "
                f"{f['cpu_seconds']:,.1f} | {f['per_cpu_second']:,.1f} | "
                + (ratio if name == "newskg" else "|")
            )
    lines.append("")
    lines.append(
        "Median overhead per request vs in-process pyoxigraph (300 distinct "
        "resources, one request at a time over one keep-alive connection): "
        + "; ".join(
            f"{kind}: " + ", ".join(f"{name} {ms:.2f} ms" for name, ms in by.items())
            for kind, by in overheads.items()
        )
        + f"; newskg's query-process hand-off: {hand_off(overheads):.2f} ms"
    )
    return "\n".join(lines)


def markdown_queries(
    timings: dict[str, tuple[float, float, int] | None], quads: int, limit: float
) -> str:
    lines = [
        "",
        f"In-process on {quads:,} quads ({machine()}):",
        "",
        "| example | rows | wall s | CPU s |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, timing in timings.items():
        if timing is None:
            lines.append(f"| `{name}` | | > {limit:g} | |")
        else:
            lines.append(f"| `{name}` | {timing[2]:,} | {timing[0]:.2f} | {timing[1]:.2f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
