"""Talking to the remote: :class:`Client` (HTTP for SPARQL queries and updates and the
Graph Store Protocol, with time limits and credentials) and errors that say what to fix.
Reading its answers: :mod:`newskg.backends.remote.answers`."""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import IO, Any

import pyoxigraph
import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from newskg import settings
from newskg.backends import versions as store
from newskg.backends.remote.answers import (
    CHUNK,
    SPOOL_BYTES,
    Body,
    check_complete,
    parse_results,
)
from newskg.backends.remote.errors import RemoteError, RemoteTimeout
from newskg.backends.remote.marker import DCT, MARKER_QUERY, RemoteVersion
from newskg.backends.remote.target import Target
from newskg.sparql.lexer import query_form

RESULTS_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
SPARQL_UPDATE = "application/sparql-update; charset=utf-8"
CONNECT_SECONDS = 10.0
PUSH_SECONDS = 600.0  # per request of a push: a large graph takes a while to load remotely
MARKER_SECONDS = 10.0  # the servers' poll of the marker must not hold up their requests long
#: One graph whole, read through the query endpoint (see Client.get_graph).
GRAPH_QUERY = "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"


def accept_for(query: str) -> str:
    """The one format the remote is asked for: N-Triples for a graph, SPARQL JSON for a table
    or a boolean. Never a choice: Virtuoso answers a CONSTRUCT with a results table when the
    Accept header lets it."""
    return NTRIPLES if query_form(query) in {"CONSTRUCT", "DESCRIBE"} else RESULTS_JSON


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
        accept: str | None = None,
        timeout: float | None = None,
    ) -> requests.Response:
        """POST ``query`` (form-encoded, which every store accepts); the response streams.
        ``union`` asks for the union default graph with the URL's ``union`` parameter;
        ``accept`` defaults to :func:`accept_for` the query. An answer the store says it cut
        short is an error (:func:`~newskg.backends.remote.answers.check_complete`)."""
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
        response = self.request(
            "POST",
            self.target.query_url,
            what="a SPARQL query",
            params=params,
            data=data,
            headers={"Accept": accept or accept_for(query)},
            stream=True,
            timeout=timeout,
        )
        check_complete(response, self.timeout if timeout is None else timeout)
        return response

    def update(self, update: bytes) -> None:
        """POST a SPARQL Update to the URL's ``update`` endpoint, as the body itself (form
        encoding would cost more than the store takes to run it: measured on a push)."""
        self.request(
            "POST",
            self.target.update_url,
            what="a SPARQL update",
            ok=(200, 204),
            data=update,
            headers={"Content-Type": SPARQL_UPDATE},
            timeout=PUSH_SECONDS,
        ).close()

    def get_graph(self, iri: str, out: IO[bytes], timeout: float | None = None) -> None:
        """Write graph ``iri`` as N-Triples into ``out`` (nothing, or a comment, when the
        remote has no triple in it). Read with a CONSTRUCT on the query endpoint, not a Graph
        Store Protocol GET: a server that only reads needs no credentials (Virtuoso's GSP
        endpoint that accepts writes wants them for reading too)."""
        seconds = self.timeout if timeout is None else timeout
        response = self.query(GRAPH_QUERY.format(iri=iri), union=False, timeout=seconds)
        with response:
            reader = Body(response, time.monotonic() + seconds, seconds)
            while chunk := reader.read(CHUNK):
                out.write(chunk)

    # Graph Store Protocol
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
            self.get_graph(marker, spool)
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
    if status == 500 and "S1T00" in text:  # Virtuoso's "Transaction timed out"
        return RemoteError(
            said,
            "The triple store stopped the query at its own time limit (Virtuoso: "
            "MaxQueryExecutionTime); make the query more selective (bind a subject or a "
            "type, add LIMIT).",
            status=503,
        )
    if status == 400:
        return RemoteError(
            said, "The triple store refused the request; the message above is its own.", status=400
        )
    return RemoteError(said, "See the triple store's log.")


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
