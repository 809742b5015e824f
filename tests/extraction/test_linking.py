"""Linking across articles, in one go and change by change.

:func:`relink` links a change from the tables of every article's rows and re-links only the
articles the change can affect; the articles it leaves alone must link exactly as if every
article had been linked again (:func:`link_across` over all of them). Checked on random
archives built from name families where the rules fire (shared surnames, plural
organization keys, names meeting on one key), change after change.
"""

from __future__ import annotations

import copy
import random
import sqlite3
from functools import partial

import pytest

from newskg.extraction.crossdoc import link_across, relink, replay
from newskg.extraction.link_tables import LinkTables
from newskg.extraction.model import ArticleText, Entity, EntityKind, Extraction, Span
from newskg.publishing.entity_index import linked_digest

PEOPLE = ["Jane Roe", "John Roe", "Ann Lee", "Roe", "Lee", "Smith", "Bob Smith"]
ORGANIZATIONS = ["coast-guard", "coast-guards", "bank", "banks", "union"]
PLACES = [("paris", "Paris"), ("paris", "Parris"), ("lyon", "Lyon")]  # two names meet on paris


def article(rng: random.Random, article_id: str) -> Extraction:
    entities: dict[str, Entity] = {}
    for _ in range(rng.randint(1, 5)):
        kind: EntityKind = rng.choice(["actor", "organization", "place"])
        mentions = [Span(i, i + 1) for i in range(rng.randint(1, 4))]
        if kind == "actor":
            label = rng.choice(PEOPLE)
            key = label.lower().replace(" ", "-")
            wikidata = "Q1" if label == "Bob Smith" and rng.random() < 0.5 else None
        elif kind == "organization":
            key = rng.choice(ORGANIZATIONS)
            label, wikidata = key.replace("-", " ").title(), None
        else:
            key, label = rng.choice(PLACES)
            wikidata = None
        entities.setdefault(key, Entity(key, kind, label, set(), wikidata, mentions))
    return Extraction(ArticleText(article_id, article_id, ""), list(entities.values()))


def load(
    articles: dict[str, Extraction],
    sent: dict[str, Extraction],
    loaded: dict[str, Extraction],
    ids: set[str],
) -> dict[str, Extraction]:
    """Published articles' entities as linking asks for them (never one sent)."""
    assert not ids & sent.keys()
    loaded.update({i: copy.deepcopy(articles[i]) for i in ids})
    return {i: loaded[i] for i in ids}


def linked_all(articles: dict[str, Extraction]) -> dict[str, str]:
    """Every article's linked digest, linking all of them at once."""
    fresh = [copy.deepcopy(x) for x in articles.values()]
    link_across(fresh)
    return {x.article.id: linked_digest(x.entities) for x in fresh}


@pytest.mark.parametrize("seed", range(12))
def test_a_change_links_as_linking_everything_again(seed: int) -> None:
    rng = random.Random(seed)
    articles = {f"a{i}": article(rng, f"a{i}") for i in range(8)}
    tables = LinkTables.open(sqlite3.connect(":memory:"))
    sent = {i: copy.deepcopy(x) for i, x in articles.items()}
    steps = relink(tables, sent, (), lambda ids: {})
    linked = {i: linked_digest(x.entities) for i, x in sent.items()}
    assert steps.keys() == articles.keys()
    assert linked == linked_all(articles)
    for n in range(15):
        change = rng.choice(["add", "replace", "remove"])
        if change == "remove" and len(articles) > 1:
            removed = [rng.choice(sorted(articles))]
            sent = {}
            del articles[removed[0]]
            linked.pop(removed[0])
        else:
            target = f"n{n}" if change == "add" else rng.choice(sorted(articles))
            removed, sent = [], {target: article(rng, target)}
            articles[target] = sent[target]
            sent = copy.deepcopy(sent)
        loaded: dict[str, Extraction] = {}
        steps = relink(tables, sent, removed, partial(load, articles, sent, loaded))
        for article_id, taken in steps.items():
            linking = {**loaded, **sent}[article_id]
            linked[article_id] = linked_digest(linking.entities)
            replayed = copy.deepcopy(articles[article_id])
            replay(replayed, taken)
            assert linked_digest(replayed.entities) == linked[article_id]
        assert linked == linked_all(articles), (seed, n, change)


def test_linking_does_not_depend_on_the_order_of_articles() -> None:
    rng = random.Random(7)
    articles = [article(rng, f"a{i}") for i in range(10)]
    forward = {x.article.id: x for x in copy.deepcopy(articles)}
    backward = {x.article.id: x for x in copy.deepcopy(articles[::-1])}
    assert link_across(list(forward.values())) == link_across(list(backward.values()))
    assert {i: linked_digest(x.entities) for i, x in forward.items()} == {
        i: linked_digest(x.entities) for i, x in backward.items()
    }


def test_a_one_word_name_is_completed_and_told_apart_again_when_a_second_fits() -> None:
    tables = LinkTables.open(sqlite3.connect(":memory:"))
    jane = Extraction(ArticleText("a", "a", ""), [Entity("jane-roe", "actor", "Jane Roe")])
    roe = Extraction(ArticleText("b", "b", ""), [Entity("roe", "actor", "Roe")])
    relink(tables, {"a": jane, "b": roe}, (), lambda ids: {})
    assert roe.entities[0].key == "jane-roe"
    john = Extraction(ArticleText("c", "c", ""), [Entity("john-roe", "actor", "John Roe")])
    stubs = {"b": Extraction(ArticleText("b", "b", ""), [Entity("roe", "actor", "Roe")])}
    steps = relink(tables, {"c": john}, (), lambda ids: {i: stubs[i] for i in ids})
    assert steps == {"b": [], "c": []}  # "Roe" is linked again: two full names fit now
    assert stubs["b"].entities[0].key == "roe"
