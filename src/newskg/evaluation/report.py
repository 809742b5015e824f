"""Scores: true positives, system and gold items per layer (:class:`Score`), per article
(:class:`ArticleScore`) and for a whole run (:class:`Report`: micro-averaged totals, the
targets met or not, as text or JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LAYERS = (
    "persons",
    "organizations",
    "places",
    "quotes",
    "quote speakers",
    "events",
    "event participants",
    "memberships",
    "wikidata links",
    "metadata",
)

#: The targets of the issue (overall, micro-averaged): layer -> {measure: minimum}.
TARGETS: dict[str, dict[str, float]] = {
    "persons": {"precision": 0.90, "recall": 0.85},
    "organizations": {"precision": 0.90, "recall": 0.85},
    "places": {"f1": 0.80},
    "quotes": {"precision": 0.90, "recall": 0.85},
    "quote speakers": {"accuracy": 0.90},
    "events": {"precision": 0.70, "recall": 0.60},
    "memberships": {"precision": 0.85, "recall": 0.60},
    "wikidata links": {"precision": 0.95},
}

#: The reader's targets on the reader set, per form of the pages (text dumps, saved HTML):
#: measure -> (bound, True when the bound is a maximum). Lost: body recall below 0.5.
READER_TARGETS: dict[str, dict[str, tuple[float, bool]]] = {
    "text": {"macro_f1": (0.85, False), "lost_share": (0.02, True)},
    "html": {"macro_f1": (0.93, False), "lost_share": (0.02, True)},
}


@dataclass
class Score:
    tp: int = 0  # system items that match (precision's numerator)
    system: int = 0
    gold: int = 0
    found: int = 0  # gold items found (recall's numerator); equals tp under 1:1 matching

    def __iadd__(self, other: Score) -> Score:
        self.tp += other.tp
        self.system += other.system
        self.gold += other.gold
        self.found += other.found
        return self

    @property
    def precision(self) -> float | None:
        return self.tp / self.system if self.system else None

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            "tp": self.tp,
            "found": self.found,
            "system": self.system,
            "gold": self.gold,
            "precision": r(self.precision),
            "recall": r(self.recall),
            "f1": r(self.f1),
        }


@dataclass
class ArticleScore:
    article: str
    layers: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in LAYERS})
    found_quotes: int = 0
    right_speakers: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def speaker_accuracy(self) -> float | None:
        return self.right_speakers / self.found_quotes if self.found_quotes else None


@dataclass
class Report:
    articles: list[ArticleScore]
    missing_gold: list[str] = field(default_factory=list)

    def total(self) -> ArticleScore:
        total = ArticleScore("overall")
        for art in self.articles:
            for layer, score in art.layers.items():
                total.layers[layer] += score
            total.found_quotes += art.found_quotes
            total.right_speakers += art.right_speakers
        return total

    def value(self, layer: str, measure: str) -> float | None:
        total = self.total()
        if measure == "accuracy":
            return total.speaker_accuracy
        return getattr(total.layers[layer], measure)

    def failed_targets(self, targets: dict[str, dict[str, float]] = TARGETS) -> list[str]:
        failed = []
        for layer, wanted in targets.items():
            for measure, minimum in wanted.items():
                got = self.value(layer, measure)
                if got is not None and round(got, 4) < minimum:
                    failed.append(f"{layer} {measure} {got:.3f} < {minimum:.2f}")
        return failed

    def as_dict(self) -> dict[str, Any]:
        def one(a: ArticleScore) -> dict[str, Any]:
            acc = a.speaker_accuracy
            return {
                "layers": {k: v.as_dict() for k, v in a.layers.items()},
                "speaker_accuracy": None if acc is None else round(acc, 4),
                "found_quotes": a.found_quotes,
                "right_speakers": a.right_speakers,
                "notes": a.notes,
            }

        return {
            "overall": one(self.total()),
            "articles": {a.article: one(a) for a in self.articles},
            "missing_gold": self.missing_gold,
            "targets": TARGETS,
            "failed_targets": self.failed_targets(),
        }

    def text(self, per_article: bool = True) -> str:
        lines = []
        for art in ([*self.articles] if per_article else []) + [self.total()]:
            lines.append(f"== {art.article}")
            lines.append(f"{'layer':<20} {'P':>6} {'R':>6} {'F1':>6}   tp/system  found/gold")
            for layer in LAYERS:
                s = art.layers[layer]
                if not s.system and not s.gold:
                    continue
                lines.append(
                    f"{layer:<20} {_pct(s.precision)} {_pct(s.recall)} {_pct(s.f1)}"
                    f"   {s.tp:>3}/{s.system:<5}  {s.found:>3}/{s.gold}"
                )
            acc = art.speaker_accuracy
            lines.append(
                f"{'speaker accuracy':<20} {_pct(acc)}"
                f"   {art.right_speakers}/{art.found_quotes} found quotes"
            )
            lines.extend(f"   - {note}" for note in art.notes)
        if self.missing_gold:
            lines.append("no gold file for: " + ", ".join(self.missing_gold))
        failed = self.failed_targets()
        lines.append("targets: " + ("all met" if not failed else "NOT met: " + "; ".join(failed)))
        return "\n".join(lines)


def _pct(x: float | None) -> str:
    return "     -" if x is None else f"{x:6.3f}"
