"""How likely each block of a page is the article's prose: two logistic regressions.

The first weighs a block's own evidence (:mod:`newskg.extraction.blocks_features`: shape,
place, repetition); what the furniture rules say (their confidence, as log-odds) is added to
each stage as a fixed offset, so the weights are learnt around it. Prose comes in runs and
furniture in runs, so the second weighs the same evidence together with the first's scores of
the neighbours (the smoothing of jusText's context step, learnt rather than hand-set): a
short line inside a run of prose stays, a long one among link lists goes, and no single line
(a "Comments" under share buttons) can end the article by itself.

The weights, the standardisation of each feature and the decision are data
(``data/furniture_weights.tsv``), trained on real news pages by
``tools/train_furniture.py``; this module only applies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from newskg.extraction import datafiles
from newskg.extraction.blocks_features import NAMES, features, prose_sizes
from newskg.extraction.model import Span

if TYPE_CHECKING:
    from newskg.extraction.furniture import Verdicts

WEIGHTS = "furniture_weights.tsv"
#: The second stage's extra columns: first-stage scores around the block.
CONTEXT = ("p_self", "p_prev", "p_next", "p_prev2", "p_next2", "p_window3", "p_window8")
STAGES = {"1": NAMES, "2": (*NAMES, *CONTEXT)}


@dataclass(frozen=True)
class Model:
    """One logistic regression: ``sigmoid(((x - mean) / scale) @ weight)``."""

    mean: np.ndarray
    scale: np.ndarray
    weight: np.ndarray

    def predict(self, x: np.ndarray, offset: np.ndarray | float = 0.0) -> np.ndarray:
        """The probability of prose; ``offset`` is log-odds added from outside (the rules)."""
        z = ((x - self.mean) / self.scale) @ self.weight + offset
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


def context(p1: np.ndarray) -> np.ndarray:
    """The :data:`CONTEXT` columns from the first stage's scores (0.5 beyond the page)."""
    n = len(p1)
    pad = np.concatenate([np.full(8, 0.5), p1, np.full(8, 0.5)])

    def window(k: int) -> np.ndarray:
        sums = np.convolve(pad, np.ones(2 * k + 1), mode="same")[8 : 8 + n]
        return sums / (2 * k + 1)

    return np.column_stack(
        [p1, pad[7 : 7 + n], pad[9 : 9 + n], pad[6 : 6 + n], pad[10 : 10 + n], window(3), window(8)]
    )


#: The decision's settings (rows of stage "decision" in :data:`WEIGHTS`): blocks scoring below
#: ``threshold`` are furniture; but when what is kept holds fewer words than ``fallback_ratio``
#: of the page's prose-like words (a husk: the story itself was scored as furniture), the
#: page is decided again with ``fallback_threshold``.
DECISION = ("threshold", "fallback_ratio", "fallback_threshold")


@dataclass(frozen=True)
class Decision:
    threshold: float
    fallback_ratio: float
    fallback_threshold: float


@lru_cache(maxsize=1)
def load() -> tuple[dict[str, Model], Decision]:
    """The two stages and the decision from :data:`WEIGHTS`; fails loudly when a feature of
    the code has no weight or the file names one the code does not compute."""
    columns = ("stage", "feature", "mean", "scale", "weight")
    values: dict[str, dict[str, tuple[float, float, float]]] = {s: {} for s in STAGES}
    decision: dict[str, float] = {}
    for row in datafiles.rows(WEIGHTS, columns):
        stage, name, *numbers = (cell.strip() for cell in row.cells)
        try:
            mean, scale, weight = (float(x) for x in numbers)
        except ValueError:
            row.fail("mean, scale and weight must be numbers", "retrain or fix the row")
        if stage == "decision" and name in DECISION:
            decision[name] = weight
        elif stage in STAGES and name in STAGES[stage]:
            values[stage][name] = (mean, scale, weight)
        else:
            row.fail(f"unknown stage or feature {stage}/{name}", "retrain the weights")
    models = {}
    for stage, names in STAGES.items():
        missing = [n for n in names if n not in values[stage]]
        if missing:
            raise datafiles.DataFileError(
                datafiles.data_path(WEIGHTS),
                f"stage {stage} has no weight for {', '.join(missing)}",
                fix="retrain: python tools/train_furniture.py",
            )
        table = np.array([values[stage][n] for n in names], dtype=float)
        models[stage] = Model(table[:, 0], table[:, 1], table[:, 2])
    missing = [n for n in DECISION if n not in decision]
    if missing:
        raise datafiles.DataFileError(
            datafiles.data_path(WEIGHTS),
            f"no decision row for {', '.join(missing)}",
            fix="retrain: python tools/train_furniture.py",
        )
    return models, Decision(*(decision[n] for n in DECISION))


def keep(scores: np.ndarray, x: np.ndarray, prose: np.ndarray, decision: Decision) -> np.ndarray:
    """Which blocks are prose, from their scores, feature rows and prose sizes
    (:func:`~newskg.extraction.blocks_features.prose_sizes`; see :data:`DECISION`)."""
    words = np.expm1(x[:, NAMES.index("log_words")])
    kept = scores >= decision.threshold
    if words[kept].sum() < decision.fallback_ratio * prose.sum():
        kept = scores >= decision.fallback_threshold
    return kept


def scores(x: np.ndarray, models: dict[str, Model], offset: np.ndarray) -> np.ndarray:
    """Both stages applied to one page's feature rows, ``offset`` (the rules' log-odds of
    prose) added to each stage."""
    p1 = models["1"].predict(x, offset)
    return models["2"].predict(np.hstack([x, context(p1)]), offset)


def weigh(text: str, spans: list[Span], verdicts: Verdicts) -> tuple[np.ndarray, np.ndarray]:
    """For each span, how likely it is the article's prose (0 to 1), given what the
    furniture rules say of it (``verdicts``), and whether it is kept as prose."""
    x = features(text, spans, verdicts.ended, verdicts.end_evidence, verdicts.evidence)
    models, decision = load()
    p = scores(x, models, -np.asarray(verdicts.evidence, dtype=float))
    prose = np.asarray(prose_sizes([s.of(text) for s in spans]), dtype=float)
    return p, keep(p, x, prose, decision)
