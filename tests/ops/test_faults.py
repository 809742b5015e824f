"""``kill -9`` of ``newskg build`` and ``newskg add`` at random points of their lifetime.

Each kill is followed by checks that the published version is complete and valid (opens
read-only, holds exactly the articles and triples its summary lists, conforms to the shapes,
its dumps complete or absent) and holds either the articles of before the run or those of
after it, never a mix; then the same operation runs again (in this process) and must succeed.
The lifetimes are measured first (a cold build and a cold add); each run gets a new article,
so every killed process loads spaCy and extracts. ``NEWSKG_FAULT_SEED`` replays a run.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from newskg.backends import versions as store
from newskg.publishing import pipeline
from tests.ops import synthetic
from tests.ops.publishing import NEWSKG, ROOT, check_published

pytestmark = pytest.mark.slow
KILLS = 10  # per command: 20 processes killed in all (runs that finish first do not count)


def cli(*args: str | Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSKG_")}
    return subprocess.Popen(
        [*NEWSKG, *map(str, args), "--quiet"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def timed(*args: str | Path) -> float:
    started = time.monotonic()
    assert cli(*args).wait(timeout=300) == 0, args
    return time.monotonic() - started


def published_articles(store_dir: Path) -> set[str]:
    version = store.published(store_dir)
    return set(version.summary()["published"]) if version else set()


def check_dumps(store_dir: Path, version: store.Version) -> None:
    """The version's dumps are complete (every file SHA256SUMS lists matches) or absent."""
    folder = store_dir / "dumps" / version.id
    sums = folder / "SHA256SUMS"
    if not sums.is_file():
        return
    for line in sums.read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name


def test_kill_9_at_random_points(tmp_path: Path) -> None:
    seed = int(os.environ.get("NEWSKG_FAULT_SEED", random.randrange(2**32)))
    rng = random.Random(seed)
    print(f"\nNEWSKG_FAULT_SEED={seed}")
    store_dir, build_dir, add_dir = tmp_path / "store", tmp_path / "build", tmp_path / "add"
    for n in range(3):
        synthetic.write(build_dir, n)
    lifetime = {
        "build": timed("build", "--articles", build_dir, "--store", store_dir),
        "add": timed("add", synthetic.write(add_dir, 50), "--store", store_dir),
    }
    print("lifetimes (s): " + ", ".join(f"{k} {v:.2f}" for k, v in lifetime.items()))
    checked: set[str] = set()
    outcomes: Counter[str] = Counter()
    kills: Counter[str] = Counter()
    for i in range(4 * KILLS):
        if min(kills["build"], kills["add"]) >= KILLS:
            break
        kind = rng.choice([k for k in ("build", "add") if kills[k] < KILLS])
        before = published_articles(store_dir)
        if kind == "build":
            synthetic.write(build_dir, 100 + i)
            # A build keeps the published articles its folder lacks (those added): no --prune.
            after = before | {p.stem for p in build_dir.glob("*.txt")}
            args: tuple[str | Path, ...] = ("build", "--articles", build_dir, "--store", store_dir)
        else:
            new = synthetic.write(add_dir, 100 + i)
            after = before | {new.stem}
            args = ("add", new, "--store", store_dir)
        delay = rng.uniform(0.02, 0.95) * lifetime[kind]
        process = cli(*args)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        code = process.wait(timeout=60)
        now = published_articles(store_dir)
        state = (
            "completed"
            if code == 0
            else (
                "killed after publishing"
                if now == after and now != before
                else "killed before publishing"
            )
        )
        outcomes[f"{kind} {state}"] += 1
        kills[kind] += code == -signal.SIGKILL
        if code == 0:
            # It finished before the kill: runs are faster than the first, timed one (warm
            # caches, an add that publishes in a fraction of a second), so aim earlier.
            lifetime[kind] = min(lifetime[kind], delay) * 0.8
        assert now in (before, after), f"run {i} ({kind}, {delay:.2f} s): a mix was published"
        version = store.published(store_dir)
        assert version is not None
        if version.id not in checked:
            check_published(store_dir)
            check_dumps(store_dir, version)
            checked.add(version.id)
        # The same operation again, to completion: it sweeps what the kill left and publishes
        # (the next round checks what it published).
        if kind == "build":
            result = pipeline.build(build_dir, store_dir, "http://localhost:8000/")
        else:
            result = pipeline.add([new], store_dir)
        assert not result.rejected and result.dump_error is None
        assert published_articles(store_dir) == after
        assert not list((store_dir / "versions").glob(".tmp-*"))
    check_published(store_dir)
    print("kill -9 runs: " + ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items())))
    assert min(kills["build"], kills["add"]) >= KILLS, outcomes
