"""Benchmark: publishing to a triple store, ``--store sparql+http://…`` (issue #14, H3).

    .venv/bin/python bench/remote_push.py --store-dir DIR [--corpus ../shared/corpus-bulk/bbc]
                                          [--limit 200] [--stores oxigraph,virtuoso]

``DIR`` is a local store built from ``--limit`` BBC articles drawn evenly over the corpus
(``newskg build --articles A --store DIR``; the articles are symlinked into ``DIR.articles``
and built when ``DIR`` holds nothing yet, untimed). For each store (a real ``oxigraph serve``
and ``virtuoso-t`` on loopback, started as tests/backends/ starts them):

1. **full push**: ``DIR`` copied as the staging directory, the published version pushed to
   the empty store (:func:`newskg.backends.remote.push`, the step ``after_publish`` runs),
   timed: articles/s = articles / seconds; then the same with one Graph Store Protocol PUT
   per graph (``BATCH_BYTES = 0``: what a push did before batches), on a fresh store;
2. **add**: ``newskg add`` of one more article through the command line; the push's own
   seconds are read from its report line ("pushed version … (S s)");
3. **digests**: what a push reads of the local version to tell what changed, with the summary's
   records (now) and hashing every graph (before).

Not a test (the corpus is outside the repo, and timings are not asserted).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newskg.backends import remote  # noqa: E402
from newskg.backends.remote import batches, pushing  # noqa: E402
from newskg.backends.versions import published  # noqa: E402
from tests.backends.stores import RUNNERS, Remote  # noqa: E402

NEWSKG = [sys.executable, "-m", "newskg.cli"]


def sample(corpus: Path, limit: int) -> list[Path]:
    """``limit`` article files spread evenly over the sorted list (every category), and the
    next one (the article the add step sends)."""
    paths = sorted(p for p in corpus.rglob("*.txt") if p.name != "README.TXT")
    step = max(1, len(paths) // limit)
    return paths[::step][: limit + 1]


def link(paths: list[Path], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for path in paths:  # names repeat across categories (001.txt): prefix the category
        target = folder / f"{path.parent.name}-{path.name}"
        if not target.exists():
            target.symlink_to(path.resolve())


def store_setting(running: Remote, staging: Path) -> str:
    params = {**running.params, "staging": str(staging)}
    return "sparql+" + running.url + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def full_push(kind: str, store_dir: Path, work: Path, batch_bytes: int) -> float:
    staging = work / f"staging-{kind}-{batch_bytes}"
    shutil.copytree(store_dir, staging, symlinks=True)
    with RUNNERS[kind](work) as running:
        os.environ.update(running.env)
        client = remote.connect(store_setting(running, staging))
        version = published(staging)
        assert version is not None
        batches.BATCH_BYTES = batch_bytes
        started = time.monotonic()
        try:
            report = remote.push(client, staging, version)
        finally:
            batches.BATCH_BYTES = BATCH_BYTES
        seconds = time.monotonic() - started
        print(f"  {kind}: {report}")
    return seconds


def add_one(kind: str, store_dir: Path, work: Path, article: Path) -> tuple[float, float]:
    """(seconds of the add's push, of the whole add) after a full push."""
    staging = work / f"staging-{kind}-add"
    shutil.copytree(store_dir, staging, symlinks=True)
    with RUNNERS[kind](work) as running:
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSKG_")}
        env |= running.env
        setting = store_setting(running, staging)
        subprocess.run([*NEWSKG, "push", "--store", setting], env=env, check=True, cwd=ROOT)
        started = time.monotonic()
        done = subprocess.run(
            [*NEWSKG, "add", str(article), "--store", setting],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        whole = time.monotonic() - started
    found = re.search(r"pushed version .*\(([\d.]+) s\)", done.stdout + done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"newskg add failed:\n{done.stdout}{done.stderr}")
    print(f"  {kind}: {found.group(0)}")
    return float(found.group(1)), whole


def digests(store_dir: Path) -> tuple[float, float]:
    version = published(store_dir)
    assert version is not None
    local = pyoxigraph.Store.read_only(str(version.path))
    started = time.monotonic()
    pushing.graph_digests(local, version)
    recorded = time.monotonic() - started
    started = time.monotonic()
    pushing.graph_digests(local)
    hashed = time.monotonic() - started
    return recorded, hashed


BATCH_BYTES = batches.BATCH_BYTES


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store-dir", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpus-bulk/bbc")
    ap.add_argument("--limit", type=int, default=200)
    ap.add_argument("--stores", default="oxigraph,virtuoso")
    args = ap.parse_args()
    paths = sample(args.corpus, args.limit)
    articles, extra = paths[: args.limit], paths[args.limit]
    if published(args.store_dir) is None:
        folder = Path(str(args.store_dir) + ".articles")
        link(articles, folder)
        subprocess.run(
            [*NEWSKG, "build", "--articles", folder, "--store", args.store_dir, "--quiet"],
            check=True,
            cwd=ROOT,
        )
    version = published(args.store_dir)
    assert version is not None
    count = len(version.summary().get("articles") or {})
    print(f"version {version.id}: {count} articles, {version.summary().get('triples')} triples")
    rows = []
    with tempfile.TemporaryDirectory(prefix="newskg-bench-") as tmp:
        work = Path(tmp)
        extra_dir = work / "extra"
        link([extra], extra_dir)
        for kind in args.stores.split(","):
            batched = full_push(kind, args.store_dir, work, BATCH_BYTES)
            per_graph = full_push(kind, args.store_dir, work, 0)
            add_push, add_whole = add_one(kind, args.store_dir, work, next(extra_dir.iterdir()))
            rows.append((kind, batched, per_graph, add_push, add_whole))
    recorded, hashed = digests(args.store_dir)
    print()
    print(
        "| store | full push, batched | articles/s | one PUT per graph | articles/s "
        "| add: push | add: whole |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for kind, batched, per_graph, add_push, add_whole in rows:
        print(
            f"| {kind} | {batched:.1f} s | {count / batched:.0f} | {per_graph:.1f} s | "
            f"{count / per_graph:.0f} | {add_push:.2f} s | {add_whole:.1f} s |"
        )
    print(
        f"\ndigests of the local version: {recorded * 1000:.0f} ms from the records, "
        f"{hashed * 1000:.0f} ms hashing every graph"
    )


if __name__ == "__main__":
    main()
