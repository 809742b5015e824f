"""Score extraction against hand-written gold files: precision, recall and F1 per layer.

Gold files are read by :mod:`newskg.evaluation.gold`, names compared and items paired by
:mod:`newskg.evaluation.matching`, each article scored by :mod:`newskg.evaluation.scoring`,
and the totals reported by :mod:`newskg.evaluation.report`.

A gold file ``<article stem>.json`` (see docs/evaluation.md) lists what a person
found in one article::

    {"article": {"headline", "published", "author": [], "publisher"},
     "persons": [{"name", "aliases": [], "wikidata"}], "organizations": [...], "places": [...],
     "quotes": [{"text", "speaker"}],
     "events": [{"label", "type", "date", "place",
                 "participants": [{"name", "role": "agent|target|participant"}]}],
     "memberships": [{"person", "organization", "role"}]}

Matching (names are compared after :func:`gold_form`: case, accents, punctuation, whitespace and a
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
  speaker accuracy = right speakers / found quotes whose gold speaker is named (a gold
  quote with a null speaker counts for the quotes layer only);
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

Only the layers a gold file lists under ``layers`` (all six without the key) are scored on
that article: speakers go with quotes, event participants with events. A gold file's
``event_types_covered`` leaves system events of other types out of every count. Several sets
at once, and the reader set: :mod:`newskg.evaluation.sets`.

Totals are micro-averaged: true positives, system items and gold items summed over articles.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from newskg.evaluation.gold import GoldError, load_gold
from newskg.evaluation.matching import gold_form, max_matching
from newskg.evaluation.report import LAYERS, READER_TARGETS, TARGETS, ArticleScore, Report, Score
from newskg.evaluation.scoring import score_article
from newskg.extraction.model import Extraction

#: How an article the reader rejected is noted in its score (it is scored as found empty).
REJECTED = "rejected by the reader"

__all__ = [
    "ArticleScore",
    "GoldError",
    "LAYERS",
    "READER_TARGETS",
    "REJECTED",
    "Report",
    "Score",
    "TARGETS",
    "evaluate",
    "evaluate_extractions",
    "extract_articles",
    "gold_form",
    "load_gold",
    "max_matching",
    "score_article",
]


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
    from newskg.extraction.model import ArticleText
    from newskg.extraction.reader import ArticleError, article_paths, read_article

    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise GoldError(f"{gold_dir}: not a directory of gold files")
    paths = [p for p in article_paths(articles_dir) if (gold_dir / f"{p.stem}.json").exists()]
    if not paths:
        raise GoldError(f"no article of {articles_dir} has a gold file in {gold_dir}")
    articles, rejected = [], []
    for path in paths:
        try:
            articles.append(read_article(path))
        except ArticleError as exc:
            rejected.append((path, exc))
    extractions = extract_articles(articles, jobs)
    link_across(extractions)
    report = evaluate_extractions(extractions, gold_dir)
    # An article the reader rejects published nothing: every gold item of it is missed
    # (scored against an empty extraction), so a lost article costs recall instead of
    # stopping the evaluation or vanishing from it.
    for path, error in rejected:
        empty = Extraction(ArticleText(path.stem, str(path), ""))
        score = score_article(empty, load_gold(gold_dir / f"{path.stem}.json"))
        score.notes.insert(0, f"{REJECTED}: {error.in_file()}")
        report.articles.append(score)
    report.articles.sort(key=lambda a: a.article)
    return report


def extract_articles(articles: Sequence[Any], jobs: int = 1) -> list[Extraction]:
    """Each article's extraction (in ``jobs`` processes), in input order; an article whose
    extraction fails stops the evaluation (its figures would be wrong)."""
    from newskg.extraction.pool import extract_each

    outcomes = list(extract_each(list(articles), jobs))
    for article, outcome in zip(articles, outcomes, strict=True):
        if isinstance(outcome, str):
            raise RuntimeError(f"{article.source}: extraction failed ({outcome})")
    return [outcome for outcome in outcomes if not isinstance(outcome, str)]
