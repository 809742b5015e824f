"""Extraction of many articles, over several processes: the one pool ``newskg build`` (and
``add``) and ``newskg eval`` use.

Results come back in input order, so the output is the same whatever the number of jobs. An
article whose extraction raises does not stop the others: its place in the results holds
the error (``"TypeName: message"``) and the caller decides (a build rejects the article, an
evaluation stops). Processes are spawned, not forked: each loads the spaCy model once itself
(forking a loaded model is unsafe with its threads); results come back pickled.
"""

from __future__ import annotations

import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from newskg.extraction.model import ArticleText, Extraction

CHUNK = 8  # articles per extraction batch (and per process task with jobs > 1)
log = logging.getLogger(__name__)


def extract_each(articles: list[ArticleText], jobs: int = 1) -> list[Extraction | str]:
    """Each article's extraction, or the error it raised, in input order (over ``jobs``
    processes when there is more than one batch of :data:`CHUNK` articles)."""
    chunks = [articles[i : i + CHUNK] for i in range(0, len(articles), CHUNK)]
    if jobs <= 1 or len(chunks) < 2:
        return [x for chunk in chunks for x in _extract_chunk(chunk)]
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_load_model
    ) as pool:
        return [x for part in pool.map(_extract_chunk, chunks) for x in part]


def _load_model() -> None:
    from newskg.extraction.nlp import get_nlp

    get_nlp()


def _extract_chunk(articles: list[ArticleText]) -> list[Extraction | str]:
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
