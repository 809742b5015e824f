"""A build's extraction ran in a multi-threaded process (issue 14, "Build close to the
language model's speed").

``newskg build --jobs 1`` opened the new version's RocksDB store before extracting (RocksDB
starts three threads when it opens), and numpy's OpenBLAS started a thread of its own when
spaCy loaded it. From a process's first extra thread on, glibc's malloc takes a lock on every
call, and spaCy makes millions of small allocations: its parse of 200 BBC articles took 11.8 s
inside the build against 10.1 s alone (bench/pipeline.py). Now the store opens when the first
graph is written, and the command keeps numeric libraries to one thread per process (``--jobs``
is how it uses cores). Replayed as a user runs it: the command, no thread variables set.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Counts this process's threads each time spaCy is given a batch, then runs the command.
# (newskg.cli first, as the console script does: it sets the thread defaults.)
DRIVER = """
import json, os, sys
from newskg.cli import main
from newskg.extraction import nlp
counts = []
parse = nlp._parse
def counted(texts):
    counts.append(len(os.listdir("/proc/self/task")))
    yield from parse(texts)
nlp._parse = counted
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print(json.dumps(counts))
"""


def test_extraction_runs_in_a_single_threaded_process(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
    }
    store = tmp_path / "store"
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, "build", "--articles", str(ROOT / "articles")]
        + ["--store", str(store), "--jobs", "1", "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout.splitlines()[-1])
    assert counts and counts == [1] * len(counts), counts
    # The build went on to write the store (its threads came after the parse).
    assert (store / "current").exists()
