"""Benchmark: the whole publishing pipeline on the BBC corpus, beside spaCy alone.

    .venv/bin/python bench/pipeline.py [--corpus ../shared/corpus-bulk/bbc] [--limit 200]
                                       [--sizes 50,500,2213] [--runs 3] [--json FILE]
    .venv/bin/python bench/pipeline.py --quick      # 20 articles, stores of 20 and 50

All in one run, on one machine, so that the ratios compare like with like (issue #14):

1. **Throughput** on ``--limit`` articles drawn evenly over the corpus (every category;
   copied flat, as ``CATEGORY-NNN.txt``): spaCy alone (``nlp.pipe`` over the paragraphs
   extraction parses, :func:`extraction.spacy_alone`) and extraction
   (:func:`newskg.extraction.pool.extract_each`, one process), both in this process after a
   warm-up; then the whole ``newskg build`` as a command (interpreter, model load, dumps:
   what a user waits for) with ``--jobs 1`` and ``--jobs 2``, and on a Dask cluster of two
   workers started here on 127.0.0.1 (``--executor dask://``) when ``distributed`` is
   installed. Articles/s and the ratio to spaCy alone, by wall clock and by CPU time (the
   machine may be shared: CPU time is what the code costs; a build's counts its extraction
   processes, not the Dask workers); each build's peak RSS (``VmHWM`` of the build's
   process, and the sum of its extraction processes' peaks; again not the Dask workers').
2. **Add and remove** against store size: a store of each ``--sizes`` articles is built once
   (``--jobs 2``, not timed here); then ``--runs`` times, one new article is published with
   :func:`newskg.publishing.pipeline.add` and withdrawn again with ``remove`` (in this
   process, model loaded): the median of each, and the median of the new articles' own
   extraction, timed alone. Each run sends a different article (extractions are cached by
   file), copied from the corpus under a new name; a store of the whole corpus holds its
   text already (a story published twice), smaller stores do not.

One thread per process for the numeric libraries (as ``bench/extraction.py``). Prints the
command line, the machine and a Markdown table for docs/performance.md; ``--json FILE``
writes the figures. Not a test (``tests/bench/test_pipeline_bench.py`` runs ``--quick``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the other benches' helpers
# (extraction first: it limits the numeric libraries to one thread before they load)
from extraction import DEFAULT_CORPUS, sample, spacy_alone, timed  # noqa: E402
from run import BIN, machine  # noqa: E402

if TYPE_CHECKING:
    from newskg.extraction.model import ArticleText, Extraction

Row = dict[str, Any]
QUICK = {"limit": 20, "sizes": "20,50", "runs": 2}
POLL = 0.1  # seconds between two readings of a build's memory


def spread(paths: list[Path], n: int) -> list[Path]:
    """``n`` of ``paths`` spread evenly over the list (all of them when there are fewer)."""
    if n >= len(paths):
        return list(paths)
    return [paths[i * len(paths) // n] for i in range(n)]


def flat_copy(paths: list[Path], target: Path, prefix: str = "") -> list[Path]:
    """Copies of ``paths`` in one directory, named ``PREFIX CATEGORY-NNN.txt`` (the corpus
    repeats file names across its category directories)."""
    target.mkdir(parents=True, exist_ok=True)
    copies = []
    for path in paths:
        copy = target / f"{prefix}{path.parent.name}-{path.name}"
        shutil.copyfile(path, copy)
        copies.append(copy)
    return copies


def run_command(command: list[str], log: Path) -> tuple[float, dict[str, float], str]:
    """Run ``command``; its wall seconds, its CPU seconds and peak RSS in MiB
    (:func:`watch`) and stdout. A failure stops the benchmark with the end of its stderr."""
    with log.with_suffix(".out").open("w+b") as out, log.with_suffix(".err").open("w+b") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        peaks = watch(process)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            tail = err.read().decode("utf-8", "replace")[-2000:]
            sys.exit(f"{' '.join(command)} exited with {process.returncode}:\n{tail}")
        return wall, peaks, out.read().decode("utf-8")


def watch(process: subprocess.Popen[bytes]) -> dict[str, float]:
    """Wait for ``process``: its CPU seconds and those of the descendants it waited for
    (``wait4``), and the peak RSS (``VmHWM``, read from /proc every :data:`POLL` seconds) of
    it and the sum of its descendants' (extraction processes) in MiB. (Not ``wait4``'s
    ``ru_maxrss``: a child starts with the peak of the process it was forked from, here one
    with spaCy loaded, and exec keeps it.) The last moments before each exit are not seen."""
    peaks: dict[int, int] = {}
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            break
        pending = [process.pid]
        while pending:
            seen = pending.pop()
            try:
                memory = Path(f"/proc/{seen}/status").read_text()
                for task in Path(f"/proc/{seen}/task").iterdir():
                    pending += [int(c) for c in (task / "children").read_text().split()]
            except OSError:  # exited meanwhile
                continue
            for line in memory.splitlines():
                if line.startswith("VmHWM:"):
                    peaks[seen] = max(peaks.get(seen, 0), int(line.split()[1]))
        time.sleep(POLL)
    children = sum(kib for pid, kib in peaks.items() if pid != process.pid)
    return {
        "cpu": usage.ru_utime + usage.ru_stime,
        "self": peaks.get(process.pid, 0) / 1024,
        "descendants": children / 1024,
    }


def build(articles: Path, store: Path, *options: str) -> Row:
    """``newskg build`` of ``articles`` into a new ``store``: wall s, peak RSS, the report."""
    command = [str(BIN / "newskg"), "build", "--articles", str(articles), "--store", str(store)]
    wall, peaks, out = run_command(
        [*command, "--quiet", "--json", *options], store.parent / store.name
    )
    report = json.loads(out)
    return {
        "seconds": wall,
        "cpu_seconds": peaks["cpu"],
        "peak_rss_mib": peaks["self"],
        "descendants_peak_rss_mib": peaks["descendants"],
        "published": report["articles_published"],
        "rejected": len(report["articles_rejected"]),
        "pipeline_seconds": report["seconds"],
    }


def extract_all(articles: list[ArticleText]) -> list[Extraction | str]:
    """Every outcome of :func:`newskg.extraction.pool.extract_each` in this process (it
    yields them batch by batch: all are taken, so all are extracted)."""
    from newskg.extraction.pool import extract_each

    return list(extract_each(articles, 1))


# --- 1. throughput -------------------------------------------------------------------------


def throughput(articles_dir: Path, work: Path) -> dict[str, Row]:
    """spaCy alone, extraction, and the whole build (jobs 1 and 2, Dask) on the same files."""
    from newskg.extraction.nlp import get_nlp
    from newskg.extraction.reader import article_paths, read_article

    articles = [read_article(p) for p in article_paths(articles_dir)]
    nlp = get_nlp()
    extract_all(articles[:1])  # warm-up: model loaded, caches filled
    outcomes, wall_x, cpu_x = timed(partial(extract_all, articles))
    paragraphs, wall_s, cpu_s = spacy_alone(nlp, articles)
    n = len(articles)
    rows: dict[str, Row] = {
        "spacy_alone": {"seconds": wall_s, "cpu_seconds": cpu_s, "paragraphs": paragraphs},
        "extraction": {
            "seconds": wall_x,
            "cpu_seconds": cpu_x,
            "failed": sum(1 for o in outcomes if isinstance(o, str)),
            "extracted": sum(1 for o in outcomes if not isinstance(o, str)),
        },
    }
    for jobs in (1, 2):
        print(f"newskg build --jobs {jobs} of {n} articles …", file=sys.stderr, flush=True)
        rows[f"build_jobs_{jobs}"] = build(
            articles_dir, work / f"store-j{jobs}", "--jobs", str(jobs)
        )
    rows["build_dask"] = dask_build(articles_dir, work)
    for key, row in rows.items():
        row["label"] = LABELS[key]
        if "seconds" in row:
            row["articles"] = n
            row["articles_per_s"] = n / row["seconds"]
            row["x_spacy_alone"] = row["articles_per_s"] / (n / wall_s)
            if key != "build_dask":  # the workers' CPU time is not the build's to count
                row["x_spacy_alone_cpu"] = cpu_s / row["cpu_seconds"]
    return rows


def dask_build(articles_dir: Path, work: Path) -> Row:
    """``newskg build --executor dask://…`` on a scheduler and two one-thread workers started
    here on 127.0.0.1 (:func:`newskg.extraction.dask_cluster.local_cluster`, stopped after),
    or why it was skipped."""
    if importlib.util.find_spec("distributed") is None:
        return {"skipped": "dask not installed"}
    from newskg.extraction.dask_cluster import local_cluster

    with local_cluster(workers=2) as executor:
        print("newskg build on Dask (2 workers) …", file=sys.stderr, flush=True)
        row = build(articles_dir, work / "store-dask", "--executor", executor)
    row["workers"] = 2
    return row


# --- 2. add and remove against store size --------------------------------------------------


def add_remove(corpus: list[Path], sizes: list[int], runs: int, work: Path) -> list[Row]:
    """Per store size: the store's build, then ``runs`` adds of a new article and removes of
    it (medians), and the new articles' own extraction (median)."""
    from newskg.extraction.reader import read_article
    from newskg.publishing import pipeline

    sources = spread(corpus, runs)
    others = [p for p in corpus if p not in sources]
    new = [read_article(p) for p in flat_copy(sources, work / "new", prefix="new-")]
    alone = [timed(partial(extract_all, [article]))[1] for article in new]
    rows = []
    for size in sizes:
        chosen = spread(others, size) if size <= len(others) else corpus
        articles = flat_copy(chosen, work / f"size-{size}")
        print(f"a store of {len(chosen)} articles …", file=sys.stderr, flush=True)
        store = work / f"store-{size}"
        setup = build(articles[0].parent, store, "--jobs", "2")
        adds, removes = [], []
        for article in new:
            path = Path(article.source)
            result, seconds, _ = timed(partial(pipeline.add, [path], store))
            assert result.added == [article.id], result.summary()
            adds.append(seconds)
            result, seconds, _ = timed(partial(pipeline.remove, [article.id], store))
            assert result.removed == [article.id], result.summary()
            removes.append(seconds)
        rows.append(
            {
                "store_articles": setup["published"],
                "store_build_seconds": setup["seconds"],
                "store_peak_rss_mib": setup["peak_rss_mib"],
                "add_seconds": statistics.median(adds),
                "remove_seconds": statistics.median(removes),
                "extraction_seconds": statistics.median(alone),
                "runs": runs,
                "text_already_in_store": size > len(others),
            }
        )
    return rows


# --- the report ----------------------------------------------------------------------------

LABELS = {
    "spacy_alone": "spaCy alone (`nlp.pipe`, this process)",
    "extraction": "extraction (`extract_each`, this process)",
    "build_jobs_1": "`newskg build --jobs 1`",
    "build_jobs_2": "`newskg build --jobs 2`",
    "build_dask": "`newskg build --executor dask://` (2 local workers)",
}


def versions() -> str:
    import pyoxigraph
    import spacy

    from newskg.extraction.nlp import get_nlp

    meta = get_nlp().meta
    return (
        f"pyoxigraph {pyoxigraph.__version__}, spaCy {spacy.__version__} "
        f"({meta.get('lang')}_{meta.get('name')} {meta.get('version')})"
    )


def markdown(figures: dict[str, Any]) -> str:
    lines = [
        f"`{figures['command']}`",
        "",
        f"{figures['machine']}; {figures['versions']}",
        "",
        "| run | articles | wall s | articles/s | x spaCy alone | CPU s | x spaCy alone (CPU) "
        "| peak RSS MiB (+ extraction processes) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, label in LABELS.items():
        row = figures["throughput"][key]
        if "skipped" in row:
            lines.append(f"| {label} | skipped: {row['skipped']} | | | | | | |")
            continue
        rss = ""
        if "peak_rss_mib" in row:
            rss = f"{row['peak_rss_mib']:,.0f}"
            if row["descendants_peak_rss_mib"]:
                rss += f" (+{row['descendants_peak_rss_mib']:,.0f})"
        cpu = f"{row['cpu_seconds']:.1f} | " + (
            f"{row['x_spacy_alone_cpu']:.2f}" if "x_spacy_alone_cpu" in row else "n/a: workers"
        )
        lines.append(
            f"| {label} | {row['articles']} | {row['seconds']:.1f} | "
            f"{row['articles_per_s']:.2f} | {row['x_spacy_alone']:.2f} | {cpu} | {rss} |"
        )
    lines += [
        "",
        "| store articles | add s (median) | remove s (median) | new article's extraction s "
        "| runs | store build s | store build peak RSS MiB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in figures["add_remove"]:
        lines.append(
            f"| {row['store_articles']:,} | {row['add_seconds']:.2f} | "
            f"{row['remove_seconds']:.2f} | {row['extraction_seconds']:.2f} | {row['runs']} | "
            f"{row['store_build_seconds']:.1f} | {row['store_peak_rss_mib']:,.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=200, help="articles for throughput")
    ap.add_argument("--sizes", default="50,500,2213", help="store sizes for add and remove")
    ap.add_argument("--runs", type=int, default=3, help="adds and removes per store size")
    ap.add_argument("--quick", action="store_true", help="20 articles, sizes 20,50, 2 runs")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    ap.add_argument("--keep", type=Path, help="work directory to keep (default: temporary)")
    args = ap.parse_args(argv)
    if args.quick:
        for name, value in QUICK.items():
            setattr(args, name, value)
    sizes = [int(size) for size in str(args.sizes).split(",")]

    corpus = sample(args.corpus, sys.maxsize)  # every file, sorted
    work = args.keep or Path(tempfile.mkdtemp(prefix="newskg-bench-pipeline-"))
    try:
        articles = flat_copy(sample(args.corpus, args.limit), work / "articles")
        figures: dict[str, Any] = {
            "command": " ".join(["bench/pipeline.py", *(sys.argv[1:] if argv is None else argv)]),
            "machine": machine(),
            "versions": versions(),
            "throughput": throughput(articles[0].parent, work),
            "add_remove": add_remove(corpus, sizes, args.runs, work),
        }
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(markdown(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
