"""Where the gazetteer's names occur in an article's paragraphs, and how those mentions and
the tagger's are merged (step 2 of :func:`newskg.extraction.entities.resolve`): the longer
mention wins, and on equal extent the gazetteer's."""

from __future__ import annotations

from spacy.tokens import Doc

from newskg.extraction.gazetteer import Gazetteer
from newskg.extraction.lexicon import Lexicon
from newskg.extraction.mentions import Mention, trimmed_mentions
from newskg.extraction.nlp import Para
from newskg.text import fold

MAX_GAZ_TOKENS = 8


def gazetteer_mentions(paras: list[Para], gaz: Gazetteer, lex: Lexicon) -> list[Mention]:
    if not len(gaz):
        return []
    found: list[Mention] = []
    firsts = gaz.first_words
    for para in paras:
        doc, words = para.doc, para.words
        i = 0
        while i < len(doc):
            hit = None
            first = fold(words[i]).split()[:1] if words[i][:1].isupper() else None
            if first and first[0] in firsts:
                for n in range(min(MAX_GAZ_TOKENS, len(doc) - i), 0, -1):
                    if doc[i + n - 1].is_punct and doc[i + n - 1].text != ".":
                        continue
                    last = doc[i + n - 1]
                    text = " ".join(para.text[doc[i].idx : last.idx + len(last.text)].split())
                    entries = gaz.candidates(text)
                    if len(entries) == 1:
                        hit = (n, entries[0])
                        break
            if hit and _inside_date(doc, i, i + hit[0]):
                hit = None  # "Labour Day": a holiday, not the party
            if hit:
                n, entry = hit
                found.extend(
                    Mention(m.para, m.start, m.end, m.span, m.text, "GAZ", gaz=entry)
                    for m in trimmed_mentions(para, i, i + n, "GAZ", lex)
                )
                i += n
            else:
                i += 1
    return found


def _inside_date(doc: Doc, start: int, end: int) -> bool:
    """Is ``doc[start:end]`` part of a longer date or time the tagger found?"""
    ent = doc[start].ent_type_
    if ent not in {"DATE", "TIME"}:
        return False
    first = start
    while first > 0 and doc[first].ent_iob_ == "I":
        first -= 1
    last = end
    while last < len(doc) and doc[last].ent_iob_ == "I":
        last += 1
    return (first, last) != (start, end)


def merge_sources(ner: list[Mention], gaz: list[Mention]) -> list[Mention]:
    """Longer mention wins on overlap; on equal extent the gazetteer wins."""
    chosen: list[Mention] = []
    ranked = sorted(
        gaz + ner, key=lambda m: (-(m.span.end - m.span.begin), m.label != "GAZ", m.span)
    )
    # The tokens chosen mentions cover, so that each mention is checked against them and not
    # against every chosen mention (quadratic in a long article).
    taken: set[tuple[int, int]] = set()
    for m in ranked:
        tokens = [(m.para, i) for i in range(m.start, m.end)]
        if not any(t in taken for t in tokens):
            chosen.append(m)
            taken.update(tokens)
    return sorted(chosen, key=lambda m: m.span)
