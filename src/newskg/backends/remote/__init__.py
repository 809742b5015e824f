"""A store on an existing triple store: ``--store sparql+http://host:port/path/``.

Versions are still built, validated and published locally, in a *staging directory* laid out
as any store directory (:mod:`newskg.backends.versions`); right after ``current`` moves, the
backend (:class:`~newskg.backends.remote.backend.RemoteBackend`, whose ``after_publish`` every
publish path calls) *pushes* the published version to the remote: the named graphs that changed
since the last push and those the version no longer has go in bounded SPARQL 1.1 Updates
(:mod:`~newskg.backends.remote.batches`; a graph too large for one, or with blank nodes, is PUT
with the Graph Store HTTP Protocol), and the version marker ``{base}graph/version`` is PUT
last. Readers (``newskg serve``, ``newskg dump``) find the version in that marker and
read through :class:`RemoteStore`, which offers the methods of ``pyoxigraph.Store`` newskg's
readers use, returning real pyoxigraph objects.

The store URL names the remote; its query parameters (never sent to the remote) say how to
reach it::

    sparql+http://127.0.0.1:7878/                             Oxigraph server (the defaults)
    sparql+http://fuseki:3030/ds/?query=sparql&update=update&gsp=data&union=
                                                              Fuseki, unionDefaultGraph set

    query    query                SPARQL query endpoint (relative to the URL, or absolute)
    update   update               SPARQL Update endpoint (likewise)
    gsp      store                Graph Store Protocol endpoint (likewise)
    union    union-default-graph  query parameter that makes the default graph the union of
                                  all graphs; empty for stores that do so by themselves
    auth     basic                how NEWSKG_REMOTE_USER / _PASSWORD are sent: basic, digest
    staging  var/staging/<host>-<port>[-<path>]   the local staging directory

Credentials never go in the URL (it is logged and visible in process lists): the settings
``remote_user``, ``remote_password`` or ``remote_token`` (bearer) carry them.

A push is batch by batch, not one atomic switch: during it readers may see some graphs of the
new version beside others of the old one, while the marker still names the old version; the
marker changes last. ``STAGING/pushed.json`` records what the remote holds (the version and a
digest per graph) and, during a push, which graphs are in flux, so an interrupted push is
completed by the next one.

The package's modules: :mod:`~newskg.backends.remote.backend` (the backend),
:mod:`~newskg.backends.remote.target` (the store URL), :mod:`~newskg.backends.remote.client`
(HTTP to the remote), :mod:`~newskg.backends.remote.answers` (reading its answers, and the
ways a store bends the formats), :mod:`~newskg.backends.remote.batches` (many graphs in few
requests), :mod:`~newskg.backends.remote.marker` (the version marker),
:mod:`~newskg.backends.remote.published` (reading the published version),
:mod:`~newskg.backends.remote.staging` (the staging directory),
:mod:`~newskg.backends.remote.pushing` (pushing a version), and for a web server
:mod:`~newskg.backends.remote.served` (the published store it serves) and
:mod:`~newskg.backends.remote.engine` (queries answered by the remote). The public names of
the first ones are importable from ``newskg.backends.remote`` itself.
"""

from __future__ import annotations

from newskg.backends.remote.answers import CHUNK, SPOOL_BYTES, Body, parse_results
from newskg.backends.remote.batches import BATCH_BYTES, Batches
from newskg.backends.remote.client import (
    CONNECT_SECONDS,
    MARKER_SECONDS,
    NTRIPLES,
    PUSH_SECONDS,
    RESULTS_JSON,
    Client,
    connect,
)
from newskg.backends.remote.errors import PushError, RemoteError, RemoteTimeout
from newskg.backends.remote.marker import (
    DCT,
    DEFAULT_BASE,
    MARKER_PATH,
    MARKER_QUERY,
    OWL,
    RDF_TYPE,
    VOID,
    XSD,
    RemoteVersion,
    marker_triples,
)
from newskg.backends.remote.published import RemoteStore
from newskg.backends.remote.pushing import graph_digest, graph_digests, push, push_recorded
from newskg.backends.remote.staging import PUSHED, RECORD, staging_dir
from newskg.backends.remote.target import PARAMETERS, SCHEMES, Target, is_remote

__all__ = [
    "BATCH_BYTES",
    "Batches",
    "Body",
    "CHUNK",
    "CONNECT_SECONDS",
    "Client",
    "DCT",
    "DEFAULT_BASE",
    "MARKER_PATH",
    "MARKER_QUERY",
    "MARKER_SECONDS",
    "NTRIPLES",
    "OWL",
    "PARAMETERS",
    "PUSHED",
    "PUSH_SECONDS",
    "PushError",
    "RDF_TYPE",
    "RECORD",
    "RESULTS_JSON",
    "RemoteError",
    "RemoteStore",
    "RemoteTimeout",
    "RemoteVersion",
    "SCHEMES",
    "SPOOL_BYTES",
    "Target",
    "VOID",
    "XSD",
    "connect",
    "graph_digest",
    "graph_digests",
    "is_remote",
    "marker_triples",
    "parse_results",
    "push",
    "push_recorded",
    "staging_dir",
]
