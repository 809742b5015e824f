"""Organizations and places named by description, as mentions: step 2 of
:func:`newskg.extraction.entities.resolve` after the gazetteer (the rules that find them are
:mod:`newskg.extraction.bodies`: "the Kenyan parliament", "a Somali-led coalition", "the
Orange Front"; untagged names of buildings and sites; a bare head such as "the parliament"
for the one state body of the article with that head).
"""

from __future__ import annotations

from collections import defaultdict

from newskg.extraction import bodies
from newskg.extraction.gazetteer import Gazetteer
from newskg.extraction.lexicon import Lexicon
from newskg.extraction.mentions import QUOTE_CHARS, Mention, span_text
from newskg.extraction.names import place_heads
from newskg.extraction.nlp import Para
from newskg.extraction.role_data import role_data
from newskg.text import fold


def body_mentions(
    paras: list[Para], found: list[Mention], gaz: Gazetteer, lex: Lexicon
) -> list[Mention]:
    """Organizations named by description (:mod:`newskg.extraction.bodies`), labelled "BODY"."""

    countries: dict[str, bool] = {}  # asked for the words after every capitalised word

    def is_country(name: str) -> bool:
        known = countries.get(name)
        if known is None:
            known = countries[name] = (
                any(e.kind == "place" for e in gaz.candidates(name))
                or name.lower() in role_data().nations
            )  # "Scottish", "Welsh"
        return known

    covered = {(m.para, i) for m in found for i in range(m.start, m.end)}
    ranges: list[tuple[Para, int, int]] = []
    for para in paras:
        doc = para.doc
        mine = {i for p, i in covered if p == para.index}
        for start, end in (
            bodies.state_bodies(doc, lex, is_country)
            + bodies.led_collectives(doc, lex)
            + bodies.named_collectives(doc, lex)
            + bodies.proper_orgs(doc, lex, mine)
        ):
            ranges.append((para, start, end))
    made = [_body(para, start, end) for para, start, end in ranges]
    # Untagged names of buildings and sites ("Mecca's Grand Mosque"): places.
    for para in paras:
        mine = {i for p, i in covered if p == para.index}
        mine |= {i for m in made if m.para == para.index for i in range(m.start, m.end)}
        for start, end in bodies.proper_runs(para.doc, place_heads(), mine):
            place = _body(para, start, end)
            place.label = "FAC"
            made.append(place)
    # A bare head ("the parliament") is the one state body of the article with that head.
    heads: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for m in made:
        n = lex.demonym_length(list(m.words)) or 1
        tail = tuple(w.lower() for w in m.words[n:])
        if tail in lex.state_bodies:
            heads[tail].add(fold(m.text))
    single = {h for h, names in heads.items() if len(names) == 1}
    if single:
        taken = covered | {(m.para, i) for m in made for i in range(m.start, m.end)}
        for para in paras:
            mine = {i for p, i in taken if p == para.index}
            made += [_body(para, s, e) for s, e in bodies.bare_heads(para.doc, single, mine)]
    return made


def _body(para: Para, start: int, end: int) -> Mention:
    span, text = span_text(para, start, end)
    while text[:1] in QUOTE_CHARS:  # a quoted name: the name without its marks
        start += 1
        span, text = span_text(para, start, end)
    return Mention(para.index, start, end, span, text, "BODY")
