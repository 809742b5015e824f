#!/usr/bin/env python3
"""Train the weights of the reader's furniture classifier on the dev reader pages.

Usage: .venv/bin/python tools/train_furniture.py [--reader ../shared/eval/reader]
       [--folds 5] [--write] [--l2 1.0]

Each page's text dump (``pages/<id>.txt``) is cut into blocks as the reader cuts it; a block
is prose (label 1) when at least half of its word tokens align with the published body
(``truth/<id>.txt``, difflib over token sequences). Both logistic regressions of
:mod:`newskg.extraction.blocks_classifier` are fitted by Newton's method with an L2 penalty,
each block weighted by its share of the page's tokens (the reader is scored per page, on
tokens). Figures are given with K-fold cross-validation grouped by site (the pages of a site
are never both trained and scored on: the honest figure) and for the weights trained on all
pages (the shipped figure). ``--write`` writes ``src/newskg/extraction/data/
furniture_weights.tsv``. The pages are read from ../shared at run time, never copied.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import hashlib
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newskg.extraction import blocks_classifier as bc  # noqa: E402
from newskg.extraction.blocks_features import features, prose_sizes  # noqa: E402
from newskg.extraction.furniture import blocks, rule_verdicts  # noqa: E402
from newskg.extraction.reader import decode  # noqa: E402

TOKEN = re.compile(r"\w+")
#: A page keeping fewer words than this share of its prose-like words is decided again with
#: this factor times the threshold (chosen on cross-validated scores: 0.5 and 0.3 lost the
#: fewest pages without costing F1).
FALLBACK_RATIO = 0.5
FALLBACK_FACTOR = 0.3
OUT = ROOT / "src" / "newskg" / "extraction" / "data" / bc.WEIGHTS


@dataclass
class Page:
    id: str
    site: str
    x: np.ndarray
    y: np.ndarray
    w: np.ndarray
    offset: np.ndarray
    texts: list[str]
    truth: Counter[str]
    prose: np.ndarray  # each block's words when it is prose, else 0 (blocks_features)


def labels(block_texts: list[str], truth: str) -> np.ndarray:
    """The share of each block's tokens that align with the truth's token sequence."""
    toks: list[str] = []
    owner: list[int] = []
    for i, b in enumerate(block_texts):
        t = TOKEN.findall(b.lower())
        toks += t
        owner += [i] * len(t)
    gold = TOKEN.findall(truth.lower())
    matched = np.zeros(len(toks))
    sm = difflib.SequenceMatcher(None, toks, gold, autojunk=False)
    for a, _, size in sm.get_matching_blocks():
        matched[a : a + size] = 1
    share = np.zeros(len(block_texts))
    count = np.zeros(len(block_texts))
    for i, m in zip(owner, matched, strict=True):
        share[i] += m
        count[i] += 1
    return np.where(count > 0, share / np.maximum(count, 1), 0.0)


def load_pages(reader: Path) -> list[Page]:
    sites = {}
    with open(reader / "manifest.tsv", encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if row and not row[0].startswith("#") and row[0] != "id":
                sites[row[0]] = row[3]
    pages = []
    for path in sorted((reader / "pages").glob("*.txt")):
        text = decode(path)
        spans = blocks(text)
        verdicts = rule_verdicts(text, spans)
        texts = [s.of(text) for s in spans]
        truth = (reader / "truth" / path.name).read_text("utf-8")
        share = labels(texts, truth)
        ntok = np.array([len(TOKEN.findall(t)) for t in texts], dtype=float)
        w = (ntok + 1.0) / (ntok + 1.0).sum()
        x = features(text, spans, verdicts.ended, verdicts.end_evidence, verdicts.evidence)
        offset = -np.asarray(verdicts.evidence)
        pid = path.stem
        pages.append(
            Page(
                pid,
                sites.get(pid, pid),
                x,
                (share >= 0.5).astype(float),
                w,
                offset,
                texts,
                Counter(TOKEN.findall(truth.lower())),
                np.asarray(prose_sizes(texts), dtype=float),
            )
        )
    return pages


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, off: np.ndarray, l2: float) -> bc.Model:
    """Weighted logistic regression by Newton's method around the fixed log-odds ``off``
    (the rules); the bias column is not penalised."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    const = scale < 1e-9
    mean[const], scale[const] = 0.0, 1.0
    z = (x - mean) / scale
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[const] = 0.0
    w = w / w.sum() * len(w)
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ beta + off, -30, 30)))
        grad = z.T @ (w * (p - y)) + penalty * beta
        hess = (z * (w * p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-6)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-7:
            break
    return bc.Model(mean, scale, beta)


def train(pages: list[Page], l2: float) -> dict[str, bc.Model]:
    x = np.vstack([p.x for p in pages])
    y = np.concatenate([p.y for p in pages])
    w = np.concatenate([p.w for p in pages])
    off = np.concatenate([p.offset for p in pages])
    m1 = fit(x, y, w, off, l2)
    x2 = np.vstack([np.hstack([p.x, bc.context(m1.predict(p.x, p.offset))]) for p in pages])
    return {"1": m1, "2": fit(x2, y, w, off, l2)}


def page_f1(page: Page, keep: np.ndarray) -> tuple[float, float, float]:
    pred = Counter(
        t
        for text, k in zip(page.texts, keep, strict=True)
        if k
        for t in TOKEN.findall(text.lower())
    )
    tp = sum((pred & page.truth).values())
    n_pred, n_true = sum(pred.values()), sum(page.truth.values())
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_true if n_true else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def report(name: str, pages: list[Page], probs: list[np.ndarray], how: bc.Decision) -> None:
    figures = np.array(
        [page_f1(pg, bc.keep(pr, pg.x, pg.prose, how)) for pg, pr in zip(pages, probs, strict=True)]
    )
    for prefix in ("", "gn1-", "sh-"):
        sel = [i for i, pg in enumerate(pages) if pg.id.startswith(prefix)]
        f = figures[sel]
        print(
            f"{name:12} {prefix or 'all':5} pages {len(sel):3}  macro P {f[:, 0].mean():.3f}"
            f" R {f[:, 1].mean():.3f} F1 {f[:, 2].mean():.3f}  lost {(f[:, 1] < 0.5).sum()}"
        )
    lost = [f"{pg.id} (R {r:.2f})" for pg, (_, r, _) in zip(pages, figures, strict=True) if r < 0.5]
    print(f"{'':12} lost: {', '.join(lost) or 'none'}")


def best_cut(pages: list[Page], probs: list[np.ndarray]) -> float:
    grid = np.arange(0.2, 0.71, 0.025)
    macro = [
        np.mean([page_f1(pg, pr >= c)[2] for pg, pr in zip(pages, probs, strict=True)])
        for c in grid
    ]
    return float(grid[int(np.argmax(macro))])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reader", type=Path, default=ROOT / ".." / "shared" / "eval" / "reader")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    if not (args.reader / "pages").is_dir():
        sys.exit(f"{args.reader}/pages not found: pass --reader DIR")
    pages = load_pages(args.reader)
    print(f"{len(pages)} pages, {sum(len(p.y) for p in pages)} blocks")

    def fold_of(site: str) -> int:
        return int(hashlib.sha256(site.encode()).hexdigest(), 16) % args.folds

    cv: list[np.ndarray] = [np.zeros(0)] * len(pages)
    for k in range(args.folds):
        train_pages = [p for p in pages if fold_of(p.site) != k]
        models = train(train_pages, args.l2)
        for i, p in enumerate(pages):
            if fold_of(p.site) == k:
                cv[i] = bc.scores(p.x, models, p.offset)
    cut = best_cut(pages, cv)
    how = bc.Decision(cut, FALLBACK_RATIO, FALLBACK_FACTOR * cut)
    print(f"threshold chosen on the cross-validated scores: {cut:.3f}; {how}")
    report(f"{args.folds}-fold CV", pages, cv, how)
    models = train(pages, args.l2)
    shipped = [bc.scores(p.x, models, p.offset) for p in pages]
    report("all pages", pages, shipped, how)
    if args.write:
        write(models, how)
        print(f"wrote {OUT}")


def write(models: dict[str, bc.Model], how: bc.Decision) -> None:
    lines = [
        "# Weights of the reader's furniture classifier (newskg.extraction.blocks_classifier):",
        "# two logistic regressions over the block features of newskg.extraction.blocks_features",
        "# (stage 1: a block's own evidence; stage 2: the same plus stage-1 scores around it).",
        "# A block's score is sigmoid(sum(weight * (value - mean) / scale)); a block scoring",
        "# below the decision threshold is furniture (see DECISION in the module for the fallback",
        "# of a page whose kept words fall short of its prose). Trained on the dev reader pages",
        "# (../shared/eval/reader, text dumps against the published bodies) by",
        "# tools/train_furniture.py --write; do not edit by hand, retrain.",
        "# Columns: stage <TAB> feature <TAB> mean <TAB> scale <TAB> weight",
        "stage\tfeature\tmean\tscale\tweight",
    ]
    for stage, names in bc.STAGES.items():
        m = models[stage]
        for name, mean, scale, weight in zip(names, m.mean, m.scale, m.weight, strict=True):
            lines.append(f"{stage}\t{name}\t{mean:.6g}\t{scale:.6g}\t{weight:.6g}")
    for name in bc.DECISION:
        lines.append(f"decision\t{name}\t0\t1\t{getattr(how, name):.4g}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
