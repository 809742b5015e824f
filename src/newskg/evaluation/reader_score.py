"""The reader set scored as ``../shared/eval/reader/score.py`` scores it, without running it.

The reader set (``reader/pages/<id>.txt`` text dumps, ``reader/pages/<id>.html.gz`` saved
pages, ``reader/truth/<id>.txt`` the body as published) measures what the reader keeps as
body. The metric is reimplemented here rather than imported so that ``newskg eval`` does not
depend on a script outside the package; a test checks both agree page by page:

* tokens: ``re.findall(r"\\w+", text.lower())``, compared as multisets;
* per page: P = tp / |pred|, R = tp / |truth|, F1 = 2PR / (P + R); an empty prediction has no
  precision and R = F1 = 0 (an empty truth with an empty prediction is F1 1);
* overall: macro P over pages with a prediction, macro R and macro F1 over all pages, micro
  P/R/F1 from the summed counts, and *pages lost*: pages with R < 0.5.

What the reader keeps is :func:`newskg.extraction.reader.read_article`'s body blocks joined by
newlines (what ``newskg read`` prints as ``body``); a page the reader rejects is an empty
prediction, so it counts as lost instead of being skipped.
"""

from __future__ import annotations

import gzip
import logging
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TOKEN_RE = re.compile(r"\w+")
LOST_RECALL = 0.5  # a page whose body recall is below this is lost
#: The two forms of each page: a text dump and a saved HTML page (gzip).
FORMS = {"text": ".txt", "html": ".html.gz"}


@dataclass(frozen=True)
class PageScore:
    id: str
    tp: int
    n_pred: int
    n_true: int
    precision: float | None  # None: empty prediction
    recall: float
    f1: float


def tokens(text: str) -> Counter[str]:
    """The multiset of lower-cased word tokens.

    >>> sorted(tokens("It's 2 o'clock, it is.").items())
    [('2', 1), ('clock', 1), ('is', 1), ('it', 2), ('o', 1), ('s', 1)]
    """
    return Counter(TOKEN_RE.findall(text.lower()))


def page_score(page_id: str, truth: str, pred: str) -> PageScore:
    t, p = tokens(truth), tokens(pred)
    nt, np_ = sum(t.values()), sum(p.values())
    tp = sum((t & p).values())
    precision = tp / np_ if np_ else None
    recall = tp / nt if nt else (1.0 if not np_ else 0.0)
    if precision is None:
        f1 = 0.0 if nt else 1.0
        precision = None if nt else 1.0
    else:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PageScore(page_id, tp, np_, nt, precision, recall, f1)


def summarize(rows: list[PageScore]) -> dict[str, Any]:
    """Macro and micro figures and pages lost, as score.py's ``summarize`` (key names in
    lower case)."""
    if not rows:
        return {"pages": 0}
    ps = [r.precision for r in rows if r.precision is not None]
    mp = sum(ps) / len(ps) if ps else 0.0
    mr = sum(r.recall for r in rows) / len(rows)
    tp = sum(r.tp for r in rows)
    npred = sum(r.n_pred for r in rows)
    ntrue = sum(r.n_true for r in rows)
    up = tp / npred if npred else 0.0
    ur = tp / ntrue if ntrue else 0.0
    lost = sum(1 for r in rows if r.recall < LOST_RECALL)
    return {
        "pages": len(rows),
        "macro_precision": mp,
        "macro_recall": mr,
        "macro_f1": sum(r.f1 for r in rows) / len(rows),
        "micro_precision": up,
        "micro_recall": ur,
        "micro_f1": 2 * up * ur / (up + ur) if up + ur else 0.0,
        "pages_lost": lost,
        "lost_share": lost / len(rows),
        "empty_predictions": sum(1 for r in rows if r.n_pred == 0),
        "lost_ids": sorted(r.id for r in rows if r.recall < LOST_RECALL),
    }


def kept_body(path: Path) -> str:
    """What the reader keeps of one file as body ("" when it rejects the file)."""
    from newskg.extraction.reader import ArticleError, read_article

    try:
        art = read_article(path)
    except ArticleError:
        return ""
    return "\n".join(span.of(art.text) for span in art.body)


def score_pages(
    truth_dir: Path, predict: Callable[[str], str], ids: Iterable[str] | None = None
) -> list[PageScore]:
    """Each truth page scored against ``predict(id)``."""
    wanted = sorted(ids) if ids is not None else sorted(p.stem for p in truth_dir.glob("*.txt"))
    return [
        page_score(i, (truth_dir / f"{i}.txt").read_text("utf-8", errors="replace"), predict(i))
        for i in wanted
    ]


def score_reader(reader_dir: str | Path, limit: int | None = None) -> dict[str, Any]:
    """The reader set scored in both forms: ``{"text": summary, "html": summary}``. HTML
    pages are gunzipped into a temporary directory first (the reader takes files)."""
    root = Path(reader_dir)
    truth, pages = root / "truth", root / "pages"
    ids = sorted(p.stem for p in truth.glob("*.txt"))[:limit]
    result: dict[str, Any] = {}
    text_ids = [i for i in ids if (pages / f"{i}.txt").exists()]
    result["text"] = summarize(
        score_pages(truth, lambda i: kept_body(pages / f"{i}.txt"), text_ids)
    )
    html_ids = [i for i in ids if (pages / f"{i}.html.gz").exists()]
    # trafilatura logs a warning for every page it gives up on; the score says it already.
    quiet = logging.getLogger("trafilatura")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        result["html"] = _score_html(truth, pages, html_ids)
    finally:
        quiet.setLevel(level)
    return result


def _score_html(truth: Path, pages: Path, html_ids: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="newskg-reader-") as tmp:

        def from_html(page_id: str) -> str:
            target = Path(tmp) / f"{page_id}.html"
            with gzip.open(pages / f"{page_id}.html.gz", "rb") as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            return kept_body(target)

        return summarize(score_pages(truth, from_html, html_ids))


def is_reader_set(path: Path) -> bool:
    return (path / "pages").is_dir() and (path / "truth").is_dir()
