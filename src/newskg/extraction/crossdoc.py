"""Entities across articles: the same person or group in two articles becomes one key.

Within one article :mod:`newskg.extraction.entities` already merges "Smith" into "John Smith".
Across articles two general rules remain:

- a person an article names only by one word ("Smith") takes the key of the one person the
  other articles name in full with that last word ("John Smith"), never when several fit;
- organization keys that differ only by a plural ``s`` ("x-guard", "x-guards") become one.

Nothing else merges: entities of different names that reach one key by accident (in different
articles) are told apart again by a hash of the name (the third rule).

Each rule decides from an aggregate over every article (:mod:`newskg.extraction.link_tables`)
and then applies to each article alone, so that :func:`relink` can take a change (articles
sent, articles withdrawn) and link again only the articles whose decisions it changes,
reading the other articles' rows, never their entities. :func:`link_across` links a list of
extractions in one go the same way. Both return what they did to each article as a list of
:data:`Rekey` steps, and :func:`replay` then gives an article's full extraction exactly the
keys it would have got had every article been in memory.

>>> from newskg.extraction.model import ArticleText, Entity
>>> a = Extraction(ArticleText("a", "a", ""), [Entity("jane-roe", "actor", "Jane Roe")])
>>> b = Extraction(ArticleText("b", "b", ""), [Entity("roe", "actor", "Roe")])
>>> link_across([a, b])
{'b': [('actor', 'roe', 'Roe', 'jane-roe', 'Jane Roe', None)]}
>>> (b.entities[0].key, b.entities[0].label, b.entities[0].alt_labels)
('jane-roe', 'Jane Roe', {'Roe'})
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterable
from contextlib import closing

from newskg.extraction.link_tables import (
    LinkTables,
    NameKey,
    Target,
    full_name_word,
    kept_name,
    one_word_name,
    singular,
)
from newskg.extraction.model import Entity, Extraction
from newskg.vocab import digest

#: One re-keying: (kind, key, label) of the entity before, then its new key, label, wikidata.
Rekey = tuple[str, str, str, str, str, str | None]
Steps = dict[str, list[Rekey]]  # article id -> its re-keyings, in order
#: The entities of published articles as extracted (before linking), by article id.
Load = Callable[[set[str]], dict[str, Extraction]]


def link_across(extractions: list[Extraction]) -> Steps:
    """Re-key entities in place so that one real entity has one key in every article; return
    the steps taken per article that had any (for :func:`replay`).

    Linking reads only the entities (kind, key, label, alternative labels, Wikidata id and
    mention count), never the facts, so extractions holding only their entities link exactly
    as the full ones do; the order of ``extractions`` does not matter."""
    with closing(sqlite3.connect(":memory:")) as db:
        tables = LinkTables.open(db)
        steps = relink(tables, {x.article.id: x for x in extractions}, (), lambda ids: {})
    return {article: taken for article, taken in steps.items() if taken}


def relink(
    tables: LinkTables, sent: dict[str, Extraction], removed: Iterable[str], load: Load
) -> Steps:
    """Link a change: ``sent`` articles (their entities as extracted; re-keyed in place)
    added or replacing those of their id, ``removed`` ones withdrawn, every other article's
    rows already in ``tables``. Updates ``tables`` and returns the steps of every article
    whose linking the change may alter (every one sent included, steps possibly empty);
    any other article links as it did. ``load`` gives the entities of published articles
    that must be linked again."""
    gone = set(removed) | sent.keys()
    # The decisions the change takes part in, before it.
    words = tables.words_of(gone) | {w for x in sent.values() for w in _words(x.entities)}
    groups = tables.singulars_of(gone) | {
        singular(e.key) for x in sent.values() for e in x.entities if e.kind == "organization"
    }
    surnames = {w: tables.surname(w) for w in words}
    plurals = {g: tables.plural_group(g) for g in groups}
    names_before = {k: tables.shared(k) for k in tables.name_keys_of(gone)}
    tables.delete_candidates(gone)
    tables.delete_names(gone)
    for article_id, extraction in sent.items():
        tables.add_candidates(article_id, extraction.entities)
    # The articles whose first two rules decide otherwise now.
    affected = tables.articles_with(
        [w for w in words if tables.surname(w) != surnames[w]],
        [g for g in groups if tables.plural_group(g) != plurals[g]],
        (),
    )
    linking = {**load(affected - gone), **sent}
    keys = tables.name_keys_of(linking.keys() - gone)
    names_before.update((k, tables.shared(k)) for k in keys - names_before.keys())
    tables.delete_names(linking.keys())
    steps: Steps = {article_id: [] for article_id in linking}
    decide = _Decisions(tables)
    for article_id, extraction in linking.items():
        _first_rules(extraction, decide, steps[article_id])
        new = {k for k, _ in filter(None, (kept_name(e) for e in extraction.entities))}
        names_before.update((k, tables.shared(k)) for k in new if k not in names_before)
        tables.add_names(article_id, extraction.entities)
    # The articles whose names now meet on a key (or no longer) with another's.
    apart = [k for k, shared in names_before.items() if tables.shared(k) != shared]
    more = tables.articles_with((), (), apart) - linking.keys()
    for article_id, extraction in load(more).items():
        steps[article_id] = []
        _first_rules(extraction, decide, steps[article_id])
        linking[article_id] = extraction
    for article_id, extraction in linking.items():
        _keep_apart(extraction, tables, steps[article_id])
    return steps


def _words(entities: Iterable[Entity]) -> set[str]:
    """The words of the surname decisions ``entities`` take part in."""
    return {w for e in entities for w in (one_word_name(e), full_name_word(e)) if w is not None}


class _Decisions:
    """The first two rules' decisions, read once per word or group in one linking."""

    def __init__(self, tables: LinkTables) -> None:
        self.tables = tables
        self.surnames: dict[str, Target | None] = {}
        self.plurals: dict[str, dict[str, Target]] = {}

    def surname(self, word: str) -> Target | None:
        if word not in self.surnames:
            self.surnames[word] = self.tables.surname(word)
        return self.surnames[word]

    def plural(self, key: str) -> Target | None:
        group = singular(key)
        if group not in self.plurals:
            self.plurals[group] = self.tables.plural_group(group)
        return self.plurals[group].get(key)


def _first_rules(extraction: Extraction, decide: _Decisions, steps: list[Rekey]) -> None:
    """One-word names completed, plural organization keys merged (in place)."""
    for entity in list(extraction.entities):
        word = one_word_name(entity)
        target = decide.surname(word) if word is not None else None
        if target is not None:
            _rekey(steps, extraction, entity, target)
    for entity in list(extraction.entities):
        target = decide.plural(entity.key) if entity.kind == "organization" else None
        if target is not None:
            _rekey(steps, extraction, entity, target)


def _keep_apart(extraction: Extraction, tables: LinkTables, steps: list[Rekey]) -> None:
    """Re-key entities whose (kind, key) another article gives to a different name.

    After linking, one key stands for one folded name (the gazetteer's entries aside, whose
    key is the entry's). Keys are minted from the folded name, so two names meet on one key
    only by accident (a hash collision, a key minted before this rule); then each name but
    the one the key spells gets the key plus ``--`` and a hash of its name, the same in
    every article and whatever their order, so neither is published as the other."""
    shared: dict[NameKey, bool] = {}
    for entity in list(extraction.entities):
        kept = kept_name(entity)
        if kept is None:
            continue
        key, name = kept
        if key not in shared:
            shared[key] = tables.shared(key)
        if shared[key] and name != entity.key.replace("-", " "):
            target = Target(f"{entity.key}--{digest(name)[:8]}", entity.label, None)
            _rekey(steps, extraction, entity, target)


def replay(extraction: Extraction, steps: Collection[Rekey]) -> None:
    """Apply to ``extraction`` the steps :func:`link_across` took on its entities."""
    for kind, old, old_label, key, label, wikidata in steps:
        entity = next(
            e for e in extraction.entities if (e.kind, e.key, e.label) == (kind, old, old_label)
        )
        rekey(extraction, entity, key, label, wikidata)


def _rekey(steps: list[Rekey], extraction: Extraction, entity: Entity, target: Target) -> None:
    steps.append((entity.kind, entity.key, entity.label, *target))
    rekey(extraction, entity, *target)


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
