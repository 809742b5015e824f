"""Reading a remote's answers: :class:`Body` (a streamed body under one deadline),
:class:`Spooled` (the whole body, spooled), :func:`parse_results`, and the ways stores bend
the SPARQL formats (:func:`boolean_answer`: Virtuoso answers an ASK with a one-cell table;
:func:`check_complete`: Virtuoso cuts answers short at its own limits, saying so only in
headers)."""

from __future__ import annotations

import io
import tempfile
import time
from typing import IO, Any, cast

import pyoxigraph
import requests
import urllib3

from newskg.backends.remote.errors import RemoteError, RemoteTimeout

CHUNK = 64 * 1024
SPOOL_BYTES = 8 * 1024 * 1024  # answers beyond this go to a temporary file, not memory


class Body(io.RawIOBase):
    """A streamed response body read under one overall deadline: a socket timeout alone
    restarts with every byte, so a remote that trickles would run far past the limit."""

    def __init__(self, response: requests.Response, deadline: float, seconds: float) -> None:
        self.response = response
        self.deadline = deadline
        self.seconds = seconds
        self.media_type = _media_type(response)  # what the remote says the body is

    def readable(self) -> bool:
        return True

    @property
    def file(self) -> IO[bytes]:
        """This body as the binary file pyoxigraph's parsers take (a raw stream reads as one)."""
        return cast(IO[bytes], self)

    def readinto(self, buffer: Any) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise RemoteTimeout(self.seconds)
        sock = getattr(getattr(self.response.raw, "connection", None), "sock", None)
        if sock is not None:
            sock.settimeout(left)
        try:
            data = self.response.raw.read(len(buffer), decode_content=True)
        except (urllib3.exceptions.ReadTimeoutError, TimeoutError) as exc:
            raise RemoteTimeout(self.seconds) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise RemoteError(
                f"the connection to the triple store broke while reading its answer: {exc}",
                "Try again; see the triple store's log.",
            ) from exc
        buffer[: len(data)] = data
        return len(data)


class Spooled(io.RawIOBase):
    """The whole body in a spooled file (memory while small), read from the start. pyoxigraph
    parses lazily and keeps what it reads from: the spool is closed when this is, which
    happens when the parsed results are dropped, so no file is left open unnoticed."""

    def __init__(self, response: requests.Response, deadline: float, seconds: float) -> None:
        self.spool = tempfile.SpooledTemporaryFile(SPOOL_BYTES)  # noqa: SIM115 - closed by close()
        try:
            with response:
                reader = Body(response, deadline, seconds)
                while chunk := reader.read(CHUNK):
                    self.spool.write(chunk)
        except BaseException:
            self.close()
            raise
        self.spool.seek(0)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.spool.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self.spool.close()
        super().close()

    @property
    def file(self) -> IO[bytes]:
        """This body as the binary file pyoxigraph's parsers take."""
        return cast(IO[bytes], self)


def _media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def parse_results(
    response: requests.Response, expected: str, deadline: float, seconds: float
) -> Any:
    """The response parsed by pyoxigraph: ``QuerySolutions`` / ``QueryBoolean`` for a
    results format, an iterator of ``Triple`` for an RDF one."""
    media_type = _media_type(response) or expected
    body = Spooled(response, deadline, seconds)
    results_format = pyoxigraph.QueryResultsFormat.from_media_type(media_type)
    rdf_format = pyoxigraph.RdfFormat.from_media_type(media_type)
    try:
        if results_format is not None:
            return pyoxigraph.parse_query_results(body.file, results_format)
    except SyntaxError as exc:
        body.close()
        raise RemoteError(
            f"the triple store's answer is not valid {media_type} ({exc})",
            "It may have stopped the query at its own time limit; see its log.",
        ) from exc
    if rdf_format is None:
        body.close()
        raise RemoteError(
            f"the triple store answered with {media_type!r}, which newskg cannot read",
            "Configure it to answer SPARQL JSON results and N-Triples "
            "(every SPARQL 1.1 store can).",
        )
    return (quad.triple for quad in pyoxigraph.parse(body.file, rdf_format))


#: Virtuoso's headers on an answer it cut short: at ``ResultSetMaxRows`` rows, or partial
#: results at its "anytime query" limit (``X-SQL-State: S1TAT``).
MAX_ROWS_HEADER = "X-SPARQL-MaxRows"
PARTIAL_STATE = "S1TAT"


def check_complete(response: requests.Response, seconds: float) -> None:
    """Raise (and close the response) when the remote says its answer is cut short: a
    shortened answer must never pass for a whole one (a dump, a page or a row count would be
    silently wrong)."""
    if MAX_ROWS_HEADER in response.headers:
        cap = response.headers[MAX_ROWS_HEADER]
        response.close()
        raise RemoteError(
            f"the triple store cut its answer short at {cap} rows",
            "Raise its own cap above any graph of the dataset and above --max-rows "
            "(Virtuoso: ResultSetMaxRows in the [SPARQL] section of virtuoso.ini).",
        )
    if response.headers.get("X-SQL-State") == PARTIAL_STATE:
        response.close()
        raise RemoteTimeout(seconds)


#: The variable Virtuoso answers an ASK with, in a one-row table instead of a boolean.
ASK_VARIABLE = "__ASK_RETVAL"


def boolean_answer(parsed: Any) -> pyoxigraph.QueryBoolean | None:
    """``parsed`` as the boolean an ASK answers: itself when it is one, the one cell of
    Virtuoso's ``__ASK_RETVAL`` table (``1`` or ``0``) rebuilt as one; None when it is
    neither."""
    if isinstance(parsed, pyoxigraph.QueryBoolean):
        return parsed
    if isinstance(parsed, pyoxigraph.QuerySolutions) and [v.value for v in parsed.variables] == [
        ASK_VARIABLE
    ]:
        value = any(row[ASK_VARIABLE].value not in {"0", "false"} for row in parsed)
        text = f'{{"head":{{}},"boolean":{"true" if value else "false"}}}'
        result = pyoxigraph.parse_query_results(text.encode(), pyoxigraph.QueryResultsFormat.JSON)
        assert isinstance(result, pyoxigraph.QueryBoolean)
        return result
    return None
