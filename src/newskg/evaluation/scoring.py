"""One article's extraction against its gold file, layer by layer (:class:`ArticleScorer`:
the matching rules are in :mod:`newskg.evaluation`)."""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

from newskg.evaluation.gold import GoldEntity
from newskg.evaluation.matching import gold_form, max_matching, words
from newskg.evaluation.report import ArticleScore
from newskg.extraction.model import Entity, Extraction

ENTITY_LAYERS = {"persons": "actor", "organizations": "organization", "places": "place"}
QUOTE_COVERAGE = 0.8
#: The layers a gold file may list under ``layers``; without the key all are annotated.
ANNOTATED_LAYERS = ("persons", "organizations", "places", "quotes", "events", "memberships")


def annotated_layers(gold: dict[str, Any]) -> set[str]:
    """The layers the gold file's source annotated (FORMAT.md: ``layers``, default all six):
    a layer not listed is not scored at all, so its system items are not false positives.

    >>> sorted(annotated_layers({"layers": ["quotes"]}))
    ['quotes']
    >>> len(annotated_layers({}))
    6
    """
    listed = gold.get("layers")
    return set(ANNOTATED_LAYERS if listed is None else listed) & set(ANNOTATED_LAYERS)


def _names(entity: Entity) -> set[str]:
    return {gold_form(n) for n in {entity.label, *entity.alt_labels}} - {""}


class ArticleScorer:
    def __init__(self, x: Extraction, gold: dict[str, Any]) -> None:
        self.x = x
        self.gold = gold
        self.result = ArticleScore(x.article.id)
        self.gold_entities: list[GoldEntity] = []
        self.annotated = annotated_layers(gold)
        # Every entity list is read, annotated or not: a set that annotates memberships or
        # events only may list its entities so that their aliases resolve the names of
        # members and participants (they are then not scored as a layer).
        for layer in ENTITY_LAYERS:
            for item in gold.get(layer) or []:
                if isinstance(item, str):
                    item = {"name": item}
                names = {gold_form(item.get("name"))} | {
                    gold_form(a) for a in item.get("aliases") or []
                }
                self.gold_entities.append(
                    GoldEntity(
                        layer, names - {""}, item.get("name") or "", item.get("wikidata") or None
                    )
                )
        self.paired: dict[str, GoldEntity] = {}  # system entity key -> its gold entity

    # entities -----------------------------------------------------------------------------

    def entities(self) -> None:
        for layer, kind in ENTITY_LAYERS.items():
            if layer not in self.annotated:
                continue
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
                match = gold[pairs[i]] if i in pairs else None
                if match is not None and match.wikidata:
                    wd.gold += 1
                    if e.wikidata:
                        wd.system += 1
                        if e.wikidata == match.wikidata:
                            wd.tp += 1
                            wd.found += 1
                        else:
                            self.result.notes.append(
                                f"wikidata: {e.label!r} linked {e.wikidata}, gold {match.wikidata}"
                            )
            wd.gold += sum(1 for j, g in enumerate(gold) if g.wikidata and j not in pairs.values())

    def gold_entity(self, name: str | None) -> GoldEntity | None:
        folded = gold_form(name)
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
            return gold_form(name) in self.paired[key].names
        names = target.names if target is not None else {gold_form(name)}
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
        for j, ids in sorted(found):
            gold_speaker = gold[j].get("speaker")
            if not gold_speaker:
                # The source could not name the speaker: the quote counts for the quotes
                # layer, and is left out of speaker accuracy (FORMAT.md).
                continue
            self.result.found_quotes += 1
            said = [system[i].speaker for i in ids]
            if all(self.refers(s, gold_speaker) for s in said):
                self.result.right_speakers += 1
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
        covered = self.gold.get("event_types_covered")
        system = self.x.events
        if covered is not None:
            # The source annotates these types only: an event of another type is neither
            # right nor wrong, so it is left out of every count.
            kept = {gold_form(t) for t in covered}
            system = [e for e in system if gold_form(e.type) in kept]

        def args(ev: dict[str, Any]) -> list[tuple[str, str]]:
            return [
                (p.get("name") or "", p.get("role") or "participant")
                for p in ev.get("participants") or []
            ]

        def edge(i: int, j: int) -> bool:
            s, g = system[i], gold[j]
            if gold_form(s.type) != gold_form(g.get("type")):
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
            a, b = gold_form(s.role), gold_form(g.get("role"))
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
            want_set = {gold_form(w) for w in (want if isinstance(want, list) else [want])}
            have_set = {gold_form(h) for h in (have if isinstance(have, list) else [have]) if h}
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
        """Every annotated layer (quote speakers go with quotes, event participants with
        events); the article's metadata always."""
        self.entities()
        if "quotes" in self.annotated:
            self.quotes()
        if "events" in self.annotated:
            self.events()
        if "memberships" in self.annotated:
            self.memberships()
        self.metadata()
        return self.result


def score_article(x: Extraction, gold: dict[str, Any]) -> ArticleScore:
    return ArticleScorer(x, gold).score()
