"""Queries answered by a remote triple store (``--store sparql+http://…``), with the local
rules: :func:`execute`, in place of the query processes of :mod:`newskg.sparql.engine`.

:mod:`newskg.web.endpoint` has already refused SERVICE, LOAD and updates before this is
reached; here no sandbox can stop the remote's own SERVICE, so a query whose text names
SERVICE anywhere is refused too (:func:`refuse_service`); the query is parsed here first (the
same 400 with line and column as locally, and its kind: :func:`query_kind`); the time limit
is the proxied request's deadline (503; the remote may go on running the query, so give it
its own time limit); the remote answers SPARQL JSON results or N-Triples, which are
re-serialised into the format the client negotiated while the rows are counted (more than
``MAX_ROWS`` is 422, never a truncated answer) into an unlinked temporary file, as the local
engine does. A DESCRIBE gets the same context as locally (:mod:`newskg.sparql.describe`),
fetched in a few batched queries.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import IO

import pyoxigraph

from newskg.backends.remote.answers import Body, boolean_answer
from newskg.backends.remote.client import NTRIPLES, RESULTS_JSON, Client
from newskg.backends.remote.errors import RemoteError, RemoteTimeout
from newskg.errors import APIError
from newskg.formats import Format
from newskg.sparql.answers import (
    Answer,
    DatasetSpec,
    Kind,
    NotAcceptable,
    QueryRequest,
    spent,
    too_many_rows,
)
from newskg.sparql.describe import RDFS_LABEL, TooManyRows, Wanted, capped, with_context
from newskg.sparql.lexer import keywords, query_form, words
from newskg.sparql.query_worker import STACK_BYTES
from newskg.sparql.sandbox import names_service
from newskg.sparql.solutions import writer

log = logging.getLogger(__name__)

VALUES_PER_QUERY = 200  # IRIs per DESCRIBE context query: keeps each query text small

_PARSER = pyoxigraph.Store()  # empty: parsing a query here evaluates nothing of substance
# Oxigraph's parser recurses once per nesting level, and a deeply nested query would overflow
# a request thread's stack and crash the web worker (the local engine parses in its query
# processes for the same reason): parsing happens on one thread with a deep stack, made once.
_parsing: ThreadPoolExecutor | None = None


def start_parsing() -> None:
    """Make the parsing thread (once per process) before queries come."""
    global _parsing
    if _parsing is None:
        _parsing = _deep_stack_thread()


def _deep_stack_thread() -> ThreadPoolExecutor | None:
    """One thread with :data:`newskg.sparql.query_worker.STACK_BYTES` of stack (None if the system
    refuses such a stack; parsing then happens on the request's thread, as before)."""
    try:
        previous = threading.stack_size(STACK_BYTES)
    except (RuntimeError, ValueError):
        return None
    try:
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sparql-parse")
        pool.submit(int).result()  # starts the thread now, while the deep stack size holds
        return pool
    except RuntimeError:
        return None
    finally:
        threading.stack_size(previous)


def _parsed_kind(text: str, base_iri: str | None) -> Kind:
    """Parse ``text`` (SyntaxError when it is not SPARQL) and say what it answers."""
    if _parsing is None:
        return _kind_of(text, base_iri)
    return _parsing.submit(_kind_of, text, base_iri).result()


def _kind_of(text: str, base_iri: str | None) -> Kind:
    # pyoxigraph's results must die on the thread that made them: only the kind leaves it.
    results = _PARSER.query(text, base_iri=base_iri)
    return "graph" if isinstance(results, pyoxigraph.QueryTriples) else "solutions"


def query_kind(query: str, base_iri: str | None = None) -> Kind:
    """What the query answers, from parsing it locally (relative IRIs against ``base_iri``):
    the same 400 (line and column) as the local engine. pyoxigraph evaluates an ASK at
    once, even on an empty store, and this process cannot be stopped, so an ASK is parsed
    as the CONSTRUCT with the same pattern."""
    form, start = next(((w, i) for w, i in words(query) if w not in {"PREFIX", "BASE"}), (None, 0))
    text = query if form != "ASK" else query[:start] + ASK_AS + query[start + 3 :]
    try:
        kind = _parsed_kind(text, base_iri)
    except SyntaxError as exc:
        message = str(exc) if form != "ASK" else _unshift(str(exc), query, start)
        raise APIError(
            400,
            f"SPARQL syntax error: {message}",
            "Check the query near the position given (line:column).",
        ) from exc
    return "boolean" if form == "ASK" else kind


ASK_AS = "CONSTRUCT{}"  # the same grammar after the keyword: DatasetClause* WhereClause …
_POSITION = re.compile(r"^error at (\d+):(\d+):")


def _unshift(message: str, query: str, start: int) -> str:
    """An error position in the rewritten ASK, moved back to where it is in ``query``."""
    found = _POSITION.match(message)
    if not found:
        return message
    line, column = int(found[1]), int(found[2])
    ask_line = query.count("\n", 0, start) + 1
    ask_column = start - (query.rfind("\n", 0, start) + 1)
    if line == ask_line and column > ask_column + 3:
        column -= len(ASK_AS) - 3
    return f"error at {line}:{column}:" + message[found.end() :]


def refuse_service(query: str) -> None:
    """400 for a query whose text names SERVICE anywhere, as written or once its codepoint
    escapes are decoded, in any case. The remote store runs the query with its own parser
    and nothing here can take its network away, so no second reading of the grammar is
    trusted: a SERVICE keyword cannot be written without these letters (a word in a string
    or an IRI is refused too; docs/backends.md says so). The store must refuse SERVICE as well."""
    if names_service(query):
        raise APIError(
            400,
            "SERVICE is not allowed: this endpoint never fetches anything from "
            "elsewhere (on this server no query may contain the word SERVICE, even in a "
            "string or an IRI)",
            "Remove the SERVICE clause and query the other endpoint "
            "directly; to match text containing that word, use a regular expression such as "
            '"servic[e]".',
        )


def execute(client: Client, request: QueryRequest) -> Answer:
    """Answer ``request`` from the remote store ``client`` reaches (see the module
    docstring); raises as :meth:`newskg.sparql.engine.Engine.execute` does."""
    query = request.query
    refuse_service(query)
    kind = query_kind(query, request.base_iri)
    fmt = request.graph_format if kind == "graph" else request.results_format
    if fmt is None:
        raise NotAcceptable(kind)
    if request.base_iri and "BASE" not in keywords(query):
        # Relative IRIs resolve against the endpoint's URL, as locally (parsed above with
        # the same base); a query with its own BASE keeps it (Virtuoso refuses two).
        query = f"BASE <{request.base_iri}>\n{query}"
    started = time.monotonic()
    try:
        return _proxy(client, query, request.dataset, kind, fmt, request.timeout, request.max_rows)
    finally:
        spent(time.monotonic() - started)  # charged to the client, as local query time is


def _proxy(
    client: Client,
    query: str,
    dataset: DatasetSpec,
    kind: Kind,
    fmt: Format,
    timeout: float,
    max_rows: int,
) -> Answer:
    deadline = time.monotonic() + timeout
    # The union is the default dataset; the query's own FROM wins over it, as locally, and
    # so does either protocol parameter (protocol 2.1.4: they give the whole dataset).
    given = dataset.default_graphs or dataset.named_graphs
    union = not given and "FROM" not in keywords(query)
    fd, path = tempfile.mkstemp(prefix="newskg-answer-")
    out = os.fdopen(fd, "w+b")
    os.unlink(path)  # gone when the response closes the file
    try:
        response = client.query(
            query,
            union=union,
            default_graphs=dataset.default_graphs,
            named_graphs=dataset.named_graphs,
            accept=NTRIPLES if kind == "graph" else RESULTS_JSON,
            timeout=timeout,
        )
        with response:
            body = Body(response, deadline, timeout)
            rows = _write(
                kind,
                fmt,
                body,
                out,
                max_rows,
                client,
                describe=kind == "graph" and query_form(query) == "DESCRIBE",
                deadline=deadline,
                timeout=timeout,
            )
    except TooManyRows:
        out.close()
        raise too_many_rows(max_rows) from None
    except RemoteError as exc:
        out.close()
        raise _api_error(exc) from exc
    except SyntaxError as exc:  # the remote's answer broke off or is not what it says
        out.close()
        if time.monotonic() >= deadline:
            raise _api_error(RemoteTimeout(timeout)) from exc
        log.warning("unreadable answer from the triple store: %s", exc)
        raise APIError(
            502,
            f"the triple store's answer could not be read ({exc})",
            "It may have stopped the query at its own time limit; see its log.",
        ) from exc
    except BaseException:
        out.close()
        raise
    size = out.tell()
    out.seek(0)
    return Answer(kind, fmt, out, size, rows)


def _api_error(exc: RemoteError) -> APIError:
    headers = {"Retry-After": "1"} if exc.status == 503 else None
    return APIError(exc.status, exc.message, exc.hint, headers=headers)


def _results_format(body: Body) -> pyoxigraph.QueryResultsFormat:
    """The remote was asked for SPARQL JSON; a store that sends XML or TSV is read too."""
    named = pyoxigraph.QueryResultsFormat.from_media_type(body.media_type)
    return named or pyoxigraph.QueryResultsFormat.JSON


def _rdf_format(body: Body) -> pyoxigraph.RdfFormat:
    """The remote was asked for N-Triples; one that sends Turtle or RDF/XML is read too."""
    named = pyoxigraph.RdfFormat.from_media_type(body.media_type)
    return named or pyoxigraph.RdfFormat.N_TRIPLES


def _write(
    kind: Kind,
    fmt: Format,
    body: Body,
    out: IO[bytes],
    max_rows: int,
    client: Client,
    *,
    describe: bool,
    deadline: float,
    timeout: float,
) -> int:
    """Re-serialise the remote's answer into ``fmt``, counting rows; returns the count."""
    if kind == "boolean":
        answer = boolean_answer(pyoxigraph.parse_query_results(body.file, _results_format(body)))
        if answer is None:
            raise SyntaxError("the triple store answered a table to an ASK")
        answer.serialize(out, fmt.results_format)
        return 1
    if kind == "solutions":
        solutions = pyoxigraph.parse_query_results(body.file, _results_format(body))
        if not isinstance(solutions, pyoxigraph.QuerySolutions):
            raise SyntaxError("the triple store answered a boolean to a SELECT")
        variables = [v.value for v in solutions.variables]
        rows = writer(fmt.name, out, variables)
        for solution in capped(solutions, max_rows):
            rows.row([solution[v] for v in variables])
        rows.close()
        return rows.rows
    parsed = pyoxigraph.parse(body.file, _rdf_format(body))
    triples = [quad.triple for quad in capped(parsed, max_rows)]
    if describe:
        triples = with_context(triples, _fetching(client, deadline, timeout), max_rows)
    pyoxigraph.serialize(triples, out, fmt.rdf_format)
    return len(triples)


def _fetching(
    client: Client, deadline: float, timeout: float
) -> Callable[[Wanted], Iterator[pyoxigraph.Triple]]:
    """A DESCRIBE's ``fetch`` (:func:`newskg.sparql.describe.with_context`) from the remote: the
    labels and types of the linked resources, then the evidence spans whole, each in batches
    of ``VALUES_PER_QUERY`` IRIs, within the query's deadline."""

    def fetch(asked: Wanted) -> Iterator[pyoxigraph.Triple]:
        linked = list(dict.fromkeys(node for node, predicate in asked if predicate is not None))
        spans = list(dict.fromkeys(node for node, predicate in asked if predicate is None))
        queries = [
            f"CONSTRUCT {{ ?x {RDFS_LABEL} ?l . ?x a ?t }} WHERE {{ VALUES ?x {{ {values} }} "
            f"{{ ?x {RDFS_LABEL} ?l }} UNION {{ ?x a ?t }} }}"
            for values in _chunks(linked)
        ] + [
            f"CONSTRUCT {{ ?e ?p ?o }} WHERE {{ VALUES ?e {{ {values} }} ?e ?p ?o }}"
            for values in _chunks(spans)
        ]
        for text in queries:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RemoteTimeout(timeout)
            with client.query(text, union=True, accept=NTRIPLES, timeout=left) as response:
                body = Body(response, deadline, timeout)
                for quad in pyoxigraph.parse(body.file, _rdf_format(body)):
                    yield quad.triple

    return fetch


def _chunks(nodes: list[pyoxigraph.NamedNode]) -> list[str]:
    return [
        " ".join(str(n) for n in nodes[i : i + VALUES_PER_QUERY])
        for i in range(0, len(nodes), VALUES_PER_QUERY)
    ]
