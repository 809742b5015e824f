"""Score extraction against hand-written gold files: precision, recall and F1 per layer.

A gold file ``<article stem>.json`` (see the README, section "Evaluation") lists what a person
found in one article::

    {"article": {"headline", "published", "author": [], "publisher"},
     "persons": [{"name", "aliases": [], "wikidata"}], "organizations": [...], "places": [...],
     "quotes": [{"text", "speaker"}],
     "events": [{"label", "type", "date", "place",
                 "participants": [{"name", "role": "agent|target|participant"}]}],
     "memberships": [{"person", "organization", "role"}]}

Matching (names are compared after :func:`fold`: case, accents, punctuation, whitespace and a
leading "the" folded):

* entities (per class): a system entity and a gold entity of the same class *match* when one
  of the system entity's labels (``rdfs:label`` or ``skos:altLabel``) is the gold name or one
  of its aliases. Items are paired one to one (maximum bipartite matching), so an entity split
  in two counts one false positive and two people merged into one count one false negative;
* quotes: a system quote matches a gold quote when it covers at least 80% of the gold quote's
  words (in order), or when it lies inside the gold quote for at least 80% of its own words and
  the system quotes inside that gold quote together cover 80% of it (a quote running over
  several paragraphs may be found in pieces); the pieces count one true positive;
* quote speakers: a found quote's speaker is right when the system speaker is the gold
  speaker's entity (the gold entity the system entity was paired with, else by name);
  speaker accuracy = right speakers / found quotes;
* events: same type and at least one participant (any role) the same entity, one to one (one
  real event reported twice counts one false positive); a gold event without participants
  matches on type and the same date or the same place;
* event participants: (entity, role) pairs of the matched events; arguments of unmatched
  events are false positives / negatives;
* memberships: same person, same organization, and roles equal after folding or one
  containing the other;
* Wikidata links: precision = system links equal to the gold ``wikidata`` of the paired gold
  entity / system links on entities whose gold entity has a ``wikidata`` value; recall =
  correct links / gold entities with a value that the system found.

Totals are micro-averaged: true positives, system items and gold items summed over articles.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from newskg.extraction.model import Entity, Extraction

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
ENTITY_LAYERS = {"persons": "actor", "organizations": "organization", "places": "place"}
QUOTE_COVERAGE = 0.8

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


class GoldError(Exception):
    """A gold file that cannot be used: says which file and why."""


# --- folding --------------------------------------------------------------------------------


def fold(text: str | None) -> str:
    """Case, accents, punctuation and whitespace folded; a leading "the" dropped.

    >>> fold("  The U.S. Army’s ") == fold("u.s. army's")
    True
    >>> fold("Al-Noor  Society")
    'al noor society'
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text)
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat.startswith("M"):
            continue
        if ch in ".'\u2019\u2018`\u00b4":
            continue
        out.append(" " if cat[0] in "PSZC" else ch)
    folded = " ".join("".join(out).casefold().split())
    return re.sub(r"^the ", "", folded)


def words(text: str) -> list[str]:
    return fold(text).split()


# --- scores ---------------------------------------------------------------------------------


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


# --- matching -------------------------------------------------------------------------------


def max_matching(n_left: int, n_right: int, edge: Callable[[int, int], bool]) -> dict[int, int]:
    """Maximum bipartite matching (left index -> right index), deterministic (augmenting
    paths tried in index order)."""
    adj = [[j for j in range(n_right) if edge(i, j)] for i in range(n_left)]
    match_right: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in adj[i]:
            if j not in match_right:
                match_right[j] = i
                return True
        for j in adj[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in match_right or augment(match_right[j], seen):
                match_right[j] = i
                return True
        return False

    for i in range(n_left):
        augment(i, set())
    return {i: j for j, i in match_right.items()}


@dataclass
class GoldEntity:
    layer: str
    names: set[str]  # folded name and aliases
    name: str
    wikidata: str | None


def _names(entity: Entity) -> set[str]:
    return {fold(n) for n in {entity.label, *entity.alt_labels}} - {""}


def _require(data: Any, kind: type, where: str) -> Any:
    if not isinstance(data, kind):
        raise GoldError(f"{where}: expected {kind.__name__}")
    return data


def load_gold(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot read ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise GoldError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from exc
    _require(data, dict, str(path))
    for key in ("persons", "organizations", "places", "quotes", "events", "memberships"):
        _require(data.setdefault(key, []) or [], list, f"{path}: {key}")
    _require(data.setdefault("article", {}) or {}, dict, f"{path}: article")
    return data


class ArticleScorer:
    def __init__(self, x: Extraction, gold: dict[str, Any]) -> None:
        self.x = x
        self.gold = gold
        self.result = ArticleScore(x.article.id)
        self.gold_entities: list[GoldEntity] = []
        for layer in ENTITY_LAYERS:
            for item in gold.get(layer) or []:
                if isinstance(item, str):
                    item = {"name": item}
                names = {fold(item.get("name"))} | {fold(a) for a in item.get("aliases") or []}
                self.gold_entities.append(
                    GoldEntity(
                        layer, names - {""}, item.get("name") or "", item.get("wikidata") or None
                    )
                )
        self.paired: dict[str, GoldEntity] = {}  # system entity key -> its gold entity

    # entities -----------------------------------------------------------------------------

    def entities(self) -> None:
        for layer, kind in ENTITY_LAYERS.items():
            system = [e for e in self.x.entities if e.kind == kind]
            gold = [g for g in self.gold_entities if g.layer == layer]
            # The matcher runs before the loop moves on: binding late is safe here.
            pairs = max_matching(
                len(system),
                len(gold),
                lambda i, j: bool(_names(system[i]) & gold[j].names),  # noqa: B023
            )
            score = self.result.layers[layer]
            score.system, score.gold = len(system), len(gold)
            score.tp = score.found = len(pairs)
            for i, j in pairs.items():
                self.paired[system[i].key] = gold[j]
            for j, g in enumerate(gold):
                if j not in pairs.values():
                    self.result.notes.append(f"{layer}: missed {g.name!r}")
            for i, e in enumerate(system):
                if i not in pairs:
                    self.result.notes.append(f"{layer}: spurious {e.label!r}")
            wd = self.result.layers["wikidata links"]
            for i, e in enumerate(system):
                g = gold[pairs[i]] if i in pairs else None
                if g is not None and g.wikidata:
                    wd.gold += 1
                    if e.wikidata:
                        wd.system += 1
                        if e.wikidata == g.wikidata:
                            wd.tp += 1
                            wd.found += 1
                        else:
                            self.result.notes.append(
                                f"wikidata: {e.label!r} linked {e.wikidata}, gold {g.wikidata}"
                            )
            wd.gold += sum(1 for j, g in enumerate(gold) if g.wikidata and j not in pairs.values())

    def gold_entity(self, name: str | None) -> GoldEntity | None:
        folded = fold(name)
        hits = [g for g in self.gold_entities if folded in g.names]
        return hits[0] if hits else None

    def refers(self, key: str | None, name: str | None) -> bool:
        """Is the system entity ``key`` the entity the gold ``name`` denotes?"""
        if not key or not name:
            return False
        try:
            entity = self.x.entity(key)
        except KeyError:
            return False
        target = self.gold_entity(name)
        if key in self.paired:
            if target is not None:
                return self.paired[key] is target
            return fold(name) in self.paired[key].names
        names = target.names if target is not None else {fold(name)}
        return bool(_names(entity) & names)

    # quotes -------------------------------------------------------------------------------

    def quotes(self) -> None:
        gold = [q for q in self.gold.get("quotes") or [] if words(q.get("text"))]
        system = self.x.statements
        g_words = [words(q["text"]) for q in gold]
        s_words = [words(s.quote) for s in system]

        def covered(a: list[str], b: list[str]) -> int:
            """Words of ``a`` found, in order, in ``b``."""
            sm = SequenceMatcher(None, a, b, autojunk=False)
            return sum(block.size for block in sm.get_matching_blocks())

        whole = {
            (i, j)
            for i in range(len(system))
            for j in range(len(gold))
            if covered(g_words[j], s_words[i]) >= QUOTE_COVERAGE * len(g_words[j])
        }
        pairs = max_matching(len(system), len(gold), lambda i, j: (i, j) in whole)
        # Pieces: system quotes mostly inside one gold quote that together cover it.
        pieces: dict[int, list[int]] = {}
        for j in range(len(gold)):
            if j in pairs.values():
                continue
            inside = [
                i
                for i in range(len(system))
                if i not in pairs
                and s_words[i]
                and covered(s_words[i], g_words[j]) >= QUOTE_COVERAGE * len(s_words[i])
            ]
            union = " ".join(" ".join(s_words[i]) for i in inside).split()
            if inside and covered(g_words[j], union) >= QUOTE_COVERAGE * len(g_words[j]):
                pieces[j] = inside
        used_pieces = {i for ids in pieces.values() for i in ids}
        score = self.result.layers["quotes"]
        score.gold = len(gold)
        # The pieces of one gold quote count as one system item.
        score.system = len(system) - len(used_pieces) + len(pieces)
        score.found = score.tp = len(pairs) + len(pieces)
        speakers = self.result.layers["quote speakers"]
        speakers.gold = sum(1 for q in gold if q.get("speaker"))
        speakers.system = sum(
            1 for i, s in enumerate(system) if s.speaker and i not in used_pieces
        ) + len(pieces)
        found = [(j, [i]) for i, j in pairs.items()] + list(pieces.items())
        self.result.found_quotes += len(found)
        for j, ids in sorted(found):
            gold_speaker = gold[j].get("speaker")
            said = [system[i].speaker for i in ids]
            right = (
                all(self.refers(s, gold_speaker) for s in said) if gold_speaker else not any(said)
            )
            if right:
                self.result.right_speakers += 1
                if gold_speaker:
                    speakers.tp += 1
                    speakers.found += 1
            else:
                labels = [self.x.entity(s).label if s else None for s in said]
                self.result.notes.append(
                    f"quote speaker: {gold[j]['text'][:40]!r}… said by "
                    f"{labels}, gold {gold_speaker!r}"
                )
        for j, q in enumerate(gold):
            if j not in pairs.values() and j not in pieces:
                self.result.notes.append(f"quotes: missed {q['text'][:50]!r}")
        for i, s in enumerate(system):
            if i not in pairs and i not in used_pieces:
                self.result.notes.append(f"quotes: spurious {s.quote[:50]!r}")

    # events -------------------------------------------------------------------------------

    def events(self) -> None:
        gold = self.gold.get("events") or []
        system = self.x.events

        def args(ev: dict[str, Any]) -> list[tuple[str, str]]:
            return [
                (p.get("name") or "", p.get("role") or "participant")
                for p in ev.get("participants") or []
            ]

        def edge(i: int, j: int) -> bool:
            s, g = system[i], gold[j]
            if fold(s.type) != fold(g.get("type")):
                return False
            if not args(g):  # unnamed actors only: the same date, or the same place
                return bool(
                    (g.get("date") and s.date == g.get("date"))
                    or (g.get("place") and self.refers(s.place, g.get("place")))
                )
            return any(self.refers(a.entity, name) for a in s.arguments for name, _ in args(g))

        pairs = max_matching(len(system), len(gold), edge)
        score = self.result.layers["events"]
        score.system, score.gold = len(system), len(gold)
        score.tp = score.found = len(pairs)
        part = self.result.layers["event participants"]
        part.system = sum(len(e.arguments) for e in system)
        part.gold = sum(len(args(g)) for g in gold)
        for i, j in pairs.items():
            gold_args = args(gold[j])
            taken = max_matching(
                len(system[i].arguments),
                len(gold_args),
                lambda a, b: (
                    self.refers(system[i].arguments[a].entity, gold_args[b][0])  # noqa: B023
                    and system[i].arguments[a].role == gold_args[b][1]  # noqa: B023
                ),
            )
            part.tp += len(taken)
            part.found += len(taken)
        for j, g in enumerate(gold):
            if j not in pairs.values():
                self.result.notes.append(f"events: missed {g.get('type')} {g.get('label')!r}")
        for i, e in enumerate(system):
            if i not in pairs:
                self.result.notes.append(f"events: spurious {e.type} {e.label!r}")

    # memberships --------------------------------------------------------------------------

    def memberships(self) -> None:
        gold = self.gold.get("memberships") or []
        system = self.x.memberships

        def edge(i: int, j: int) -> bool:
            s, g = system[i], gold[j]
            a, b = fold(s.role), fold(g.get("role"))
            role_ok = not b or a == b or (a and (a in b or b in a))
            return bool(
                role_ok
                and self.refers(s.member, g.get("person"))
                and self.refers(s.organization, g.get("organization"))
            )

        pairs = max_matching(len(system), len(gold), edge)
        score = self.result.layers["memberships"]
        score.system, score.gold = len(system), len(gold)
        score.tp = score.found = len(pairs)
        for j, g in enumerate(gold):
            if j not in pairs.values():
                self.result.notes.append(
                    f"memberships: missed {g.get('person')} "
                    f"/ {g.get('role')} / {g.get('organization')}"
                )
        for i, m in enumerate(system):
            if i not in pairs:
                self.result.notes.append(
                    f"memberships: spurious {self.x.entity(m.member).label} / {m.role} / "
                    f"{self.x.entity(m.organization).label}"
                )

    # article metadata ---------------------------------------------------------------------

    def metadata(self) -> None:
        gold = self.gold.get("article") or {}
        art = self.x.article
        score = self.result.layers["metadata"]
        system_values = {
            "headline": art.headline,
            "published": art.date_published,
            "author": art.authors,
            "publisher": art.publisher,
        }
        for key, have in system_values.items():
            want = gold.get(key)
            if want in (None, "", []):
                continue
            want_set = {fold(w) for w in (want if isinstance(want, list) else [want])}
            have_set = {fold(h) for h in (have if isinstance(have, list) else [have]) if h}
            score.gold += 1
            if have_set:
                score.system += 1
            if want_set and want_set == have_set:
                score.tp += 1
                score.found += 1
            else:
                self.result.notes.append(
                    f"metadata: {key} {sorted(have_set)} vs gold {sorted(want_set)}"
                )

    def score(self) -> ArticleScore:
        self.entities()
        self.quotes()
        self.events()
        self.memberships()
        self.metadata()
        return self.result


def score_article(x: Extraction, gold: dict[str, Any]) -> ArticleScore:
    return ArticleScorer(x, gold).score()


def evaluate_extractions(extractions: Iterable[Extraction], gold_dir: str | Path) -> Report:
    gold_dir = Path(gold_dir)
    scores, missing = [], []
    for x in extractions:
        path = gold_dir / f"{Path(x.article.source).stem}.json"
        if not path.exists():
            path = gold_dir / f"{x.article.id}.json"
        if not path.exists():
            missing.append(x.article.id)
            continue
        scores.append(score_article(x, load_gold(path)))
    return Report(scores, missing)


def evaluate(articles_dir: str | Path, gold_dir: str | Path, jobs: int = 1) -> Report:
    """Read and extract every article of ``articles_dir`` (as the build does, cross-article
    linking included) and score those that have a gold file in ``gold_dir``."""
    from newskg.extraction.crossdoc import link_across
    from newskg.extraction.reader import article_paths, read_article

    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise GoldError(f"{gold_dir}: not a directory of gold files")
    paths = [p for p in article_paths(articles_dir) if (gold_dir / f"{p.stem}.json").exists()]
    if not paths:
        raise GoldError(f"no article of {articles_dir} has a gold file in {gold_dir}")
    articles = [read_article(p) for p in paths]
    extractions = extract_articles(articles, jobs)
    link_across(extractions)
    return evaluate_extractions(extractions, gold_dir)


def extract_articles(articles: Sequence[Any], jobs: int = 1) -> list[Extraction]:
    from newskg.extraction.extract import extract_parallel

    return extract_parallel(list(articles), jobs)
