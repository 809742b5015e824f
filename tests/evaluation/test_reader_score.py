"""The reader metric of :mod:`newskg.evaluation.reader_score` agrees with the reader set's own
scorer (``../shared/eval/reader/score.py``) page by page and overall."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from newskg.evaluation.reader_score import page_score, score_pages, summarize

ROOT = Path(__file__).resolve().parents[2]
READER = ROOT / ".." / "shared" / "eval" / "reader"


@pytest.fixture(scope="module")
def reference() -> ModuleType:
    script = READER / "score.py"
    if not script.exists():
        pytest.skip(f"{script} absent: the reader set lives in ../shared/eval/reader")
    spec = importlib.util.spec_from_file_location("reader_score_reference", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _predictions(ids: list[str]) -> dict[str, str]:
    """Predictions of every kind for real pages: the whole dump (all boilerplate kept), the
    truth's first half (a page lost), the truth plus noise, and an empty prediction."""
    preds = {}
    for n, page_id in enumerate(ids):
        truth = (READER / "truth" / f"{page_id}.txt").read_text("utf-8")
        kind = n % 4
        if kind == 0:
            preds[page_id] = (READER / "pages" / f"{page_id}.txt").read_text("utf-8")
        elif kind == 1:
            preds[page_id] = truth[: len(truth) // 3]
        elif kind == 2:
            preds[page_id] = truth + "\nShare this: Facebook Twitter. Most read. The the the."
        else:
            preds[page_id] = ""
    return preds


def test_agrees_with_score_py(reference: ModuleType) -> None:
    ids = sorted(p.stem for p in (READER / "truth").glob("*.txt"))[::37][:8]
    assert len(ids) == 8
    preds = _predictions(ids)
    ours = score_pages(READER / "truth", preds.__getitem__, ids)
    theirs = []
    for row in ours:
        truth = (READER / "truth" / f"{row.id}.txt").read_text("utf-8", errors="replace")
        ref = reference.page_scores(truth, preds[row.id])
        theirs.append(ref)
        assert (row.tp, row.n_pred, row.n_true) == (ref["tp"], ref["n_pred"], ref["n_true"])
        assert row.precision == ref["P"] and row.recall == ref["R"] and row.f1 == ref["F1"]
    mine, ref_summary = summarize(ours), reference.summarize(theirs)
    assert mine["macro_f1"] == ref_summary["macro_F1"]
    assert mine["macro_precision"] == ref_summary["macro_P"]
    assert mine["macro_recall"] == ref_summary["macro_R"]
    assert mine["micro_f1"] == ref_summary["micro_F1"]
    assert mine["pages_lost"] == ref_summary["pages_lost"] >= 2  # the halves and the empty
    assert mine["empty_predictions"] == ref_summary["empty_predictions"] == 2


def test_page_score_edges() -> None:
    assert page_score("a", "one two two", "").f1 == 0.0
    assert page_score("a", "one two two", "").precision is None
    empty = page_score("a", "", "")
    assert (empty.precision, empty.recall, empty.f1) == (1.0, 1.0, 1.0)
    half = page_score("a", "One two, two!", "two one three three")
    assert (half.tp, half.n_pred, half.n_true) == (2, 4, 3)
    assert half.precision == 0.5 and half.recall == pytest.approx(2 / 3)
