"""Serving a store that lives on an existing triple store (``--store sparql+http://…``).

Two parts, each standing in for its local counterpart:

- :class:`RemotePublishedStore`, in place of :class:`newskg.backends.local.PublishedStore`: the
  published version is the one the remote's version marker names (read at most once per
  ``STORE_CHECK_INTERVAL``), and the store handed to the pages, VoID and dumps is a
  :class:`newskg.backends.remote.RemoteStore`. Values derived from a version are cached per version.
- :func:`execute`, in place of the query process pool of :mod:`newskg.sparql.engine`: the query is
  proxied to the remote with the local rules. :mod:`newskg.web.endpoint` has already refused
  SERVICE, LOAD and updates before this is reached; here no sandbox can stop the remote's own
  SERVICE, so a query whose text names SERVICE anywhere is refused too
  (:func:`refuse_service`); the query is parsed here first (the same
  400 with line and column as locally, and its kind); the time limit is the proxied request's
  deadline (503; the remote may go on running the query, so give it its own time limit); the
  remote answers SPARQL JSON results or N-Triples, which are re-serialised into the format
  the client negotiated while the rows are counted (more than ``MAX_ROWS`` is 422, never a
  truncated answer) into an unlinked temporary file, as the local engine does.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

import pyoxigraph
from flask import Flask, Response, current_app

from newskg.backends import remote
from newskg.backends.remote import RemoteError, RemoteStore, RemoteVersion
from newskg.formats import Format
from newskg.sparql.engine import (
    Answer,
    DatasetSpec,
    Kind,
    NotAcceptable,
    is_describe,
    spent,
    too_many_rows,
)
from newskg.sparql.lexer import keywords, words
from newskg.sparql.query_worker import STACK_BYTES
from newskg.sparql.sandbox import names_service
from newskg.sparql.solutions import writer
from newskg.web.http.errors import APIError, error_response

log = logging.getLogger(__name__)
STORE_EXTENSION = (
    "newskg.backends.versions"  # the key newskg.backends.local keeps the published store under
)

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
NKG_EVIDENCE = "https://w3id.org/newskg/ontology#evidence"
VALUES_PER_QUERY = 200  # IRIs per DESCRIBE context query: keeps each query text small

_PARSER = pyoxigraph.Store()  # empty: parsing a query here evaluates nothing of substance
# Oxigraph's parser recurses once per nesting level, and a deeply nested query would overflow
# a request thread's stack and crash the web worker (the local engine parses in its query
# processes for the same reason): parsing happens on one thread with a deep stack, made once.
_parsing: ThreadPoolExecutor | None = None


class RemotePublishedStore:
    """The version a remote store's marker names, and a :class:`RemoteStore` to read it."""

    def __init__(self, store_setting: str, config: dict[str, Any], check_interval: float) -> None:
        self.client = remote.connect(store_setting, config)
        self.store_setting = store_setting
        # Dumps written by `newskg build` / `newskg dump` for this remote live here.
        self.store_dir = Path(self.client.target.staging)
        self.check_interval = check_interval
        self._lock = threading.Lock()
        self._checked_at = float("-inf")
        self._version: RemoteVersion | None = None
        self._store: RemoteStore | None = None
        self._cache: dict[tuple[str, str], Any] = {}
        self._failure: RemoteError | None = None  # the last marker poll's, until the next

    def get(self) -> tuple[RemoteVersion, RemoteStore]:
        """The published version and its store; 503 when the remote holds none, 502 while
        it cannot be reached (so `/healthz` tells a load balancer to look elsewhere)."""
        now = time.monotonic()
        with self._lock:
            if now - self._checked_at >= self.check_interval or self._store is None:
                self._checked_at = now
                self._failure = None
                try:
                    self._refresh()
                except RemoteError as exc:
                    self._failure = exc
            if self._failure is not None:
                raise self._failure
            if self._version is None or self._store is None:
                raise APIError(
                    503,
                    "no published dataset: the triple store holds no newskg version",
                    f"Publish one with `newskg build --store {self.store_setting}`; this "
                    "server picks it up by itself.",
                    headers={"Retry-After": "10"},
                )
            return self._version, self._store

    def _refresh(self) -> None:
        version = self.client.published()
        if version is None:
            self._version, self._store = None, None
        elif self._version is None or version.id != self._version.id:
            self._version, self._store = version, RemoteStore(self.client, version)
            self._cache = {}

    def cached(self, key: str, compute: Callable[[Any], Any]) -> Any:
        """``compute(store)`` once per published version (see PublishedStore.cached)."""
        version, store = self.get()
        slot = (version.id, key)
        if slot not in self._cache:
            self._cache[slot] = compute(store)
        return self._cache[slot]


def init_app(app: Flask, check_interval: float) -> None:
    """Serve ``app.config["STORE"]``, a remote store; its errors answer in the one shape."""
    global _parsing
    if _parsing is None:
        _parsing = _deep_stack_thread()
    app.extensions[STORE_EXTENSION] = RemotePublishedStore(
        str(app.config["STORE"]), dict(app.config), check_interval
    )
    app.register_error_handler(RemoteError, _handle_remote_error)


def _handle_remote_error(exc: RemoteError) -> Response:
    if exc.status >= 500:
        log.warning("triple store: %s", exc)
    headers = {"Retry-After": "1"} if exc.status == 503 else None
    return error_response(exc.status, exc.message, exc.hint, headers)


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


def _parsed_kind(text: str) -> Kind:
    """Parse ``text`` (SyntaxError when it is not SPARQL) and say what it answers."""
    if _parsing is None:
        return _kind_of(text)
    return _parsing.submit(_kind_of, text).result()


def _kind_of(text: str) -> Kind:
    # pyoxigraph's results must die on the thread that made them: only the kind leaves it.
    results = _PARSER.query(text)
    return "graph" if isinstance(results, pyoxigraph.QueryTriples) else "solutions"


def serving_remote() -> RemotePublishedStore | None:
    """This app's remote store, or None when it serves a local store directory."""
    published = current_app.extensions.get(STORE_EXTENSION)
    return published if isinstance(published, RemotePublishedStore) else None


# --- queries -----------------------------------------------------------------------------------


class TooManyRows(Exception):
    pass


def query_kind(query: str) -> Kind:
    """What the query answers, from parsing it locally: the same 400 (line and column) as
    the local engine. pyoxigraph evaluates an ASK at once, even on an empty store, and this
    process cannot be stopped, so an ASK is parsed as the CONSTRUCT with the same pattern."""
    form, start = next(((w, i) for w, i in words(query) if w not in {"PREFIX", "BASE"}), (None, 0))
    text = query if form != "ASK" else query[:start] + ASK_AS + query[start + 3 :]
    try:
        kind = _parsed_kind(text)
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
    or an IRI is refused too; the README says so). The store must refuse SERVICE as well."""
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


def execute(
    query: str,
    dataset: DatasetSpec,
    *,
    results_format: Format | None,
    graph_format: Format | None,
    timeout: float,
    max_rows: int,
) -> Answer:
    """Answer ``query`` from the remote store (see the module docstring); raises as
    :func:`newskg.sparql.engine.execute` does."""
    published = serving_remote()
    assert published is not None
    refuse_service(query)
    kind = query_kind(query)
    fmt = graph_format if kind == "graph" else results_format
    if fmt is None:
        raise NotAcceptable(kind)
    started = time.monotonic()
    try:
        return _proxy(published, query, dataset, kind, fmt, timeout, max_rows)
    finally:
        spent(time.monotonic() - started)  # charged to the client, as local query time is


def _proxy(
    published: RemotePublishedStore,
    query: str,
    dataset: DatasetSpec,
    kind: Kind,
    fmt: Format,
    timeout: float,
    max_rows: int,
) -> Answer:
    deadline = time.monotonic() + timeout
    # The union is the default dataset; the query's own FROM wins over it, as locally.
    union = not dataset.default_graphs and "FROM" not in keywords(query)
    fd, path = tempfile.mkstemp(prefix="newskg-answer-")
    out = os.fdopen(fd, "w+b")
    os.unlink(path)  # gone when the response closes the file
    try:
        response = published.client.query(
            query,
            union=union,
            default_graphs=dataset.default_graphs,
            named_graphs=dataset.named_graphs,
            accept=remote.NTRIPLES if kind == "graph" else remote.RESULTS_JSON,
            timeout=timeout,
        )
        with response:
            body = remote.Body(response, deadline, timeout)
            rows = _write(
                kind,
                fmt,
                body,
                out,
                max_rows,
                published,
                describe=kind == "graph" and is_describe(query),
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
            raise _api_error(remote.RemoteTimeout(timeout)) from exc
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


def _capped(items: Iterable[Any], max_rows: int) -> Iterable[Any]:
    for count, item in enumerate(items, 1):
        if count > max_rows:
            raise TooManyRows
        yield item


def _results_format(body: remote.Body) -> pyoxigraph.QueryResultsFormat:
    """The remote was asked for SPARQL JSON; a store that sends XML or TSV is read too."""
    named = pyoxigraph.QueryResultsFormat.from_media_type(body.media_type)
    return named or pyoxigraph.QueryResultsFormat.JSON


def _rdf_format(body: remote.Body) -> pyoxigraph.RdfFormat:
    """The remote was asked for N-Triples; one that sends Turtle or RDF/XML is read too."""
    named = pyoxigraph.RdfFormat.from_media_type(body.media_type)
    return named or pyoxigraph.RdfFormat.N_TRIPLES


def _write(
    kind: Kind,
    fmt: Format,
    body: remote.Body,
    out: IO[bytes],
    max_rows: int,
    published: RemotePublishedStore,
    *,
    describe: bool,
    deadline: float,
    timeout: float,
) -> int:
    """Re-serialise the remote's answer into ``fmt``, counting rows; returns the count."""
    if kind == "boolean":
        answer = pyoxigraph.parse_query_results(body, _results_format(body))
        answer.serialize(out, fmt.oxigraph)
        return 1
    if kind == "solutions":
        solutions = pyoxigraph.parse_query_results(body, _results_format(body))
        variables = [v.value for v in solutions.variables]
        rows = writer(fmt.name, out, variables)
        for solution in _capped(solutions, max_rows):
            rows.row([solution[v] for v in variables])
        rows.close()
        return rows.rows
    triples = [quad.triple for quad in _capped(pyoxigraph.parse(body, _rdf_format(body)), max_rows)]
    if describe:
        triples += _context(published.client, triples, deadline, timeout)
        if len(triples) > max_rows:
            raise TooManyRows
    pyoxigraph.serialize(triples, out, fmt.oxigraph)
    return len(triples)


def _context(
    client: remote.Client, triples: list[pyoxigraph.Triple], deadline: float, timeout: float
) -> list[pyoxigraph.Triple]:
    """What a local DESCRIBE adds (see newskg.sparql.query_worker): the labels and types of what the
    described resources link to, and their evidence spans whole; a few batched queries."""
    described = {t.subject for t in triples}
    linked = list(
        dict.fromkeys(
            t.object
            for t in triples
            if isinstance(t.object, pyoxigraph.NamedNode) and t.object not in described
        )
    )
    spans = list(
        dict.fromkeys(
            t.object
            for t in triples
            if t.predicate.value == NKG_EVIDENCE and isinstance(t.object, pyoxigraph.NamedNode)
        )
    )
    queries = [
        f"CONSTRUCT {{ ?x <{RDFS_LABEL}> ?l . ?x a ?t }} WHERE {{ VALUES ?x {{ {values} }} "
        f"{{ ?x <{RDFS_LABEL}> ?l }} UNION {{ ?x a ?t }} }}"
        for values in _chunks(linked)
    ] + [
        f"CONSTRUCT {{ ?e ?p ?o }} WHERE {{ VALUES ?e {{ {values} }} ?e ?p ?o }}"
        for values in _chunks(spans)
    ]
    seen = set(triples)
    extra: list[pyoxigraph.Triple] = []
    for text in queries:
        left = deadline - time.monotonic()
        if left <= 0:
            raise remote.RemoteTimeout(timeout)
        with client.query(text, union=True, accept=remote.NTRIPLES, timeout=left) as response:
            body = remote.Body(response, deadline, timeout)
            for quad in pyoxigraph.parse(body, _rdf_format(body)):
                if quad.triple not in seen:
                    seen.add(quad.triple)
                    extra.append(quad.triple)
    return extra


def _chunks(nodes: list[pyoxigraph.NamedNode]) -> list[str]:
    return [
        " ".join(str(n) for n in nodes[i : i + VALUES_PER_QUERY])
        for i in range(0, len(nodes), VALUES_PER_QUERY)
    ]
