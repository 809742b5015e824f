"""A query process: evaluates one SPARQL query at a time for :mod:`newskg.sparql.engine`.

pyoxigraph cannot cancel a running query, so queries run here, in a process of their own that
the web worker kills when the time limit passes; the CPU is free the moment it dies.

Protocol, one JSON object per line: the engine writes a request on stdin
``{"store", "query", "default_graphs", "named_graphs", "formats": {"results", "graph"},
"max_rows", "base_iri", "out", "union", "describe"}`` (``union``: no dataset given and no
FROM in the query; ``describe``: a DESCRIBE query; the engine has the query's words already,
so this process does not lex it), and from the engine's short lane ``"demote_after"``
(seconds, see ``DEMOTED_NICENESS``) and reads one reply on stdout: ``{"ok": true, "kind",
"format", "rows", "size", "inline" | "spilled"}`` (with ``"demoted": true`` when the process
dropped its priority) or ``{"ok": false, "error": "syntax" |
"not_acceptable" | "too_many_rows" | "service" | "sandbox" | "evaluation", "message"}``. An
``inline`` answer's ``size`` bytes follow the reply line on stdout; a larger one (over the
limit given as the first argument) is ``spilled`` to the file ``out``, which this process
creates and the engine removes.

Before it reads a request the process gives up the network (:mod:`newskg.sparql.sandbox`): a query
that reaches a SERVICE fails with EPERM (``"service"``). Where that cannot be arranged it
answers every request ``"sandbox"`` unless started with ``--allow-unsandboxed``. With
``--memory N`` its private memory is capped a little above N (RLIMIT_DATA, a backstop: the
engine stops it at N).

This module must stay light to start: it imports pyoxigraph and nothing of Flask.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import json
import os
import signal
import sys
import threading
from collections.abc import Iterator
from typing import IO, Any, cast

import pyoxigraph

from newskg.sparql import sandbox
from newskg.sparql.describe import TooManyRows, capped, from_store, with_context
from newskg.sparql.solutions import writer

# Oxigraph's parser and evaluator recurse once per nesting level: a few thousand brackets (or
# a long chain of UNIONs or &&s) overflow the main thread's 8 MiB stack and crash the
# process. Queries run on a thread with this much stack instead, which covers anything under
# the default query size limit; it is address space, backed by memory only as deep as used.
STACK_BYTES = 512 * 1024 * 1024
# RLIMIT_DATA counts the query thread's reserved stack and the interpreter's own heap too: the
# ceiling is the bound plus those, so the engine's watchdog, not an abort, is what stops a
# query that grows past the bound.
DATA_MARGIN = STACK_BYTES + 256 * 1024 * 1024
# A connection the seccomp filter refused, as pyoxigraph reports it (EPERM, from the HTTP
# client that a SERVICE uses; nothing else in a query process is refused with EPERM).
REFUSED = "(os error 1)"
EVALUATION_ERRORS = (OSError, RuntimeError, ValueError)
# Query processes run below the web workers' CPU priority: when analytical queries keep every
# core busy, a page, a point lookup (answered in the web worker) or the hand-off of a cheap
# query's answer still gets a core at once instead of waiting for a time slice. Queries lose
# nothing when the web workers are idle. A process cannot raise its priority again: every
# query process starts at this level, and one that drops lower is retired after its query.
NICENESS = 10
# A query sent with ``demote_after`` (the engine's short lane) that runs longer than that
# drops to this, the lowest priority: it then takes only CPU that the regular queries and the
# web worker leave. The reply says ``"demoted": true``, and the engine retires the process.
DEMOTED_NICENESS = 19


class Spool:
    """The answer's bytes: in memory up to ``limit``, then in the file ``path`` (created
    only then, readable by this user alone)."""

    def __init__(self, path: str, limit: int) -> None:
        self.path = path
        self.limit = limit
        self.memory: io.BytesIO | None = io.BytesIO()
        self.file: IO[bytes] | None = None
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.memory is not None:
            if self.size <= self.limit:
                return self.memory.write(data)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            self.file = os.fdopen(fd, "wb")
            self.file.write(self.memory.getbuffer())
            self.memory = None
        assert self.file is not None
        return self.file.write(data)

    def flush(self) -> None:
        if self.file is not None:
            self.file.flush()

    def finish(self) -> bytes | None:
        """The answer when it stayed in memory; None when it is in the file."""
        if self.file is not None:
            self.file.close()
            return None
        assert self.memory is not None
        return self.memory.getvalue()

    def discard(self) -> None:
        if self.file is not None:
            self.file.close()
            os.unlink(self.path)


class Evaluator:
    """Keeps the last store opened (a version is read-only and never changes)."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.store: pyoxigraph.Store | None = None

    def open(self, path: str) -> pyoxigraph.Store:
        if path != self.path or self.store is None:
            self.store = None  # close the old version before opening the new one
            self.store = pyoxigraph.Store.read_only(path)
            self.path = path
        return self.store

    def run(self, request: dict[str, Any], inline_max: int) -> tuple[dict[str, Any], bytes | None]:
        """The reply, and the answer's bytes when they go inline."""
        store = self.open(request["store"])
        query = request["query"]
        kwargs: dict[str, Any] = {"base_iri": request.get("base_iri")}
        defaults, named = request["default_graphs"], request["named_graphs"]
        graphs: list[pyoxigraph.NamedNode] | None = None  # the default graph's; None: all
        if defaults or named:
            # Protocol §2.1.4: the parameters give the whole dataset, in place of the query's
            # FROM / FROM NAMED: one left out is empty (no named graphs for GRAPH ?g, or an
            # empty default graph), not the store's.
            kwargs["default_graph"] = graphs = [pyoxigraph.NamedNode(g) for g in defaults]
            kwargs["named_graphs"] = [pyoxigraph.NamedNode(g) for g in named]
        elif request["union"]:  # no FROM either (the engine read the query's words)
            kwargs["use_default_graph_as_union"] = True
        try:
            results = store.query(query, **kwargs)
        except SyntaxError as exc:
            return {"ok": False, "error": "syntax", "message": str(exc)}, None
        except EVALUATION_ERRORS as exc:
            return _failed(query, exc)
        kind = (
            "graph"
            if isinstance(results, pyoxigraph.QueryTriples)
            else "boolean"
            if isinstance(results, pyoxigraph.QueryBoolean)
            else "solutions"
        )
        name = request["formats"]["graph" if kind == "graph" else "results"]
        if name is None:
            return {"ok": False, "error": "not_acceptable", "kind": kind}, None
        max_rows = request["max_rows"]
        describe = kind == "graph" and request["describe"]
        out = Spool(request["out"], inline_max)
        try:
            # Spool has the write() and flush() that pyoxigraph and the writers call.
            stream = cast(IO[bytes], out)
            rows = self.write(store, results, kind, name, stream, max_rows, describe, graphs)
            inline = out.finish()
        except TooManyRows:
            out.discard()
            return {
                "ok": False,
                "error": "too_many_rows",
                "message": f"the answer has more than {max_rows} rows",
            }, None
        except EVALUATION_ERRORS as exc:
            out.discard()
            return _failed(query, exc)
        reply = {"ok": True, "kind": kind, "format": name, "rows": rows, "size": out.size}
        reply["inline" if inline is not None else "spilled"] = True
        return reply, inline

    def write(
        self,
        store: pyoxigraph.Store,
        results: Any,
        kind: str,
        name: str,
        out: IO[bytes],
        max_rows: int,
        describe: bool,
        graphs: list[pyoxigraph.NamedNode] | None = None,
    ) -> int:
        from newskg.formats import by_name

        if kind == "boolean":
            results.serialize(out, by_name(name).results_format)
            return 1
        if kind == "graph":
            triples = list(capped(results, max_rows))
            if describe:
                triples = with_context(triples, from_store(store, graphs), max_rows)
            pyoxigraph.serialize(triples, out, by_name(name).rdf_format)
            return len(triples)
        variables = [v.value for v in results.variables]
        rows = writer(name, out, variables)
        for solution in capped(results, max_rows):
            rows.row(tuple(solution))  # in the order of the variables; by name is slower
        rows.close()
        return rows.rows


def _failed(query: str, exc: Exception) -> tuple[dict[str, Any], None]:
    """A refused connection, or any failure of a query that names SERVICE (its name lookup,
    refused too, or its URL), is ``"service"``; the engine still tells a damaged store
    first. Anything else is ``"evaluation"``."""
    message = str(exc)
    refused = REFUSED in message or sandbox.names_service(query)
    return {"ok": False, "error": "service" if refused else "evaluation", "message": message}, None


def _die_with_parent() -> None:
    """Linux: be killed when the web worker that started us dies, even mid-query."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # elsewhere, end of stdin still stops us between queries


@contextlib.contextmanager
def _demoted_after(seconds: float | None) -> Iterator[threading.Event]:
    """While the block runs: after ``seconds`` (never when None) this process drops to
    ``DEMOTED_NICENESS``; the event says whether it did."""
    demoted = threading.Event()
    if seconds is None:
        yield demoted
        return

    def demote() -> None:
        # Every thread: on Linux a priority is a thread's, and the query has its own.
        for task in os.listdir("/proc/self/task"):
            with contextlib.suppress(OSError):  # a thread that ended meanwhile
                os.setpriority(os.PRIO_PROCESS, int(task), DEMOTED_NICENESS)
        demoted.set()

    timer = threading.Timer(seconds, demote)
    timer.start()
    try:
        yield demoted
    finally:
        timer.cancel()
        timer.join()


def main(inline_max: int, refusal: str | None = None) -> None:
    """Answer requests until stdin ends; every one with ``refusal`` when it is given."""
    evaluator = Evaluator()
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        inline: bytes | None = None
        try:
            if refusal is not None:
                reply = {"ok": False, "error": "sandbox", "message": refusal}
            else:
                request = json.loads(line)
                evaluator.open(request["store"])  # a fresh process's first: not the query's
                with _demoted_after(request.get("demote_after")) as demoted:
                    reply, inline = evaluator.run(request, inline_max)
                if demoted.is_set():
                    reply["demoted"] = True
        except Exception as exc:  # noqa: BLE001 - report, keep serving the next query
            reply = {"ok": False, "error": "evaluation", "message": f"{type(exc).__name__}: {exc}"}
        # One write for the reply and a small answer: the engine reads them together.
        out.write(json.dumps(reply).encode() + b"\n" + (inline or b""))
        out.flush()


def confine(memory: int, allow_unsandboxed: bool) -> str | None:
    """Give up the network and cap memory; None, or why queries must be refused."""
    if memory > 0:
        sandbox.limit_memory(memory + DATA_MARGIN)
    try:
        sandbox.deny_network()
    except sandbox.SandboxUnavailable as exc:
        if allow_unsandboxed:
            print(f"query process: running WITH network access: {exc}", file=sys.stderr)
            return None
        return (
            f"the query process could not be cut off from the network: {exc}; it runs "
            f"no query rather than one that could reach other hosts. To fix: {sandbox.FIX}"
        )
    return None


def start() -> None:
    """The process: set up in the main thread (the sandbox first, before any request is
    read or any thread started), answer queries on a thread with a deep stack."""
    os.nice(NICENESS)  # first: the rest of start-up is CPU work too
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops us
    args = sys.argv[1:]
    inline_max = int(args[0]) if args and args[0].isdigit() else 0
    memory = int(args[args.index("--memory") + 1]) if "--memory" in args else 0
    refusal = confine(memory, "--allow-unsandboxed" in args)
    try:
        threading.stack_size(STACK_BYTES)
        serving = threading.Thread(target=main, args=(inline_max, refusal), name="queries")
        serving.start()
    except (RuntimeError, ValueError):  # no such stack here (strict overcommit): as before
        threading.stack_size(0)
        main(inline_max, refusal)
        return
    serving.join()


if __name__ == "__main__":
    start()
