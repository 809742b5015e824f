"""Load test: many clients against a real ``newskg serve`` while a new version is published.

    .venv/bin/python bench/load.py [--clients 32] [--seconds 60] [--publish-at 15]
                                   [--max-requests 100000] [--workers 2] [--json FILE]

1. Builds the bundled corpus (``articles/``) with ``newskg build`` into a temporary store,
   and prepares a changed article set (one article with a paragraph added).
2. Starts ``newskg serve`` on loopback (throttling off) and finds what to ask: the example
   queries of ``queries/``, the browse and linked-data pages, the dump files.
3. Runs ``--clients`` threads, each with its own keep-alive connection, for ``--seconds``
   (or until ``--max-requests``): a mix of example queries (half made unique so the engine
   runs them, half repeating so the answer cache serves them), page views (home, lists,
   search, resource pages in HTML and Turtle) and ``Range`` requests on dump files.
4. At ``--publish-at`` seconds runs ``newskg build`` of the changed set into the same store;
   a watcher notes when ``/healthz`` names the new version.
5. Samples the resident memory of the server's processes (Granian main process, workers, query
   processes, from /proc) after warm-up, midway and at the end.

Prints a table (requests and failures by status, throughput, median and p99 latency, RSS)
and returns the figures (:func:`run`), which ``tests/ops/test_load_live.py`` asserts on.
A failure is any answer other than 200/206/304, except a 503 of a query stopped at the time
limit (documented), and any connection error.
"""

from __future__ import annotations

import argparse
import http.client
import json
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
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from email.message import Message
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
NKG = "https://w3id.org/newskg/ontology#"
OK = {200, 206, 304}
MIX = (("query", 4), ("page", 4), ("dump", 2))  # kind, weight
Say = Callable[[str], None]
ADDED_PARAGRAPH = (
    '\n\n"We will publish every figure tomorrow," said Maria Lindqvist, a '
    "spokeswoman for the Nordic Statistics Office, in Stockholm on Monday.\n"
)


@dataclass
class Sample:
    kind: str
    status: int  # 0: connection error
    seconds: float
    started: float  # since the run began
    note: str = ""


@dataclass
class Figures:
    clients: int
    seconds: float
    requests: int
    failures: dict[str, int]
    statuses: dict[str, int]
    per_kind: dict[str, dict[str, float]]
    throughput: float
    median_ms: float
    p99_ms: float
    rss_mib: dict[str, float]
    old_version: str
    new_version: str
    published_at: float | None  # s into the run when the build finished
    switched_at: float | None  # s into the run when /healthz first named the new version
    etag_changed: bool
    timeouts_503: int
    failure_examples: list[str] = field(default_factory=list)


# --- processes ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat[1])
    found, frontier = [root], [root]
    while frontier:
        children = [pid for pid, ppid in parents.items() if ppid in frontier]
        found += children
        frontier = children
    return found


def rss_mib(root: int) -> float:
    """Resident memory of ``root`` and its descendants (VmRSS), in MiB."""
    total = 0
    for pid in process_tree(root):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def build(articles: Path, store: Path) -> str:
    """``newskg build``; the published version."""
    done = subprocess.run(
        [
            PYTHON,
            "-m",
            "newskg.cli",
            "build",
            "--articles",
            str(articles),
            "--store",
            str(store),
            "--quiet",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode not in (0, 1):
        raise RuntimeError(f"newskg build failed ({done.returncode}):\n{done.stderr}")
    match = re.search(r"published version (\S+):", done.stdout)
    if match is None:
        raise RuntimeError(f"newskg build printed no version:\n{done.stdout}")
    return match.group(1)


def changed_articles(work: Path) -> Path:
    """The corpus with a paragraph added to its first article: a new version with a new
    statement, organization and place."""
    target = work / "articles-changed"
    shutil.copytree(ROOT / "articles", target)
    first = sorted(target.glob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + ADDED_PARAGRAPH, encoding="utf-8")
    return target


class Server:
    """``python -m newskg.serve`` in its own process group, until :meth:`stop`."""

    def __init__(self, store: Path, work: Path, workers: int, extra: list[str]) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = work / f"server-{self.port}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSKG_")}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "newskg.serve",
                    "--store",
                    str(store),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--workers",
                    str(workers),
                    "--cache-dir",
                    str(work / "cache"),
                    *extra,
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited:\n{self.log.read_text()}")
            try:
                if get(self.base, "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def get(base: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


# --- what clients ask --------------------------------------------------------------------------


@dataclass
class Targets:
    queries: list[str]
    pages: list[tuple[str, str]]  # path, Accept
    dumps: list[tuple[str, int]]  # path, size


def discover(base: str) -> Targets:
    queries = [
        p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "src" / "newskg" / "queries").glob("*.rq"))
    ]
    select = (
        f"SELECT DISTINCT ?s WHERE {{ VALUES ?c {{ <{NKG}Actor> <{NKG}Organization> "
        f"<{NKG}Place> <{NKG}Event> <{NKG}Statement> <{NKG}Article> }} ?s a ?c }}"
    )
    status, _, body = get(
        base,
        "/sparql?query=" + urllib.parse.quote(select),
        {"Accept": "application/sparql-results+json"},
    )
    assert status == 200, body
    paths = [
        "/id/" + b["s"]["value"].split("/id/", 1)[1]
        for b in json.loads(body)["results"]["bindings"]
        if "/id/" in b["s"]["value"]
    ]
    pages = [
        (p, "text/html")
        for p in (
            "/",
            "/actors",
            "/organizations",
            "/places",
            "/events",
            "/statements",
            "/memberships",
            "/articles?sort=date",
            "/search?q=al",
            "/ontology",
            "/.well-known/void",
            "/dumps/",
            "/sparql",
        )
    ]
    pages += [(p, "text/html") for p in paths] + [(p, "text/turtle") for p in paths]
    status, _, sums = get(base, "/dumps/SHA256SUMS")
    assert status == 200, sums
    dumps = []
    for line in sums.decode().splitlines():
        name = line.split("  ", 1)[1]
        status, headers, _ = get(base, f"/dumps/{name}", {"Range": "bytes=0-0"})
        assert status == 206, (name, status)
        dumps.append((f"/dumps/{name}", int(headers["Content-Range"].rsplit("/", 1)[1])))
    return Targets(queries, pages, dumps)


class Client(threading.Thread):
    """One client: its own keep-alive connection, requests until the run ends."""

    def __init__(
        self,
        n: int,
        base: str,
        targets: Targets,
        start: float,
        stop: threading.Event,
        budget: list[int],
        samples: list[Sample],
        lock: threading.Lock,
    ) -> None:
        super().__init__(name=f"client-{n}", daemon=True)
        self.n, self.targets, self.start_time, self.stop = n, targets, start, stop
        self.host, port = base.removeprefix("http://").split(":")
        self.port = int(port)
        self.budget, self.samples, self.lock = budget, samples, lock
        self.random = random.Random(n)
        self.connection: http.client.HTTPConnection | None = None
        self.kinds = [kind for kind, weight in MIX for _ in range(weight)]

    def run(self) -> None:
        try:
            self._requests()
        finally:  # the kept-alive connection goes with the client
            if self.connection is not None:
                self.connection.close()

    def _requests(self) -> None:
        count = 0
        while not self.stop.is_set():
            with self.lock:
                if self.budget[0] <= 0:
                    return
                self.budget[0] -= 1
            count += 1
            kind = self.random.choice(self.kinds)
            sample = getattr(self, kind)(count)
            with self.lock:
                self.samples.append(sample)

    def query(self, count: int) -> Sample:
        text = self.random.choice(self.targets.queries)
        if self.random.random() < 0.5:  # unique: the engine runs it, no cache can answer
            text += f"\n# client {self.n} request {count}"
        path = "/sparql?query=" + urllib.parse.quote(text)
        status, _, body, seconds, started = self.request(
            path, {"Accept": "application/sparql-results+json"}
        )
        # A query stopped at the time limit is a documented answer, not a failure.
        note = "timeout" if status == 503 and b"time limit" in body else ""
        return Sample("query", status, seconds, started, note)

    def page(self, count: int) -> Sample:
        path, accept = self.random.choice(self.targets.pages)
        status, _, _, seconds, started = self.request(path, {"Accept": accept})
        return Sample("page", status, seconds, started)

    def dump(self, count: int) -> Sample:
        path, size = self.random.choice(self.targets.dumps)
        first = self.random.randrange(size)
        last = min(size - 1, first + self.random.randrange(1, 256 * 1024))
        status, headers, body, seconds, started = self.request(
            path, {"Range": f"bytes={first}-{last}"}
        )
        note = ""
        if status == 206 and len(body) != last - first + 1:
            status, note = -206, f"{len(body)} bytes for a range of {last - first + 1}"
        return Sample("dump", status, seconds, started, note)

    def request(
        self, path: str, headers: dict[str, str]
    ) -> tuple[int, Message, bytes, float, float]:
        started = time.monotonic()
        for attempt in (1, 2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
                self.connection.request("GET", path, headers=headers)
                response = self.connection.getresponse()
                body = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.connection.close()
                    self.connection = None
                return (
                    response.status,
                    response.headers,
                    body,
                    time.monotonic() - started,
                    started - self.start_time,
                )
            except (http.client.HTTPException, OSError):
                if self.connection is not None:
                    self.connection.close()
                self.connection = None
                # The server may close an idle keep-alive connection as we reuse it; a client
                # retries a GET once on a fresh connection. Twice is a failure.
                if attempt == 2:
                    return 0, {}, b"", time.monotonic() - started, started - self.start_time
        raise AssertionError("unreachable")


# --- the run -----------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def run(
    clients: int = 32,
    seconds: float = 60,
    publish_at: float = 15,
    max_requests: int = 100_000,
    workers: int = 2,
    work: Path | None = None,
    echo: bool = True,
) -> Figures:
    """The whole load test (see the module docstring); returns its figures."""
    own = work is None
    work = Path(tempfile.mkdtemp(prefix="newskg-load-")) if work is None else work
    say: Say = print if echo else (lambda _: None)
    try:
        store = work / "store"
        old_version = build(ROOT / "articles", store)
        changed = changed_articles(work)
        # One address plays all the clients: no per-client bound; queries queue for a query
        # process up to the time limit, as a load of many real clients would.
        server = Server(
            store,
            work,
            workers,
            ["--throttle-query-seconds", "0", "--client-queries", "0", "--query-wait", "30"],
        )
        try:
            return _drive(
                server, store, changed, old_version, clients, seconds, publish_at, max_requests, say
            )
        finally:
            server.stop()
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)


def _drive(
    server: Server,
    store: Path,
    changed: Path,
    old_version: str,
    clients: int,
    seconds: float,
    publish_at: float,
    max_requests: int,
    say: Say,
) -> Figures:
    targets = discover(server.base)
    probe = "/sparql?query=" + urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    etag_before = get(server.base, probe)[1].get("ETag")
    say(
        f"{len(targets.queries)} queries, {len(targets.pages)} pages, {len(targets.dumps)} "
        f"dumps; {clients} clients for {seconds:g} s; publishing at {publish_at:g} s"
    )
    samples: list[Sample] = []
    lock, stop = threading.Lock(), threading.Event()
    budget = [max_requests]
    start = time.monotonic()
    threads = [
        Client(n, server.base, targets, start, stop, budget, samples, lock) for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    rss: dict[str, float] = {}
    events: dict[str, float | str] = {}

    def publish() -> None:
        events["new_version"] = build(changed, store)
        events["published_at"] = time.monotonic() - start

    def watch() -> None:
        # Until the new version is served (also after the clients stop, if the build was slow).
        while time.monotonic() - start < seconds + 600:
            try:
                status, _, body = get(server.base, "/healthz")
                if (
                    status == 200
                    and "new_version" in events
                    and json.loads(body)["version"] == events["new_version"]
                ):
                    events["switched_at"] = time.monotonic() - start
                    return
            except OSError:
                pass
            time.sleep(0.1)

    publisher = threading.Thread(target=publish, daemon=True)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    checkpoints = {"after warm-up": min(10.0, seconds / 4), "middle": seconds / 2}
    while (elapsed := time.monotonic() - start) < seconds and any(t.is_alive() for t in threads):
        if elapsed >= publish_at and publisher.ident is None:
            publisher.start()
        for name, at in list(checkpoints.items()):
            if elapsed >= at:
                rss[name] = rss_mib(server.process.pid)
                del checkpoints[name]
        time.sleep(0.2)
    rss["end"] = rss_mib(server.process.pid)
    stop.set()
    for thread in threads:
        thread.join(timeout=180)
    duration = time.monotonic() - start
    if publisher.ident is not None:
        publisher.join(timeout=600)
    watcher.join(timeout=10)
    etag_after = get(server.base, probe)[1].get("ETag")
    return _figures(
        samples, clients, duration, rss, old_version, events, etag_before != etag_after, say
    )


def _figures(
    samples: list[Sample],
    clients: int,
    duration: float,
    rss: dict[str, float],
    old_version: str,
    events: dict[str, float | str],
    etag_changed: bool,
    say: Say,
) -> Figures:
    statuses = Counter(str(s.status) for s in samples)
    failed = [s for s in samples if s.status not in OK and s.note != "timeout"]
    failures = Counter("connection error" if s.status == 0 else str(s.status) for s in failed)
    latencies = [s.seconds for s in samples if s.status in OK]
    per_kind = {}
    for kind, _ in MIX:
        mine = [s.seconds for s in samples if s.kind == kind and s.status in OK]
        per_kind[kind] = {
            "requests": sum(1 for s in samples if s.kind == kind),
            "median_ms": 1000 * statistics.median(mine) if mine else 0.0,
            "p99_ms": 1000 * percentile(mine, 0.99),
        }
    figures = Figures(
        clients=clients,
        seconds=round(duration, 1),
        requests=len(samples),
        failures=dict(failures),
        statuses=dict(statuses),
        per_kind=per_kind,
        throughput=len(samples) / duration,
        median_ms=1000 * statistics.median(latencies) if latencies else 0.0,
        p99_ms=1000 * percentile(latencies, 0.99),
        rss_mib=rss,
        old_version=old_version,
        new_version=str(events.get("new_version", "")),
        published_at=events.get("published_at"),  # type: ignore[arg-type]
        switched_at=events.get("switched_at"),  # type: ignore[arg-type]
        etag_changed=etag_changed,
        timeouts_503=sum(1 for s in samples if s.note == "timeout"),
        failure_examples=[
            f"{s.kind} {s.status} at {s.started:.1f} s {s.note}" for s in failed[:10]
        ],
    )
    say(table(figures))
    return figures


def table(f: Figures) -> str:
    rss = ", ".join(f"{name} {value:.0f}" for name, value in f.rss_mib.items())
    failures = ", ".join(f"{k}: {v}" for k, v in f.failures.items()) or "none"
    rows = [
        ("clients / duration", f"{f.clients} / {f.seconds:g} s"),
        (
            "requests",
            f"{f.requests} (by status: "
            f"{', '.join(f'{k} {v}' for k, v in sorted(f.statuses.items()))})",
        ),
        ("failures", failures),
        ("503 at the time limit", str(f.timeouts_503)),
        ("throughput", f"{f.throughput:.0f} req/s"),
        ("latency median / p99", f"{f.median_ms:.0f} ms / {f.p99_ms:.0f} ms"),
        *(
            (
                f"  {kind}",
                f"{v['requests']:.0f} requests, median {v['median_ms']:.0f} ms, "
                f"p99 {v['p99_ms']:.0f} ms",
            )
            for kind, v in f.per_kind.items()
        ),
        ("RSS of all server processes (MiB)", rss),
        (
            "publish",
            f"{f.old_version} -> {f.new_version}: built by "
            f"{f.published_at or 0:.1f} s, served by {f.switched_at or 0:.1f} s; "
            f"ETag changed: {f.etag_changed}",
        ),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--publish-at", type=float, default=15)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    args = parser.parse_args(argv)
    figures = run(args.clients, args.seconds, args.publish_at, args.max_requests, args.workers)
    if args.json:
        args.json.write_text(json.dumps(asdict(figures), indent=2))
    return 1 if figures.failures else 0


if __name__ == "__main__":
    sys.exit(main())
