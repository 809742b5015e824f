"""Extraction of many articles, over several processes or a Dask cluster: the one pool
``newskg build`` (and ``add``) and ``newskg eval`` use.

Results come back in input order, so the output is the same whatever the number of jobs. An
article whose extraction raises does not stop the others: its place in the results holds
the error (``"TypeName: message"``) and the caller decides (a build rejects the article, an
evaluation stops). Processes are spawned, not forked: each loads the spaCy model once itself
(forking a loaded model is unsafe with its threads); results come back pickled. With an
``executor`` (``dask://HOST:PORT``) the same batches run on an existing Dask cluster instead
(:mod:`newskg.extraction.dask_pool`), through the same :func:`extract_chunk`.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from newskg.extraction.model import ArticleText, Extraction

CHUNK = 8  # articles per extraction batch: per task of the process pool or Dask cluster
log = logging.getLogger(__name__)


def extract_each(
    articles: list[ArticleText], jobs: int = 1, *, executor: str | None = None
) -> Iterator[Extraction | str]:
    """Each article's extraction, or the error it raised, in input order, each as soon as
    its batch is done (over ``jobs`` processes when there is more than one batch of
    :data:`CHUNK` articles, or on the Dask cluster ``executor`` when one is given: ``jobs``
    is then the cluster's business). A generator: the caller keeps what it needs, so an
    archive's extractions need not all be in memory at once.

    Raises :class:`newskg.extraction.dask_pool.ExecutorError` when the executor cannot be
    used (dask not installed, no scheduler at that address, no workers)."""
    chunks = [articles[i : i + CHUNK] for i in range(0, len(articles), CHUNK)]
    if executor and chunks:
        from newskg.extraction.dask_pool import extract_chunks

        for part in extract_chunks(chunks, executor, extract_chunk):
            yield from part
        return
    if jobs <= 1 or len(chunks) < 2:
        for chunk in chunks:
            yield from extract_chunk(chunk)
        return
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_load_model
    ) as pool:
        for part in pool.map(extract_chunk, chunks):
            yield from part


def _load_model() -> None:
    from newskg.extraction.nlp import get_nlp

    get_nlp()


def extract_chunk(articles: list[ArticleText]) -> list[Extraction | str]:
    """Extract a chunk in one batch; if one article fails, each on its own so only it fails."""
    # imported here: spaCy loads only where articles are extracted, not with the pipeline
    from newskg.extraction.extract import extract, extract_many

    try:
        return list(extract_many(articles))
    except Exception:  # noqa: BLE001 - find which article it was, below
        pass
    outcomes: list[Extraction | str] = []
    for article in articles:
        try:
            outcomes.append(extract(article))
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the others
            log.exception("extraction failed for %s", article.source)
            outcomes.append(f"{type(exc).__name__}: {exc}")
    return outcomes
