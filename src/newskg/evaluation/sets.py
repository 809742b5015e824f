"""Every evaluation set of a directory scored in one run, with the targets met or missed.

A *set* is a subfolder holding ``articles/`` and ``gold/`` (``../shared/eval/gum``, ...); each
is read, extracted and scored on its own (:func:`newskg.evaluation.evaluate`), and only the
layers its gold files annotate (``layers``, FORMAT.md) are reported and held to the targets:
persons on ``re3d`` say nothing of quotes. A folder with ``pages/`` and ``truth/`` is the reader
set, scored by :mod:`newskg.evaluation.reader_score` in its two forms (text and HTML).

The targets are :data:`newskg.evaluation.report.TARGETS` and
:data:`newskg.evaluation.report.READER_TARGETS`, declared once; a :class:`TargetCheck` says for
one set, layer and measure what was wanted and what was got.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newskg.evaluation import REJECTED
from newskg.evaluation.gold import GoldError, load_gold
from newskg.evaluation.reader_score import is_reader_set, score_reader
from newskg.evaluation.report import LAYERS, READER_TARGETS, TARGETS, Report
from newskg.evaluation.scoring import annotated_layers

NOT_ANNOTATED = frozenset({"wikidata links", "metadata"})
#: A target layer -> the gold layer that must be annotated for it to be scored.
BASE_LAYER = {"quote speakers": "quotes", "event participants": "events"}
#: The layers of a set's table, in order (speaker accuracy is shown as "quote speakers"):
#: the scored layers a gold file can annotate (FORMAT.md's ``layers``), so not Wikidata links
#: or metadata, which no dev set annotates.
SHOWN: tuple[str, ...] = tuple(layer for layer in LAYERS if layer not in NOT_ANNOTATED)


@dataclass(frozen=True)
class TargetCheck:
    set: str
    layer: str
    measure: str
    bound: float
    value: float | None
    maximum: bool = False  # the bound is a maximum (pages lost), else a minimum

    @property
    def met(self) -> bool:
        if self.value is None:
            return False
        got = round(self.value, 4)
        return got <= self.bound if self.maximum else got >= self.bound

    @property
    def name(self) -> str:
        """``gum-persons-precision``: the test id of this target."""
        return f"{self.set}-{self.layer.replace(' ', '_')}-{self.measure}"

    def text(self) -> str:
        got = "-" if self.value is None else f"{self.value:.3f}"
        sign = "<=" if self.maximum else ">="
        return f"{self.name} {got} (want {sign} {self.bound:.2f})"


def find_sets(root: str | Path) -> list[Path]:
    """The evaluation sets under ``root`` in name order: extraction sets and the reader set."""
    base = Path(root)
    if not base.is_dir():
        raise GoldError(f"{base}: not a directory of evaluation sets")
    found = [
        p
        for p in sorted(base.iterdir())
        if p.is_dir()
        and (((p / "articles").is_dir() and (p / "gold").is_dir()) or is_reader_set(p))
    ]
    if not found:
        raise GoldError(f"{base}: no set (a folder with articles/ and gold/, or pages/ and truth/)")
    return found


def set_layers(gold_dir: Path) -> set[str]:
    """The layers some gold file of the set annotates."""
    layers: set[str] = set()
    for path in sorted(gold_dir.glob("*.json")):
        layers |= annotated_layers(load_gold(path))
    return layers


def targets_for(layers: set[str] | None) -> list[tuple[str, str, float, bool]]:
    """(layer, measure, bound, is a maximum) of the targets that apply to a set annotating
    ``layers``; ``None``: the reader set (layer = the form of the pages)."""
    if layers is None:
        return [
            (form, measure, bound, maximum)
            for form, wanted in READER_TARGETS.items()
            for measure, (bound, maximum) in wanted.items()
        ]
    return [
        (layer, measure, bound, False)
        for layer, wanted in TARGETS.items()
        if BASE_LAYER.get(layer, layer) in layers
        for measure, bound in wanted.items()
    ]


def planned_targets(root: str | Path) -> list[str]:
    """The names (:attr:`TargetCheck.name`) of every target the sets under ``root`` will be
    held to, known without scoring (from the gold files' ``layers``): test ids."""
    names = []
    for path in find_sets(root):
        if (path / "articles").is_dir() and (path / "gold").is_dir():
            rows = targets_for(set_layers(path / "gold"))
        else:
            rows = targets_for(None)
        names += [TargetCheck(path.name, r[0], r[1], r[2], None).name for r in rows]
    return names


@dataclass
class SetsReport:
    reports: dict[str, Report] = field(default_factory=dict)
    layers: dict[str, set[str]] = field(default_factory=dict)
    reader: dict[str, dict[str, Any]] = field(default_factory=dict)  # set -> form -> summary

    def checks(self) -> list[TargetCheck]:
        out = []
        for name, report in self.reports.items():
            for layer, measure, bound, _ in targets_for(self.layers[name]):
                out.append(TargetCheck(name, layer, measure, bound, report.value(layer, measure)))
        for name, forms in self.reader.items():
            for form, measure, bound, maximum in targets_for(None):
                value = forms.get(form, {}).get(measure)
                out.append(TargetCheck(name, form, measure, bound, value, maximum))
        return out

    def as_dict(self) -> dict[str, Any]:
        sets: dict[str, Any] = {}
        for name, report in self.reports.items():
            total = report.total()
            acc = total.speaker_accuracy
            sets[name] = {
                "layers": sorted(self.layers[name]),
                "articles": len(report.articles),
                "rejected": {
                    a.article: note
                    for a in report.articles
                    for note in a.notes
                    if note.startswith(REJECTED)
                },
                "overall": {
                    k: v.as_dict()
                    for k, v in total.layers.items()
                    if BASE_LAYER.get(k, k) in self.layers[name]
                },
                "speaker_accuracy": None if acc is None else round(acc, 4),
                "found_quotes": total.found_quotes,
                "right_speakers": total.right_speakers,
            }
        for name, forms in self.reader.items():
            sets[name] = {"reader": forms}
        return {
            "sets": sets,
            "targets": [{**c.__dict__, "name": c.name, "met": c.met} for c in self.checks()],
        }

    def json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False)

    def text(self) -> str:
        lines: list[str] = []
        for name, report in self.reports.items():
            total = report.total()
            lines.append(f"== {name} ({len(report.articles)} articles)")
            lines.append(f"{'layer':<20} {'P':>6} {'R':>6} {'F1':>6}   tp/system  found/gold")
            for layer in SHOWN:
                if BASE_LAYER.get(layer, layer) not in self.layers[name]:
                    continue
                s = total.layers[layer]
                lines.append(
                    f"{layer:<20} {_num(s.precision)} {_num(s.recall)} {_num(s.f1)}"
                    f"   {s.tp:>4}/{s.system:<5} {s.found:>4}/{s.gold}"
                )
                if layer == "quote speakers":
                    lines.append(
                        f"{'speaker accuracy':<20} {_num(total.speaker_accuracy)}"
                        f"   {total.right_speakers}/{total.found_quotes} found quotes, "
                        "gold speaker named"
                    )
            lines.extend(
                f"   {a.article}: {note}"
                for a in report.articles
                for note in a.notes
                if note.startswith(REJECTED)
            )
        for name, forms in self.reader.items():
            lines.append(f"== {name}")
            lines.append(f"{'form':<6} {'pages':>5} {'macro P':>8} {'R':>6} {'F1':>6}  lost")
            for form, s in forms.items():
                lines.append(
                    f"{form:<6} {s['pages']:>5} {_num(s.get('macro_precision')):>8} "
                    f"{_num(s.get('macro_recall'))} {_num(s.get('macro_f1'))}"
                    f"  {s.get('pages_lost', 0)}"
                )
        checks = self.checks()
        lines.append(f"== targets: {sum(c.met for c in checks)}/{len(checks)} met")
        lines.extend(("  met    " if c.met else "  MISSED ") + c.text() for c in checks)
        return "\n".join(lines)


def markdown(report: SetsReport) -> str:
    """The figures as the Markdown tables of docs/evaluation.md: one row per set and layer
    (P, R, F1, counts, the targets of that layer met or missed), then the reader's."""
    checks = report.checks()
    lines = [
        "| set | layer | P | R | F1 | tp/system | found/gold | targets |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, result in report.reports.items():
        total = result.total()
        for layer in SHOWN:
            if BASE_LAYER.get(layer, layer) not in report.layers[name]:
                continue
            s = total.layers[layer]
            mine = [c for c in checks if c.set == name and c.layer == layer]
            verdict = ", ".join(f"{c.measure} {'met' if c.met else 'MISSED'}" for c in mine)
            label = layer
            if layer == "quote speakers":
                label += f" (accuracy {_num(total.speaker_accuracy).strip()})"
            lines.append(
                f"| {name} | {label} | {_num(s.precision).strip()} | {_num(s.recall).strip()} "
                f"| {_num(s.f1).strip()} | {s.tp}/{s.system} | {s.found}/{s.gold} | {verdict} |"
            )
    if report.reader:
        lines += [
            "",
            "| set | pages | macro P | macro R | macro F1 | pages lost (R < 0.5) | targets |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for name, forms in report.reader.items():
            for form, f in forms.items():
                mine = [c for c in checks if c.set == name and c.layer == form]
                verdict = ", ".join(f"{c.measure} {'met' if c.met else 'MISSED'}" for c in mine)
                lines.append(
                    f"| {name} ({form}) | {f['pages']} | {_num(f.get('macro_precision')).strip()} "
                    f"| {_num(f.get('macro_recall')).strip()} | {_num(f.get('macro_f1')).strip()} "
                    f"| {f.get('pages_lost', 0)} | {verdict} |"
                )
    met = sum(c.met for c in checks)
    lines += ["", f"Targets met: {met} of {len(checks)}."]
    return "\n".join(lines)


def evaluate_sets(root: str | Path, jobs: int = 1, reader: bool = True) -> SetsReport:
    """Score every set under ``root`` (the reader set too unless ``reader`` is False)."""
    from newskg.evaluation import evaluate

    result = SetsReport()
    for path in find_sets(root):
        if (path / "articles").is_dir() and (path / "gold").is_dir():
            result.layers[path.name] = set_layers(path / "gold")
            result.reports[path.name] = evaluate(path / "articles", path / "gold", jobs=jobs)
        elif reader:
            result.reader[path.name] = score_reader(path)
    return result


def _num(x: float | None) -> str:
    return "     -" if x is None else f"{x:6.3f}"
