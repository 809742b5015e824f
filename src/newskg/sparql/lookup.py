"""Point lookups answered in the web worker itself, without a round trip to a query process.

The query processes of :mod:`newskg.sparql.engine` exist because pyoxigraph cannot stop a query;
a point lookup (one triple pattern with a bound subject, see
:func:`newskg.sparql.lexer.point_lookup`) needs no stopping: each stored triple of the subject
gives one solution, and this path asks for at most ``LANE_ROWS + 1`` of them (a LIMIT it
adds, or the query's own when that is smaller) after skipping at most ``LANE_ROWS``
(OFFSET), so its work is bounded whatever the data. Such a query costs less than the pipe
round trip it would otherwise need, and it is the commonest query a public endpoint gets (a
linked-data browser, YASGUI's autocompletion, a client walking the graph). pyoxigraph
writes the answer itself, and the rows are counted in its bytes.

A point lookup sorted by its variables (``… } ORDER BY ?p DESC(?o)``, then LIMIT / OFFSET
if any: a client paging through a resource) is answered here too when its subject has at
most ``LANE_ROWS`` triples: the lookup is first asked unsorted for ``LANE_ROWS + 1`` rows
(bounded), and only when there are no more than that is the sorted query run, which then
sorts at most that many rows. The sort keys are variables only (an expression could cost
anything, and nothing here can stop it).

Everything else is the engine's: a lookup with more than ``LANE_ROWS`` rows (or a LIMIT
or OFFSET above it), an answer over ``INLINE_MAX`` bytes, a dataset given by the request
(``default-graph-uri``/``named-graph-uri``), a remote store (which has no store in this
process: :mod:`newskg.backends.local_published` is the one that asks here), or a text the parser
refuses (the engine words the error). Lookup answers are not put in the answer cache: making
one again costs less than a cache write. The endpoint counts them
(``newskg_fast_lane_total``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping

import pyoxigraph

from newskg.sparql.answers import (
    Answer,
    DatasetSpec,
    Kind,
    NotAcceptable,
    QueryRequest,
    too_many_rows,
)
from newskg.sparql.lexer import lookup_modifiers, words
from newskg.sparql.query_process import INLINE_MAX
from newskg.sparql.sandbox import names_service

LANE_ROWS = 1000  # a lookup with more rows than this goes to a query process
# ORDER BY over variables (bare, or in ASC()/DESC()), then what may follow it (LIMIT, OFFSET,
# comments: ``rest``, checked by the lexer with the lookup). Comments count as white space
# and end at either line break, as the parser's do. This runs in the web worker, which
# nothing can stop: white space and variables are matched possessively (never given back),
# so there is one way to match any text and the time is linear (a run of "#" could be split
# into comments in 2^n ways: tests/issues/test_order_by_lookup_is_linear.py).
_SPACE = r"(?:[ \t\r\n]|#[^\r\n]*+)*+"
_VAR = r"[?$][A-Za-z0-9_]++"
_KEY = rf"(?:{_VAR}|(?:ASC|DESC){_SPACE}\({_SPACE}{_VAR}{_SPACE}\))"
_ORDER = re.compile(rf"ORDER{_SPACE}BY(?:{_SPACE}{_KEY})+(?P<rest>.*)", re.IGNORECASE | re.DOTALL)


class _TooLarge(Exception):
    pass


class _Bounded(io.BytesIO):
    """Memory for an answer of at most ``INLINE_MAX`` bytes."""

    def write(self, data: bytes) -> int:  # type: ignore[override]  # BytesIO takes any buffer
        if self.tell() + len(data) > INLINE_MAX:
            raise _TooLarge
        return super().write(data)


def _lookup(query: str) -> tuple[Mapping[str, int], str | None] | None:
    """A point lookup's LIMIT and OFFSET, and for a sorted one (see the module docstring) the
    same lookup unsorted, without LIMIT or OFFSET; None when ``query`` is neither."""
    asked = lookup_modifiers(query)
    if asked is not None:
        return asked, None
    order = next((at for word, at in words(query) if word == "ORDER"), None)
    if order is None:
        return None
    sorting = _ORDER.fullmatch(query, order)
    if sorting is None:
        return None
    head = query[:order]
    # On a line of its own: the text before ORDER may end in a comment.
    asked = lookup_modifiers(f"{head}\n{sorting['rest']}")
    return None if asked is None else (asked, head)


def _at_most(store: pyoxigraph.Store, lookup: str, rows: int, base_iri: str | None) -> bool:
    """Whether the unsorted ``lookup`` has at most ``rows`` solutions (it reads one more)."""
    solutions = store.query(
        f"{lookup}\nLIMIT {rows + 1}", use_default_graph_as_union=True, base_iri=base_iri
    )
    if not isinstance(solutions, pyoxigraph.QuerySolutions):
        return False  # ASK … ORDER BY: the engine answers such oddities
    return sum(1 for _ in solutions) <= rows


def eligible(query: str, dataset: DatasetSpec) -> bool:
    """Whether ``query`` on ``dataset`` may be tried here, on a local store (see the module
    docstring). This web worker has the network, unlike a query process: a text naming
    SERVICE anywhere goes to a query process, whatever the lexer made of it."""
    return (
        not dataset.default_graphs
        and not dataset.named_graphs
        and _lookup(query) is not None
        and not names_service(query)
    )


def execute(store: pyoxigraph.Store, request: QueryRequest) -> Answer | None:
    """The answer made here from ``store`` to a request whose query and dataset
    :func:`eligible` allowed, or None when the engine must make it. Raises what
    :meth:`~newskg.sparql.engine.Engine.execute` raises: 422 past ``max_rows``,
    ``NotAcceptable``. The caller counts the time it takes as query time (throttling)."""
    query, results_format, max_rows = request.query, request.results_format, request.max_rows
    cap = min(max_rows, LANE_ROWS)
    found = _lookup(query)
    if found is None:
        return None  # not a point lookup: nothing bounds its work here
    asked, unsorted = found
    if asked.get("OFFSET", 0) > LANE_ROWS:
        return None  # skipping that many rows is work too
    try:
        if unsorted is not None and not _at_most(store, unsorted, cap, request.base_iri):
            return None  # sorting reads every row: more than the lane takes
    except SyntaxError:
        return None
    if "LIMIT" not in asked:
        query += f"\nLIMIT {cap + 1}"  # on a line of its own: the text may end in a comment
    elif asked["LIMIT"] > cap + 1:
        return None
    try:
        # A point lookup has no FROM: its default graph is the union, as the engine's is.
        results = store.query(query, use_default_graph_as_union=True, base_iri=request.base_iri)
    except SyntaxError:
        return None
    if isinstance(results, pyoxigraph.QueryTriples):
        return None  # not a lookup's kind: the engine answers it
    boolean = isinstance(results, pyoxigraph.QueryBoolean)
    kind: Kind = "boolean" if boolean else "solutions"
    if results_format is None:
        raise NotAcceptable(kind)
    body = _Bounded()
    try:
        results.serialize(body, results_format.results_format)
    except _TooLarge:
        return None
    data = body.getvalue()
    rows = 1 if boolean else count_rows(results_format.name, data)
    if rows > cap:
        if max_rows > LANE_ROWS:
            return None
        raise too_many_rows(max_rows)
    return Answer(kind, results_format, io.BytesIO(data), len(data), rows)


def count_rows(format_name: str, data: bytes) -> int:
    """The solutions in a SELECT answer as pyoxigraph writes it.

    >>> count_rows("tsv", b'?s\\n<http://e/a>\\n<http://e/b>\\n')
    2
    """
    if format_name == "xml":
        return data.count(b"<result>")  # markup in values is escaped
    if format_name == "tsv":
        return data.count(b"\n") - 1  # line breaks in values are escaped
    if format_name == "csv":  # values may hold quoted line breaks
        return sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8"), newline=""))) - 1
    return len(json.loads(data)["results"]["bindings"])
