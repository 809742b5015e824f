"""What answering a query gives and how its common failures are said, wherever the query runs.

A query is answered in a query process (:mod:`newskg.sparql.engine`), in the web worker when it
is a point lookup (:mod:`newskg.sparql.lookup`), or by a remote triple store
(:mod:`newskg.backends.remote.engine`); all three take a :class:`QueryRequest`, return an
:class:`Answer`, raise :class:`NotAcceptable` for a kind the client accepts no format of and
:func:`too_many_rows` past the row cap, and charge their time with :func:`spent`.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import KW_ONLY, dataclass
from typing import IO, Literal

from newskg.errors import APIError
from newskg.formats import Format

Kind = Literal["solutions", "boolean", "graph"]


@dataclass(frozen=True)
class DatasetSpec:
    """The query's dataset: empty tuples mean the protocol's defaults (the default graph is
    the union of all graphs; every named graph is available to GRAPH)."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


NO_DATASET = DatasetSpec()


@dataclass(frozen=True)
class QueryRequest:
    """One query as a client asked for it, the value every answerer takes: the text, its
    dataset, the format for each kind of result (``results_format`` for SELECT/ASK,
    ``graph_format`` for CONSTRUCT/DESCRIBE; None for a kind the client accepts no format
    of: :class:`NotAcceptable`), the bounds it runs under (``max_rows``: 422 past it,
    never truncated; ``timeout`` in seconds: 503), and the base IRI that relative IRIs in
    the query are resolved against (the endpoint's URL, as Oxigraph's server does: without
    one, ``<x>`` is a syntax error)."""

    query: str
    dataset: DatasetSpec = NO_DATASET
    results_format: Format | None = None
    graph_format: Format | None = None
    _: KW_ONLY
    # No defaults: the bounds are settings (MAX_ROWS, QUERY_TIMEOUT), declared there once.
    max_rows: int
    timeout: float
    base_iri: str | None = None


@dataclass
class Answer:
    kind: Kind
    format: Format
    body: IO[bytes]
    size: int
    rows: int  # solutions or triples (1 for a boolean)


class NotAcceptable(Exception):
    """The query's result kind has no format the client accepts."""

    def __init__(self, kind: Kind) -> None:
        super().__init__(kind)
        self.kind = kind


def too_many_rows(max_rows: int) -> APIError:
    """422: the answer has more rows than the cap (signalled, never truncated)."""
    return APIError(
        422,
        f"the answer has more than {max_rows} rows; nothing was sent rather "
        "than a truncated answer",
        f"Page through it with LIMIT {max_rows} and OFFSET, aggregate it, "
        "or download a dump from /dumps/.",
    )


# Query time spent for the request being answered in this thread: a context variable, so the
# engines need nothing of Flask; newskg.web.http.throttle takes it (and charges the client)
# when the request ends.
_SPENT: ContextVar[float] = ContextVar("newskg_query_seconds", default=0.0)


def spent(seconds: float) -> None:
    """Add ``seconds`` of query time to what the current request has spent."""
    _SPENT.set(_SPENT.get() + seconds)


def take_spent() -> float:
    """The query time spent since the last call (in this context), reset to 0."""
    seconds = _SPENT.get()
    _SPENT.set(0.0)
    return seconds
