"""Extraction on an existing Dask cluster: ``newskg build --executor dask://HOST:PORT``.

The articles go to the scheduler in the same batches of :data:`newskg.extraction.pool.CHUNK`
as the local pool's, one task per batch, and run there through the same function
(:func:`newskg.extraction.pool.extract_chunk`, passed in), so the results are the local ones: same
batches, same code, back in input order, an article's error in its place. A worker loads
the spaCy model once (:func:`newskg.extraction.nlp.get_nlp` is cached per process) and runs
one batch at a time (a lock: spaCy's vocabulary is not safe to grow from two threads).

Everything the cluster cannot do is an :class:`ExecutorError` raised before anything is
published: dask not installed here, a scheduler that does not answer within
:data:`CONNECT_SECONDS`, no workers, workers without this newskg, a batch that killed
its workers again and again (Dask reschedules a dying worker's tasks on the others; after
its ``allowed-failures`` it gives up).
"""

from __future__ import annotations

import importlib.metadata
import threading
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

from newskg.errors import NewskgError
from newskg.extraction.model import ArticleText, Extraction

#: Seconds to reach the scheduler, and to wait for its first worker, before giving up.
CONNECT_SECONDS = 10.0
#: Executor URL schemes and the Dask protocol each stands for (TLS takes its certificates
#: from Dask's configuration, ``distributed.comm.tls.*``).
SCHEMES = {"dask": "tcp", "dask+tls": "tls"}
INSTALL = "pip install 'newskg[dask]'"
START = (
    "start one with `dask scheduler` and workers with `dask worker tcp://HOST:8786` "
    "(each in an environment where newskg is installed), or leave --executor empty to "
    "extract in local processes (--jobs)"
)

_ONE_BATCH_AT_A_TIME = threading.Lock()
ExtractChunk = Callable[[list[ArticleText]], list[Extraction | str]]


class ExecutorError(NewskgError, ValueError):
    """The extraction executor (``--executor``) cannot be used; the message says why and
    what to do. Nothing is published."""


def scheduler_address(executor: str) -> str:
    """The Dask address of ``executor``, a ``dask://HOST:PORT`` URL.

    >>> scheduler_address("dask://10.0.0.5:8786")
    'tcp://10.0.0.5:8786'
    >>> scheduler_address("dask+tls://[::1]:8786")
    'tls://[::1]:8786'
    """
    scheme, sep, rest = executor.partition("://")
    host, _, port = rest.rstrip("/").rpartition(":")
    if not sep or scheme not in SCHEMES or not host or not port.isdigit():
        raise ExecutorError(
            f"--executor {executor!r} is not an executor newskg knows: give a Dask "
            "scheduler's address as dask://HOST:PORT (dask+tls://HOST:PORT over TLS), or "
            "leave it empty to extract in local processes (--jobs)"
        )
    return f"{SCHEMES[scheme]}://{host}:{port}"


def extract_chunks(
    chunks: list[list[ArticleText]], executor: str, extract_chunk: ExtractChunk
) -> Iterator[list[Extraction | str]]:
    """Each chunk's outcomes (see :func:`newskg.extraction.pool.extract_each`), extracted by
    ``extract_chunk`` on the Dask cluster ``executor``, in input order, each as soon as it
    (and those before it) are back."""
    address = scheduler_address(executor)
    distributed = _distributed(executor)
    try:
        client = distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except OSError as exc:  # refused, unreachable, timed out: distributed says OSError
        raise ExecutorError(
            f"no Dask scheduler answered at {executor} ({address}) within "
            f"{CONNECT_SECONDS:g} s: {exc}; {START}"
        ) from exc
    with client:
        _check_workers(client, executor)
        futures = client.map(_one_at_a_time, chunks, extract_chunk=extract_chunk, pure=False)
        for future in futures:
            try:
                outcome: list[Extraction | str] = future.result()
            except distributed.KilledWorker as exc:
                raise ExecutorError(
                    f"a batch of articles killed the Dask workers of {executor} that ran it "
                    f"({exc}); their logs say why (often memory: give workers more, or run "
                    "fewer threads per worker)"
                ) from exc
            except OSError as exc:  # the scheduler went away (CommClosedError is an OSError)
                raise ExecutorError(f"lost the Dask scheduler at {executor}: {exc}") from exc
            yield outcome


def _distributed(executor: str) -> ModuleType:
    try:
        import distributed
    except ImportError as exc:
        raise ExecutorError(
            f"--executor {executor} needs Dask (the packages dask and distributed), which "
            f"is not installed in newskg's environment: install it with {INSTALL}"
        ) from exc
    return distributed


def _check_workers(client: Any, executor: str) -> None:
    """At least one worker, and every worker runs this version of newskg (another would
    extract differently; none cannot extract at all)."""
    try:
        client.wait_for_workers(1, timeout=CONNECT_SECONDS)
    except TimeoutError as exc:
        raise ExecutorError(
            f"the Dask scheduler at {executor} has no workers (none joined within "
            f"{CONNECT_SECONDS:g} s); start some with `dask worker "
            f"{scheduler_address(executor)}` where newskg is installed"
        ) from exc
    mine = importlib.metadata.version("newskg")
    theirs = client.run(importlib.metadata.version, "newskg", on_error="return")
    wrong = {w: v for w, v in theirs.items() if v != mine}
    if wrong:
        listed = ", ".join(
            f"{w} ({'not installed' if isinstance(v, Exception) else v})"
            for w, v in sorted(wrong.items())
        )
        raise ExecutorError(
            f"Dask workers of {executor} do not run newskg {mine}, as this command does: "
            f"{listed}; install newskg {mine} (with its spaCy model) in the workers' "
            "environment and restart them"
        )


def _one_at_a_time(chunk: list[ArticleText], extract_chunk: ExtractChunk) -> list[Extraction | str]:
    """The task each batch is on a worker (``extract_chunk`` travels by name: the worker
    imports it from its own newskg)."""
    with _ONE_BATCH_AT_A_TIME:
        return extract_chunk(chunk)
