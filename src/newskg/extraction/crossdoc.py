"""Entities across articles: the same person or group in two articles becomes one key.

Within one article :mod:`newskg.extraction.entities` already merges "Smith" into "John Smith".
Across articles two general rules remain, applied to a whole build:

- a person an article names only by one word ("Smith") takes the key of the one person the
  other articles name in full with that last word ("John Smith"), never when several fit;
- organization keys that differ only by a plural ``s`` ("x-guard", "x-guards") become one.

Nothing else merges: entities of different names that reach one key by accident (in different
articles) are told apart again by a hash of the name (:func:`keep_apart`).

:func:`link_across` returns what it did to each article as a list of :data:`Rekey` steps, so
linking can run on the entities alone (the store keeps them per article, see
:mod:`newskg.publishing.entity_index`) and :func:`replay` then gives an article's full
extraction exactly the keys it would have got had every article been in memory.

>>> from newskg.extraction.model import ArticleText, Entity
>>> a = Extraction(ArticleText("a", "a", ""), [Entity("jane-roe", "actor", "Jane Roe")])
>>> b = Extraction(ArticleText("b", "b", ""), [Entity("roe", "actor", "Roe")])
>>> link_across([a, b])
{'b': [('actor', 'roe', 'Roe', 'jane-roe', 'Jane Roe', None)]}
>>> (b.entities[0].key, b.entities[0].label, b.entities[0].alt_labels)
('jane-roe', 'Jane Roe', {'Roe'})
"""

from __future__ import annotations

from collections import Counter, defaultdict

from newskg.extraction.model import Entity, Extraction
from newskg.text import fold
from newskg.vocab import digest, slugify

#: One re-keying: (kind, key, label) of the entity before, then its new key, label, wikidata.
Rekey = tuple[str, str, str, str, str, str | None]
Steps = dict[str, list[Rekey]]  # article id -> its re-keyings, in order


def link_across(extractions: list[Extraction]) -> Steps:
    """Re-key entities in place so that one real entity has one key in every article; return
    the steps taken per article (for :func:`replay`).

    Linking reads only the entities (kind, key, label, alternative labels, Wikidata id and
    mention count), never the facts, so extractions holding only their entities link exactly
    as the full ones do."""
    steps: Steps = defaultdict(list)
    _complete_surnames(extractions, steps)
    _merge_plural_organizations(extractions, steps)
    keep_apart(extractions, steps)
    return dict(steps)


def replay(extraction: Extraction, steps: list[Rekey]) -> None:
    """Apply to ``extraction`` the steps :func:`link_across` took on its entities."""
    for kind, old, old_label, key, label, wikidata in steps:
        entity = next(
            e for e in extraction.entities if (e.kind, e.key, e.label) == (kind, old, old_label)
        )
        rekey(extraction, entity, key, label, wikidata)


def _rekey(
    steps: Steps,
    extraction: Extraction,
    entity: Entity,
    key: str,
    label: str,
    wikidata: str | None,
) -> None:
    steps[extraction.article.id].append(
        (entity.kind, entity.key, entity.label, key, label, wikidata)
    )
    rekey(extraction, entity, key, label, wikidata)


def keep_apart(extractions: list[Extraction], steps: Steps) -> None:
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
                    _rekey(
                        steps, extraction, entity, f"{key}--{digest(name)[:8]}", entity.label, None
                    )


def _complete_surnames(extractions: list[Extraction], steps: Steps) -> None:
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
                _rekey(steps, extraction, entity, target.key, target.label, target.wikidata)


def _merge_plural_organizations(extractions: list[Extraction], steps: Steps) -> None:
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
                    _rekey(steps, extraction, entity, winner, target.label, target.wikidata)


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
