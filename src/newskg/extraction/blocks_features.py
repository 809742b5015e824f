"""Shallow text features of a page's blocks, for weighing which blocks are furniture.

One line of a page ("Comments", a share button, a credit) must never decide alone where the
article is: the features of jusText and boilerpipe (Kohlschütter et al., WSDM 2010) weigh the
evidence instead. Each block is described by its own shape (length in words, stop-word,
capital, digit and punctuation density, sentence shape, link- or button-like text), by where
it stands (position in the page, inside or how far from the densest run of prose, repeated
elsewhere in the page) and by the same shape figures of its neighbours. What the rules of
``boilerplate.tsv`` say of it is one more input, added by the classifier as log-odds. Pure
Python and numpy: reading stays cheap. The weights that turn these figures into a decision are data
(``furniture_weights.tsv``, read by :mod:`newskg.extraction.blocks_classifier`).
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from newskg.extraction.model import Span
from newskg.extraction.prose import is_prose, stopwords

_WORD = re.compile(r"\w+")
_ALPHA = re.compile(r"[^\W\d_]+")
_SENTENCE_END = re.compile(r"[.!?…][\"”’)]?(?:\s|$)")
_ENDS_SENTENCE = re.compile(r"[.!?:…][\"”’)]?\s*$")
_LINKISH = re.compile(r"https?://|www\.|\.com\b|@\w|»|«|>>|<<|\|")
# A time, a relative age or a "Name said:" header: the stamps of comments and posts, unless a
# rule knows the block as other furniture (a video player's duration)
# ("stamps_before": their share among a block and the six before it. A comment follows its
# stamp; a story has few, and its last paragraph has the stamps of the page after it).
_STAMP = re.compile(
    r"\b\d{1,2}:\d{2}\b|\b(?:minutes?|hours?|days?|weeks?|months?|years?) ago\b"
    r"|\b(?:said|says|wrote|writes|replied)\s*:?\s*$",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"[|•·»«/>■▪●◆◦‣]")

#: Shape figures of one block; the neighbours' figures repeat these under ``prev_``/``next_``.
SHAPE = (
    "log_words",
    "short_3",
    "short_10",
    "long_25",
    "stop_density",
    "stop_x_len",
    "cap_density",
    "ends_sentence",
    "sentences_per_word",
    "comma_density",
    "digit_share",
    "symbol_share",
    "linkish",
    "all_caps",
    "title_case",
    "mean_word_len",
    "starts_lower",
)
#: Every feature, in the order of the columns :func:`features` returns.
NAMES = (
    *SHAPE,
    "position",
    "words_before",
    "prose_before",
    "prose_after",
    "in_prose_run",
    "run_distance",
    "repeated",
    "gap_blocks",
    "gap_words",
    "stamps_before",
    "after_end",
    "after_early_end",
    "after_end_x_prose_after",
    *(f"prev_{name}" for name in SHAPE),
    *(f"next_{name}" for name in SHAPE),
    "bias",
)


def shape(block: str) -> list[float]:
    """The :data:`SHAPE` figures of one block's text."""
    stop = stopwords()
    tokens = _WORD.findall(block)
    words = _ALPHA.findall(block)
    n = max(len(tokens), 1)
    nw = max(len(words), 1)
    letters = sum(ch.isalpha() for ch in block) or 1
    stops = sum(w.lower() in stop for w in words) / nw
    caps = sum(w[0].isupper() for w in words) / nw
    log_words = math.log1p(len(tokens))
    return [
        log_words,
        float(len(tokens) <= 3),
        float(len(tokens) <= 10),
        float(len(tokens) >= 25),
        stops,
        stops * log_words,
        caps,
        float(bool(_ENDS_SENTENCE.search(block))),
        len(_SENTENCE_END.findall(block)) / n,
        block.count(",") / n,
        sum(ch.isdigit() for ch in block) / max(len(block), 1),
        len(_SEPARATORS.findall(block)) / n,
        float(bool(_LINKISH.search(block))),
        float(sum(ch.isupper() for ch in block) / letters > 0.8),
        float(len(words) > 1 and caps > 0.75),
        sum(len(w) for w in words) / nw,
        float(block[:1].islower()),
    ]


def prose_sizes(blocks: list[str]) -> list[float]:
    """Each block's words when it is prose (:func:`newskg.extraction.prose.is_prose`, the one
    definition the reader, the husk check and these features share), else 0."""
    return [float(len(_WORD.findall(b))) if is_prose(b) else 0.0 for b in blocks]


def prose_share(blocks: list[str]) -> float:
    """The share of a page's words that stand in prose blocks (:func:`prose.is_prose`):
    about half on a web page, nearly all in a clean article text."""
    total = prose_total = 0
    for block in blocks:
        count = len(_WORD.findall(block))
        total += count
        if is_prose(block):
            prose_total += count
    return prose_total / total if total else 0.0


def _around(values: np.ndarray, k: int) -> np.ndarray:
    """The mean of each value's window of ``k`` values either side (zeros beyond the page)."""
    return np.convolve(values, np.ones(2 * k + 1), mode="full")[k : k + len(values)] / (2 * k + 1)


def _prose_run(prose: list[float]) -> tuple[int, int]:
    """The densest run of prose: around the block of most prose (smoothed over five blocks),
    extended while the next prose block is at most three blocks away."""
    if not any(prose):
        return (0, len(prose) - 1)
    smooth = _around(np.asarray(prose), 2)
    centre = int(np.argmax(smooth))
    kept = [i for i, p in enumerate(prose) if p > 0]
    nearest = min(kept, key=lambda i: abs(i - centre))
    first = last = nearest
    for i in reversed([k for k in kept if k < nearest]):
        if first - i > 4:
            break
        first = i
    for i in [k for k in kept if k > nearest]:
        if i - last > 4:
            break
        last = i
    return first, last


def _gaps(prose: list[float], words: list[int]) -> list[tuple[float, float]]:
    """For each block that is not prose, the size of the run of non-prose blocks it stands in
    between two prose blocks (log of blocks, log of words): a table or a short list inside
    the story is a small gap, a menu or the page's footer a large one; 0 for prose, and the
    log of the page's size when prose is on one side only."""
    n = len(prose)
    out = [(0.0, 0.0)] * n
    i = 0
    while i < n:
        if prose[i]:
            i += 1
            continue
        j = i
        while j < n and not prose[j]:
            j += 1
        if i == 0 or j == n:
            size = (math.log1p(n), math.log1p(sum(words)))
        else:
            size = (math.log1p(j - i), math.log1p(sum(words[i:j])))
        out[i:j] = [size] * (j - i)
        i = j
    return out


def features(
    text: str,
    spans: list[Span],
    ended: int | None = None,
    end_evidence: float = 0.0,
    ruled: list[float] | None = None,
) -> np.ndarray:
    """The :data:`NAMES` columns, one row per span. ``ended`` is the block where a rule said
    the article ends and ``end_evidence`` how sure it is (log-odds): the blocks after it get
    that figure, under ``after_early_end`` when the end came before the densest run of prose
    (a copyright line or "Comments" in the page's header), else under ``after_end``.
    ``ruled`` is the rules' log-odds of furniture for each block (positive: furniture)."""
    blocks = [s.of(text) for s in spans]
    count = len(blocks)
    shapes = [shape(b) for b in blocks]
    words = [len(_WORD.findall(b)) for b in blocks]
    total = max(sum(words), 1)
    prose = prose_sizes(blocks)
    prose_total = max(sum(prose), 1.0)
    first, last = _prose_run(prose)
    seen = Counter(" ".join(_WORD.findall(b.lower())) for b in blocks)
    zero = [0.0] * len(SHAPE)
    gaps = _gaps(prose, words)
    ruled = ruled or [0.0] * count
    stamp = np.array(
        [
            float(w <= 12 and r <= 0 and bool(_STAMP.search(b)))
            for w, b, r in zip(words, blocks, ruled, strict=True)
        ]
    )
    stamps = np.convolve(stamp, np.ones(7), mode="full")[: len(stamp)] / 7
    rows = []
    before = prose_before = 0.0
    for i, block in enumerate(blocks):
        key = " ".join(_WORD.findall(block.lower()))
        distance = first - i if i < first else i - last if i > last else 0
        row = [
            *shapes[i],
            i / max(count - 1, 1),
            before / total,
            prose_before / prose_total,
            (prose_total - prose_before - prose[i]) / prose_total,
            float(distance == 0),
            math.log1p(distance),
            float(seen[key] > 1),
            *gaps[i],
            float(stamps[i]),
            end_evidence if ended is not None and i > ended and ended >= first else 0.0,
            end_evidence if ended is not None and i > ended and ended < first else 0.0,
            (end_evidence if ended is not None and i > ended else 0.0)
            * (prose_total - prose_before - prose[i])
            / prose_total,
            *(shapes[i - 1] if i > 0 else zero),
            *(shapes[i + 1] if i + 1 < count else zero),
            1.0,
        ]
        rows.append(row)
        before += words[i]
        prose_before += prose[i]
    return np.asarray(rows, dtype=float).reshape(count, len(NAMES))
