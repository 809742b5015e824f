"""Benchmark: extraction throughput on the BBC bulk corpus, beside spaCy alone.

    .venv/bin/python bench/extraction.py [--corpus ../shared/corpus-bulk/bbc] [--limit 200]
                                         [--json]

One process, one thread for the numeric libraries (set before they load), so the figure is
"on one core" as issue #13's target says (>= 2.5 articles/s). In the same run:

1. ``--limit`` articles drawn evenly over the corpus's sorted file list (every category);
2. warm-up: the spaCy pipeline loaded and one article extracted, untimed;
3. **newskg**: every article read (:func:`newskg.extraction.reader.read_article`) and
   extracted (:func:`newskg.extraction.extract.extract_many`, as the build does with one job);
4. **spaCy alone**: ``nlp.pipe`` over the very paragraphs extraction parsed (the body blocks
   of the same articles), with the same pipeline (:func:`newskg.extraction.nlp.get_nlp`).

Prints articles/s for both, by wall clock and by this process's CPU time (the machine may be
shared: CPU time is what the code costs, wall time what a user waits), and the ratio: how
much of extraction's time is spaCy's parse. Not a test (the corpus is outside the repo).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy loads: one core

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, TypeVar  # noqa: E402

from newskg.extraction.model import ArticleText  # noqa: E402 (plain data: no numpy)

if TYPE_CHECKING:
    from spacy.language import Language

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT / ".." / "shared" / "corpus-bulk" / "bbc"
TARGET = 2.5  # articles/s, issue #13
T = TypeVar("T")


def sample(corpus: Path, limit: int) -> list[Path]:
    """``limit`` article files spread evenly over the sorted list (every category)."""
    paths = sorted(p for p in corpus.rglob("*.txt") if p.name != "README.TXT")
    if not paths:
        sys.exit(f"no article files under {corpus}: the bulk corpus lives in ../shared")
    step = max(1, len(paths) // limit)
    return paths[::step][:limit]


def timed(work: Callable[[], T]) -> tuple[T, float, float]:
    """``work()``, its wall and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def spacy_alone(nlp: Language, articles: list[ArticleText]) -> tuple[int, float, float]:
    """``nlp.pipe`` over the paragraphs extraction parses (the articles' body blocks): the
    number of paragraphs, wall and CPU seconds. Also used by ``bench/pipeline.py``."""
    texts = [span.of(a.text) for a in articles for span in a.body]
    docs, wall, cpu = timed(lambda: sum(1 for _ in nlp.pipe(texts, batch_size=64)))
    assert docs == len(texts)
    return len(texts), wall, cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=200, help="articles (default 200)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)

    from newskg.extraction.extract import extract, extract_many
    from newskg.extraction.nlp import get_nlp
    from newskg.extraction.reader import ArticleError, read_article

    paths = sample(args.corpus, args.limit)
    nlp = get_nlp()
    extract(read_article(paths[0]))  # warm-up: model loaded, caches filled

    def read_and_extract() -> tuple[list[ArticleText], int, int]:
        articles, rejected = [], 0
        for path in paths:
            try:
                articles.append(read_article(path))
            except ArticleError:
                rejected += 1
        return articles, rejected, sum(1 for _ in extract_many(articles))

    (articles, rejected, extracted), wall_x, cpu_x = timed(read_and_extract)
    paragraphs, wall_s, cpu_s = spacy_alone(nlp, articles)
    n = len(paths)
    figures = {
        "articles": n,
        "rejected": rejected,
        "extracted": extracted,
        "paragraphs": paragraphs,
        "newskg": {"seconds": wall_x, "cpu_seconds": cpu_x, "articles_per_s": n / wall_x},
        "spacy_alone": {"seconds": wall_s, "cpu_seconds": cpu_s, "articles_per_s": n / wall_s},
        "newskg_cpu_articles_per_s": n / cpu_x,
        "spacy_cpu_articles_per_s": n / cpu_s,
        "spacy_share_of_time": wall_s / wall_x,
        "target_articles_per_s": TARGET,
        "target_met": n / wall_x >= TARGET,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"{n} articles ({rejected} rejected by the reader), {paragraphs} body paragraphs")
    print(f"{'':<14} {'wall s':>8} {'art/s':>7} {'cpu s':>8} {'art/s (cpu)':>12}")
    for name, key in (("newskg", "newskg"), ("spaCy alone", "spacy_alone")):
        f = figures[key]
        assert isinstance(f, dict)
        print(
            f"{name:<14} {f['seconds']:8.1f} {f['articles_per_s']:7.2f} "
            f"{f['cpu_seconds']:8.1f} {n / f['cpu_seconds']:12.2f}"
        )
    print(
        f"spaCy's parse is {figures['spacy_share_of_time']:.0%} of extraction's time; "
        f"target >= {TARGET} articles/s: {'met' if figures['target_met'] else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
