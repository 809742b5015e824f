"""One article's text -> an :class:`~newskg.extraction.model.Extraction`.

Order: parse body paragraphs (spaCy) -> entities (resolved within the article) -> pronouns ->
memberships -> quotes -> events. Only text inside ``article.body`` is read. Output is
deterministic and sorted by offsets; every fact refers only to keys in ``entities`` and has
evidence and a confidence in [0, 1] (checked by :func:`check`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from newskg.extraction import rules
from newskg.extraction.entities import resolve, resolve_pronouns
from newskg.extraction.events import find_events
from newskg.extraction.memberships import find_memberships
from newskg.extraction.model import ArticleText, Extraction, Span
from newskg.extraction.nlp import Para, parse_body, parse_many
from newskg.extraction.quotes import find_statements


def _extract(article: ArticleText, paras: list[Para]) -> Extraction:
    res = resolve(article, paras)
    pronouns = resolve_pronouns(paras, res)
    extraction = Extraction(
        article=article,
        entities=res.entities,
        memberships=find_memberships(paras, res, pronouns),
        statements=find_statements(paras, res, pronouns),
        events=find_events(article, paras, res, pronouns),
    )
    check(extraction)
    return extraction


def extract(article: ArticleText) -> Extraction:
    return _extract(article, parse_body(article))


def extract_many(articles: Iterable[ArticleText]) -> Iterator[Extraction]:
    """Like :func:`extract` for many articles, parsing their paragraphs in batches (over
    several processes: :func:`newskg.extraction.pool.extract_each`)."""
    for article, paras in parse_many(articles):
        yield _extract(article, paras)


def check(x: Extraction) -> None:
    """Raise ValueError if the extraction breaks an invariant."""
    keys = {e.key for e in x.entities}
    if len(keys) != len(x.entities):
        raise ValueError(f"{x.article.id}: duplicate entity keys")
    text = x.article.text

    def fact(
        what: str, refs: Sequence[str | None], evidence: Sequence[Span], confidence: float
    ) -> None:
        for ref in refs:
            if ref is not None and ref not in keys:
                raise ValueError(f"{x.article.id}: {what} refers to unknown entity {ref}")
        if not evidence:
            raise ValueError(f"{x.article.id}: {what} has no evidence")
        if not 0.0 <= confidence <= 1.0:
            raise ValueError(f"{x.article.id}: {what} confidence {confidence}")
        for span in evidence:
            if span.end > len(text):
                raise ValueError(f"{x.article.id}: {what} evidence beyond the text")

    for st in x.statements:
        if st.quote != st.quote_span.of(text):
            raise ValueError(f"{x.article.id}: quote text does not match its span")
        fact("statement", [st.speaker], st.evidence, st.confidence)
    for ev in x.events:
        fact("event", [*(a.entity for a in ev.arguments), ev.place], ev.evidence, ev.confidence)
    for m in x.memberships:
        fact("membership", [m.member, m.organization], m.evidence, m.confidence)
    # Every fact names its rule, a row of the rules table of its layer (nkg:extractor): an id
    # with no row fails here (rules.UnknownRuleError), not in a reader of the graph.
    made = [("statement", s.rule) for s in x.statements] + [("event", e.rule) for e in x.events]
    for layer, rule in made + [("membership", m.rule) for m in x.memberships]:
        if rules.rule(rule).layer != layer:
            raise ValueError(f"{x.article.id}: a {layer} made by {rule}, a rule of another layer")
