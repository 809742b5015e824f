"""Entities across articles: the same person or group in two articles becomes one key.

Within one article :mod:`newskg.extraction.entities` already merges "Smith" into "John Smith".
Across articles two general rules remain, applied to a whole build:

- a person an article names only by one word ("Smith") takes the key of the one person the
  other articles name in full with that last word ("John Smith"), never when several fit;
- organization keys that differ only by a plural ``s`` ("x-guard", "x-guards") become one.

Nothing else merges: entities of different names that reach one key by accident (in different
articles) are told apart again by a hash of the name (:func:`keep_apart`).

>>> from newskg.extraction.model import ArticleText, Entity
>>> a = Extraction(ArticleText("a", "a", ""), [Entity("jane-roe", "actor", "Jane Roe")])
>>> b = Extraction(ArticleText("b", "b", ""), [Entity("roe", "actor", "Roe")])
>>> link_across([a, b]); (b.entities[0].key, b.entities[0].label, b.entities[0].alt_labels)
('jane-roe', 'Jane Roe', {'Roe'})
"""

from __future__ import annotations

from collections import Counter, defaultdict

from newskg.extraction.model import Entity, Extraction
from newskg.text import fold
from newskg.vocab import digest, slugify


def link_across(extractions: list[Extraction]) -> None:
    """Re-key entities in place so that one real entity has one key in every article."""
    _complete_surnames(extractions)
    _merge_plural_organizations(extractions)
    keep_apart(extractions)


def keep_apart(extractions: list[Extraction]) -> None:
    """Re-key entities whose (kind, key) another article gives to a different name.

    After linking, one key stands for one folded name (the gazetteer's entries aside, whose
    key is the entry's). Keys are minted from the folded name, so two names meet on one key
    only by accident (a hash collision, a key minted before this rule); then each name but
    the one the key spells gets the key plus ``--`` and a hash of its name, the same in
    every article and whatever their order, so neither is published as the other."""
    names: dict[tuple[str, str], set[str]] = defaultdict(set)
    for extraction in extractions:
        for entity in extraction.entities:
            if not entity.wikidata:
                names[(entity.kind, entity.key)].add(fold(entity.label))
    for (kind, key), folded in names.items():
        if len(folded) < 2:
            continue
        keeper = key.replace("-", " ")  # the name the key spells keeps it, if it is there
        for extraction in extractions:
            for entity in list(extraction.entities):
                name = fold(entity.label)
                if (
                    (entity.kind, entity.key) == (kind, key)
                    and not entity.wikidata
                    and (name != keeper)
                ):
                    rekey(extraction, entity, f"{key}--{digest(name)[:8]}", entity.label, None)


def _complete_surnames(extractions: list[Extraction]) -> None:
    full_names: dict[str, dict[str, Entity]] = defaultdict(dict)  # last word -> key -> entity
    for extraction in extractions:
        for entity in extraction.entities:
            words = slugify(entity.label).split("-")
            if entity.kind == "actor" and len(words) > 1:
                full_names[words[-1]][entity.key] = entity
    for extraction in extractions:
        for entity in list(extraction.entities):
            words = slugify(entity.label).split("-")
            if entity.kind != "actor" or len(words) != 1 or entity.wikidata:
                continue
            candidates = full_names.get(words[0], {})
            if len(candidates) == 1:
                (target,) = candidates.values()
                rekey(extraction, entity, target.key, target.label, target.wikidata)


def _merge_plural_organizations(extractions: list[Extraction]) -> None:
    def singular(key: str) -> str:
        return "-".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in key.split("-"))

    mentions: Counter[str] = Counter()
    labels: dict[str, Entity] = {}
    for extraction in extractions:
        for entity in extraction.entities:
            if entity.kind == "organization":
                mentions[entity.key] += len(entity.mentions) or 1
                labels.setdefault(entity.key, entity)
    groups: dict[str, list[str]] = defaultdict(list)
    for key in sorted(mentions):
        groups[singular(key)].append(key)
    for keys in groups.values():
        if len(keys) < 2:
            continue
        winner = sorted(keys, key=lambda k: (-mentions[k], k))[0]
        target = labels[winner]
        for extraction in extractions:
            for entity in list(extraction.entities):
                if entity.kind == "organization" and entity.key in keys and entity.key != winner:
                    rekey(extraction, entity, winner, target.label, target.wikidata)


def rekey(
    extraction: Extraction, entity: Entity, key: str, label: str, wikidata: str | None
) -> None:
    """Give ``entity`` a new key and canonical label (its own label becomes an alias), merging
    it into an entity of this article that already has that key, and repoint every fact."""
    old = entity.key
    same = next((e for e in extraction.entities if e.key == key and e is not entity), None)
    if same is not None:
        same.mentions = sorted(set(same.mentions) | set(entity.mentions))
        same.alt_labels |= entity.alt_labels | {entity.label}
        extraction.entities.remove(entity)
    else:
        entity.alt_labels |= {entity.label}
        entity.key, entity.label = key, label
        entity.alt_labels.discard(label)
        entity.wikidata = entity.wikidata or wikidata
    for statement in extraction.statements:
        if statement.speaker == old:
            statement.speaker = key
    for event in extraction.events:
        for argument in event.arguments:
            if argument.entity == old:
                argument.entity = key
        if event.place == old:
            event.place = key
    for membership in extraction.memberships:
        membership.member = key if membership.member == old else membership.member
        if membership.organization == old:
            membership.organization = key
