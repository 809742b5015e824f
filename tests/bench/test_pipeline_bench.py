"""``bench/pipeline.py --quick`` runs end to end on the BBC corpus of ../shared and prints
every row of its tables, with figures that make sense (counts exact; times and memory only
positive: timings are the benchmark's business, not a test's)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / ".." / "shared" / "corpus-bulk" / "bbc"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CORPUS.is_dir(), reason=f"the BBC corpus is not at {CORPUS} (it lives in ../shared)"
    ),
]


@pytest.mark.timeout(1800)
def test_quick_run_reports_every_row(tmp_path: Path) -> None:
    figures_file = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, "bench/pipeline.py", "--quick", "--json", str(figures_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    table = done.stdout.splitlines()
    figures = json.loads(figures_file.read_text())
    assert table[0] == f"`bench/pipeline.py --quick --json {figures_file}`"
    assert table[2].startswith(f"{figures['machine']}; pyoxigraph ") and "spaCy " in table[2]

    rows = {line.split(" | ")[0].removeprefix("| "): line for line in table if line[:2] == "| "}
    throughput = figures["throughput"]
    labels = {key: row["label"] for key, row in throughput.items()}
    assert list(labels) == [
        "spacy_alone",
        "extraction",
        "build_jobs_1",
        "build_jobs_2",
        "build_dask",
    ]
    assert set(labels.values()) <= rows.keys(), table
    dask = throughput.pop("build_dask")
    if importlib.util.find_spec("distributed") is None:
        assert dask == {"skipped": "dask not installed", "label": labels["build_dask"]}
        assert "skipped: dask not installed" in rows[labels["build_dask"]]
    else:
        throughput["build_dask"] = dask
    for key, row in throughput.items():
        assert row["articles"] == 20, key
        assert row["seconds"] > 0 and row["articles_per_s"] == pytest.approx(20 / row["seconds"])
        assert f"| {row['articles_per_s']:.2f} | {row['x_spacy_alone']:.2f} |" in rows[labels[key]]
        if key.startswith("build"):
            assert (row["published"], row["rejected"]) == (20, 0), key
            assert row["cpu_seconds"] > 0, key
            assert ("x_spacy_alone_cpu" in row) == (key != "build_dask"), key
            assert row["peak_rss_mib"] > 50, key  # the process with spaCy loaded was seen
    assert throughput["spacy_alone"]["x_spacy_alone"] == 1
    assert (throughput["extraction"]["extracted"], throughput["extraction"]["failed"]) == (20, 0)
    assert throughput["build_jobs_1"]["descendants_peak_rss_mib"] == 0  # no extraction process
    assert throughput["build_jobs_2"]["descendants_peak_rss_mib"] > 50  # two of them

    sizes = figures["add_remove"]
    assert [row["store_articles"] for row in sizes] == [20, 50]
    for row in sizes:
        assert row["runs"] == 2 and not row["text_already_in_store"]
        assert min(row["add_seconds"], row["remove_seconds"], row["extraction_seconds"]) > 0
        assert rows[str(row["store_articles"])].startswith(
            f"| {row['store_articles']} | {row['add_seconds']:.2f} | {row['remove_seconds']:.2f} |"
        )
