"""The read-only SPARQL endpoint at ``/sparql``.

Accepts the SPARQL 1.1 Protocol's three ways of sending a query (GET ``?query=``, POST form,
POST ``application/sparql-query``), refuses updates (403) and ``SERVICE`` (400, the server
never fetches from elsewhere), and evaluates over the union of all named graphs (one per
article). SELECT/ASK answer as SPARQL JSON results, CONSTRUCT/DESCRIBE as Turtle; the media
types come from :mod:`newskg.formats`. Content negotiation, dataset parameters, timeouts and
row limits plug in at :func:`choose_format` and :func:`run_query`.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Iterator
from typing import IO

import pyoxigraph
from flask import Blueprint, Response, render_template, request

from newskg import formats
from server.errors import APIError
from server.store import get_store

bp = Blueprint("sparql", __name__)
log = logging.getLogger(__name__)

FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
CHUNK = 64 * 1024
SPOOL_MAX = 8 * 1024 * 1024  # answers larger than this spill from memory to a temporary file

# Words that begin a SPARQL Update operation (after the PREFIX/BASE prologue).
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)

# A small lexer that is just good enough to find keywords: everything that can contain a
# keyword-looking word without being one (comments, strings, IRIs, variables, prefixed names,
# language tags) is matched as a whole first. Order matters: long strings before short ones.
_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
    | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<pname>[\w.\-]*:[\w.\-:%\\]*)
    | (?P<word>[A-Za-z_][\w\-]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def keywords(query: str) -> Iterator[str]:
    """The bare words of ``query`` in upper case, skipping strings, IRIs, comments, variables
    and prefixed names (so ``?service``, ``ex:service`` and ``"SERVICE"`` are not keywords)."""
    for match in _TOKEN.finditer(query):
        if match.lastgroup == "word":
            yield match.group().upper()


def check_service(query: str) -> None:
    """Refuse federated queries: this endpoint must never make outgoing requests."""
    if "SERVICE" in keywords(query):
        raise APIError(
            400,
            "SERVICE clauses are not allowed: this endpoint answers from its own dataset only "
            "and never queries other endpoints.",
            "Remove the SERVICE clause and query the other endpoint directly.",
        )


def is_update(query: str) -> bool:
    """True if the first keyword after the prologue starts a SPARQL Update operation."""
    for word in keywords(query):
        if word in {"PREFIX", "BASE"}:
            continue
        return word in UPDATE_KEYWORDS
    return False


def read_query() -> str:
    """The query text from any of the protocol's three request forms (400 if absent)."""
    if request.method == "GET":
        queries = request.args.getlist("query")
    else:
        mimetype = request.mimetype
        if mimetype == QUERY_TYPE:
            queries = [request.get_data(as_text=True)]
        elif mimetype == FORM_TYPE:
            queries = request.form.getlist("query")
        elif not mimetype and not request.content_length:
            queries = []  # an empty POST: say the query is missing, not that the type is wrong
        else:
            raise APIError(
                415,
                f"unsupported request body type {mimetype or '(none)'!r}",
                f"POST the query as {FORM_TYPE} with a query= field, or as the body with "
                f"Content-Type: {QUERY_TYPE}.",
            )
        if "update" in request.form:
            raise _update_refused()
    if len(queries) != 1 or not queries[0].strip():
        raise APIError(
            400,
            "exactly one non-empty query parameter is required" if queries
            else "no query given",
            "Send the SPARQL query as ?query=… (GET), as a query= form field, or as an "
            f"{QUERY_TYPE} body (POST).",
        )
    return queries[0]


def _update_refused() -> APIError:
    return APIError(
        403,
        "this endpoint is read-only: SPARQL Update is not allowed",
        "Send a SELECT, ASK, CONSTRUCT or DESCRIBE query; the dataset changes only by "
        "`newskg build`.",
    )


def run_query(store: pyoxigraph.Store, query: str
              ) -> pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean | pyoxigraph.QueryTriples:
    """Parse and start evaluating ``query`` over the union of the named graphs."""
    check_service(query)  # before parsing: pyoxigraph would fetch the SERVICE while evaluating
    try:
        return store.query(query, use_default_graph_as_union=True)
    except SyntaxError as exc:
        if is_update(query):
            raise _update_refused() from exc
        raise APIError(
            400,
            f"SPARQL syntax error: {exc}",
            "Check the query near the position given (line:column).",
        ) from exc


def choose_format(results: object) -> formats.Format:
    """The serialisation for ``results``: the one seam where content negotiation will go."""
    if isinstance(results, pyoxigraph.QueryTriples):
        return formats.by_name("turtle")
    return formats.by_name("json")


def serialize(results: object, fmt: formats.Format) -> IO[bytes]:
    """Serialise fully before the status line goes out, so an evaluation error still gets a
    proper error response; a spooled file keeps a large answer out of memory."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX)  # noqa: SIM115
    try:
        results.serialize(spool, fmt.oxigraph)  # type: ignore[attr-defined]
    except (OSError, RuntimeError) as exc:
        spool.close()
        # pyoxigraph reports evaluation failures (I/O, resource limits) this way; the text may
        # name server paths, so it goes to the log, not to the client.
        log.exception("query evaluation failed")
        raise APIError(500, "the query failed while it was evaluated",
                       "Simplify the query; the server log has the details.") from exc
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := spool.read(CHUNK):
            yield chunk
    finally:  # also when the client disconnects and the server closes the generator
        spool.close()


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response | str:
    """Answer a SPARQL query; a browser GET without one gets the query form."""
    if "update" in request.args:
        raise _update_refused()
    if request.method == "GET" and "query" not in request.args:
        return render_template("sparql.html")
    query = read_query()
    results = run_query(get_store(), query)
    fmt = choose_format(results)
    spool = serialize(results, fmt)
    size = spool.seek(0, 2)
    spool.seek(0)
    response = Response(_chunks(spool), mimetype=fmt.media_type, direct_passthrough=True)
    response.content_length = size
    response.vary.add("Accept")
    return response
