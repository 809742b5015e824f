"""Talking to the remote: :class:`Client` (HTTP for SPARQL queries and the Graph Store
Protocol, with time limits and credentials), errors that say what to fix, and reading
answers (:class:`Body`, spooling, :func:`parse_results`)."""

from __future__ import annotations

import io
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import IO, Any, cast

import pyoxigraph
import requests
import urllib3
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from newskg import settings
from newskg.backends import versions as store
from newskg.backends.remote.errors import RemoteError, RemoteTimeout
from newskg.backends.remote.marker import DCT, MARKER_QUERY, RemoteVersion
from newskg.backends.remote.target import Target

RESULTS_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
#: What RemoteStore.query accepts: a results table or a graph, whichever the query makes.
ANY_ANSWER = f"{RESULTS_JSON}, {NTRIPLES};q=0.9, text/turtle;q=0.8"
CONNECT_SECONDS = 10.0
PUSH_SECONDS = 600.0  # per request of a push: a large graph takes a while to load remotely
MARKER_SECONDS = 10.0  # the servers' poll of the marker must not hold up their requests long
SPOOL_BYTES = 8 * 1024 * 1024  # answers beyond this go to a temporary file, not memory
CHUNK = 64 * 1024


class _Bearer(AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


class Client:
    """HTTP to one remote store: SPARQL queries and Graph Store Protocol requests, each with
    a time limit, errors raised as :class:`RemoteError` that say what to fix."""

    def __init__(
        self,
        target: Target,
        *,
        user: str = "",
        password: str = "",
        token: str = "",
        timeout: float = 30.0,
    ) -> None:
        self.target = target
        self.timeout = timeout
        self.auth: AuthBase | None = None
        if token:
            self.auth = _Bearer(token)
        elif user:
            auth_class = HTTPDigestAuth if target.auth == "digest" else HTTPBasicAuth
            self.auth = auth_class(user, password)
        self._local = threading.local()  # a requests.Session per thread: workers have several

    @property
    def session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.auth = self.auth
            session.headers["User-Agent"] = "newskg"
        return session

    def request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        ok: Iterable[int] = (200,),
        timeout: float | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        seconds = self.timeout if timeout is None else timeout
        try:
            response = self.session.request(
                method, url, timeout=(CONNECT_SECONDS, seconds), **kwargs
            )
        except requests.Timeout as exc:
            if isinstance(exc, requests.ConnectTimeout):
                raise _unreachable(url, what, exc) from exc
            raise RemoteTimeout(seconds) from exc
        except requests.RequestException as exc:
            raise _unreachable(url, what, exc) from exc
        if response.status_code not in tuple(ok):
            try:
                raise _refused(response, what)
            finally:
                response.close()
        return response

    # SPARQL Protocol
    def query(
        self,
        query: str,
        *,
        union: bool,
        default_graphs: Iterable[str] = (),
        named_graphs: Iterable[str] = (),
        accept: str = ANY_ANSWER,
        timeout: float | None = None,
    ) -> requests.Response:
        """POST ``query`` (form-encoded, which every store accepts); the response streams.
        ``union`` asks for the union default graph with the URL's ``union`` parameter."""
        defaults, named = list(default_graphs), list(named_graphs)
        params = (
            [(self.target.union_param, "")]
            if (union and self.target.union_param and not defaults)
            else []
        )
        data = [
            ("query", query),
            *(("default-graph-uri", g) for g in defaults),
            *(("named-graph-uri", g) for g in named),
        ]
        return self.request(
            "POST",
            self.target.query_url,
            what="a SPARQL query",
            params=params,
            data=data,
            headers={"Accept": accept},
            stream=True,
            timeout=timeout,
        )

    # Graph Store Protocol
    def get_graph(self, iri: str, out: IO[bytes], timeout: float | None = None) -> bool:
        """Write graph ``iri`` as N-Triples into ``out``; False when the remote lacks it."""
        response = self.request(
            "GET",
            self.target.gsp_url,
            what=f"reading graph <{iri}>",
            ok=(200, 404),
            params={"graph": iri},
            headers={"Accept": NTRIPLES},
            stream=True,
            timeout=timeout,
        )
        with response:
            if response.status_code == 404:
                return False
            deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
            reader = Body(response, deadline, self.timeout if timeout is None else timeout)
            while chunk := reader.read(CHUNK):
                out.write(chunk)
        return True

    def put_graph(self, iri: str, body: IO[bytes] | bytes) -> None:
        self.request(
            "PUT",
            self.target.gsp_url,
            what=f"writing graph <{iri}>",
            ok=(200, 201, 204),
            params={"graph": iri},
            data=body,
            headers={"Content-Type": NTRIPLES},
            timeout=PUSH_SECONDS,
        ).close()

    def delete_graph(self, iri: str) -> None:
        self.request(
            "DELETE",
            self.target.gsp_url,
            what=f"deleting graph <{iri}>",
            ok=(200, 202, 204, 404),
            params={"graph": iri},
            timeout=PUSH_SECONDS,
        ).close()

    # the version marker
    def published(self) -> RemoteVersion | None:
        """The version the remote's marker names, or None when it has none."""
        response = self.query(
            MARKER_QUERY,
            union=False,
            accept=RESULTS_JSON,
            timeout=min(self.timeout, MARKER_SECONDS),
        )
        rows = list(
            parse_results(response, RESULTS_JSON, time.monotonic() + MARKER_SECONDS, MARKER_SECONDS)
        )
        if not rows:
            return None
        row = rows[0]
        try:
            stamp = datetime.fromisoformat(row["modified"].value.replace("Z", "+00:00"))
        except ValueError:
            stamp = None
        version = row["version"].value
        triples = row["triples"]
        return RemoteVersion(
            version,
            self.target.staging / store.VERSIONS / version,
            base_iri=row["base"].value,
            modified=stamp,
            marker=row["g"].value,
            triples=int(triples.value) if triples is not None else 0,
        )

    def marker_parts(self, marker: str) -> list[str]:
        """The graphs a marker lists (``dct:hasPart``), sorted."""
        with tempfile.SpooledTemporaryFile(SPOOL_BYTES) as spool:
            if not self.get_graph(marker, spool):
                return []
            spool.seek(0)
            return sorted(
                quad.object.value
                for quad in pyoxigraph.parse(spool, pyoxigraph.RdfFormat.N_TRIPLES)
                if quad.predicate.value == DCT + "hasPart"
            )


def _reason(exc: BaseException) -> str:
    """The innermost cause of a connection failure ("Connection refused"), not the whole
    chain of wrappers requests and urllib3 put around it."""
    while True:
        inner = getattr(exc, "reason", None) or exc.__cause__ or exc.__context__
        if not isinstance(inner, BaseException):
            return getattr(exc, "strerror", None) or str(exc)
        exc = inner


def _unreachable(url: str, what: str, exc: Exception) -> RemoteError:
    return RemoteError(
        f"cannot reach the triple store at {url} ({what}): {_reason(exc)}",
        "Check that it is running and that the store URL and its query= / gsp= "
        "parameters name its endpoints.",
    )


def _refused(response: requests.Response, what: str) -> RemoteError:
    status = response.status_code
    try:
        text = " ".join(response.text.split())[:300]
    except (requests.RequestException, UnicodeDecodeError):
        text = ""
    said = f"the triple store answered {what} with HTTP {status}" + (f": {text}" if text else "")
    if status in (401, 403):
        return RemoteError(
            said,
            "Set NEWSKG_REMOTE_USER and NEWSKG_REMOTE_PASSWORD (add "
            "auth=digest to the store URL for Virtuoso) or "
            "NEWSKG_REMOTE_TOKEN; writing needs a user allowed to update "
            "(Virtuoso: the SPARQL_UPDATE role).",
        )
    if status in (404, 405):
        return RemoteError(
            said,
            "Check the store URL's query= and gsp= parameters: they must "
            "name the store's SPARQL and Graph Store Protocol endpoints.",
        )
    if status == 400:
        return RemoteError(
            said, "The triple store refused the request; the message above is its own.", status=400
        )
    return RemoteError(said, "See the triple store's log.")


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


def connect(store_setting: str, config: Mapping[str, Any] | None = None) -> Client:
    """A client for a remote store URL; credentials and the time limit from ``config`` (a
    resolved settings mapping), else from the environment and the defaults."""
    values = settings.resolve(config)
    return Client(
        Target.parse(store_setting),
        user=str(values["REMOTE_USER"]),
        password=str(values["REMOTE_PASSWORD"]),
        token=str(values["REMOTE_TOKEN"]),
        timeout=float(values["QUERY_TIMEOUT"]),
    )
