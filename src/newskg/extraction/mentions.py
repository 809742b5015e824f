"""Where an article names an entity: the mentions of :func:`newskg.extraction.entities.resolve`.

1. *Mentions* from spaCy NER (PERSON -> actor, ORG -> organization, GPE/LOC/FAC -> place,
   NORP only when it names a group: the gazetteer says so or it is tagged ORG elsewhere),
   cleaned: leading "the", titles and ranks ("Brig. Gen."), possessive "'s", possessive chains
   inside ORG names ("the Alliance's Youth Wing" -> two names), junk (URLs, digits, lower case,
   title words, "not names").
2. *Gazetteer* matches of labels/aliases in the body add or override mentions (exact, folded);
   organizations named by description (:mod:`newskg.extraction.bodies`: "the Kenyan
   parliament", "a Somali-led coalition", "the Orange Front") are added where longer.
4. *Re-scan* (after the kinds are voted, :mod:`newskg.extraction.kinds`): every accepted name
   is searched again in the body to recover mentions the model missed ("Varga funeral").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from spacy.tokens import Token

from newskg.extraction import bodies
from newskg.extraction.gazetteer import GazEntry, Gazetteer
from newskg.extraction.lexicon import Lexicon
from newskg.extraction.model import Span
from newskg.extraction.nlp import Para
from newskg.text import fold

KIND_OF_LABEL = {
    "PERSON": "actor",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "BODY": "organization",
}
NAME_PARTICLES = {
    "al",
    "el",
    "bin",
    "ibn",
    "abu",
    "de",
    "da",
    "di",
    "del",
    "van",
    "von",
    "der",
    "den",
    "la",
    "le",
    "du",
    "dos",
    "das",
    "ben",
    "y",
    "bint",
    "al-",
}
POSSESSIVE = {"'s", "\u2019s", "'", "\u2019"}
QUOTE_CHARS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb"
MONTHS_DAYS = {
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
}
MAX_GAZ_TOKENS = 8
PORTFOLIO_TITLES = {"secretary", "minister"}


@dataclass
class Mention:
    para: int
    start: int  # token index in the paragraph's Doc (inclusive)
    end: int  # exclusive
    span: Span  # character span in the full text
    text: str  # surface name, whitespace-normalised
    label: str  # spaCy label, or "GAZ"/"SCAN"
    gaz: GazEntry | None = None
    kind: str | None = None
    key: str | None = None
    prefixed: bool = False  # carries a leading adjective another mention lacks

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.text.split())


# --- 1. mentions ---------------------------------------------------------------------------


def _text(para: Para, start: int, end: int) -> tuple[Span, str]:
    doc = para.doc
    span = para.chars(doc[start:end])
    raw = para.text[doc[start].idx : doc[end - 1].idx + len(doc[end - 1].text)]
    return span, " ".join(raw.split())


def _is_junk(words: tuple[str, ...], lex: Lexicon) -> bool:
    text = " ".join(words)
    if not text or not text[0].isalpha() or not text[0].isupper():
        return True
    if any(ch.isdigit() for ch in text) or "www" in text.lower() or "@" in text or "/" in text:
        return True
    if len(text.replace(".", "")) < 2:
        return True
    low = text.lower()
    return (
        low in lex.not_names
        or low in MONTHS_DAYS
        or lex.is_title(list(words))
        or (len(words) > 1 and words[-1].lower() in lex.not_entity_heads)
        or any(c in text for c in "#:;|")
    )


def _clean(para: Para, start: int, end: int, label: str, lex: Lexicon) -> list[Mention]:
    """Trim one raw entity (token range) to its name(s)."""
    doc = para.doc

    def skippable(tok: Token) -> bool:
        return tok.is_space or tok.is_punct or tok.text in QUOTE_CHARS

    while start < end and (skippable(doc[start]) or doc[start].lower_ in {"the", "a", "an"}):
        start += 1
    while end > start and (skippable(doc[end - 1]) or doc[end - 1].text in POSSESSIVE):
        end -= 1
    if start >= end:
        return []
    # A name preceded by title words that together form a title ("Secretary of State").
    for back in range(1, 4):
        if start - back >= 0 and lex.is_title([t.text for t in doc[start - back : end]]):
            return []
    # ... or followed by title words that make it a title ("Defense Minister").
    for fwd in range(1, 4):
        if end + fwd <= len(doc) and lex.is_title([t.text for t in doc[start : end + fwd]]):
            return []
    # ... or one word naming a portfolio before a bare "Secretary" / "Minister": "Commerce
    # Secretary Jane Roe" names an office, not an organization (but "Northfield Union
    # Secretary General" names both).
    if (
        end - start == 1
        and end < len(doc)
        and doc[end].lower_ in PORTFOLIO_TITLES
        and doc[end].text[:1].isupper()
        and lex.title_length([t.text for t in doc[end : end + 4]]) == 1
    ):
        return []
    # Possessive chains inside one entity: "the Riverside League's Youth Wing".
    parts, part_start = [], start
    for i in range(start, end):
        if doc[i].text in POSSESSIVE or doc[i].tag_ == "POS":
            parts.append((part_start, i))
            part_start = i + 1
    parts.append((part_start, end))
    if len(parts) > 1:
        found = []
        for s, e in parts:
            found.extend(_clean(para, s, e, label, lex))
        return found
    words = [t.text for t in doc[start:end]]
    n_title = lex.title_length(words)
    if 0 < n_title < len(words):
        start += n_title
    # Person names: capitalised words (particles allowed); trim lower-case tails.
    if label == "PERSON":
        while end > start and not doc[end - 1].text[:1].isupper():
            end -= 1
        if start >= end:
            return []
        if any(
            not t.text[:1].isupper() and t.lower_ not in NAME_PARTICLES and not t.is_punct
            for t in doc[start:end]
        ):
            return []
    span, text = _text(para, start, end)
    if _is_junk(tuple(text.split()), lex):
        return []
    return [Mention(para.index, start, end, span, text, label)]


def ner_mentions(paras: list[Para], lex: Lexicon) -> list[Mention]:
    found = []
    for para in paras:
        for ent in para.doc.ents:
            if ent.label_ in KIND_OF_LABEL or ent.label_ == "NORP":
                found.extend(_clean(para, ent.start, ent.end, ent.label_, lex))
    return found


def gazetteer_mentions(paras: list[Para], gaz: Gazetteer, lex: Lexicon) -> list[Mention]:
    if not len(gaz):
        return []
    found: list[Mention] = []
    firsts = gaz.first_words
    for para in paras:
        doc = para.doc
        i = 0
        while i < len(doc):
            hit = None
            if (
                doc[i].text[:1].isupper()
                and fold(doc[i].text).split()[:1]
                and (fold(doc[i].text).split()[0] in firsts)
            ):
                for n in range(min(MAX_GAZ_TOKENS, len(doc) - i), 0, -1):
                    if doc[i + n - 1].is_punct and doc[i + n - 1].text != ".":
                        continue
                    last = doc[i + n - 1]
                    text = " ".join(para.text[doc[i].idx : last.idx + len(last.text)].split())
                    entries = gaz.candidates(text)
                    if len(entries) == 1:
                        hit = (n, entries[0])
                        break
            if hit:
                n, entry = hit
                found.extend(
                    Mention(m.para, m.start, m.end, m.span, m.text, "GAZ", gaz=entry)
                    for m in _clean(para, i, i + n, "GAZ", lex)
                )
                i += n
            else:
                i += 1
    return found


def body_mentions(
    paras: list[Para], found: list[Mention], gaz: Gazetteer, lex: Lexicon
) -> list[Mention]:
    """Organizations named by description (:mod:`newskg.extraction.bodies`), labelled "BODY"."""

    def is_country(name: str) -> bool:
        return any(e.kind == "place" for e in gaz.candidates(name))

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
    span, text = _text(para, start, end)
    while text[:1] in QUOTE_CHARS:  # a quoted name: the name without its marks
        start += 1
        span, text = _text(para, start, end)
    return Mention(para.index, start, end, span, text, "BODY")


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


# --- 4. re-scan ----------------------------------------------------------------------------


def rescan(mentions: list[Mention], paras: list[Para], lex: Lexicon) -> list[Mention]:
    names: dict[tuple[str, ...], Mention] = {}
    for m in mentions:
        if m.kind is None:
            continue
        names.setdefault(m.words, m)
        if m.kind == "actor" and len(m.words) > 1 and m.words[-1][:1].isupper():
            names.setdefault((m.words[-1],), m)
    # Names by first word, in the order above: each token is compared with the names that
    # start with it, not with every name (that was tokens x names, quadratic in the article).
    by_first: dict[str, list[tuple[tuple[str, ...], Mention]]] = defaultdict(list)
    for words, model in names.items():
        if words:
            by_first[words[0]].append((words, model))
    added = []
    taken = {(m.para, i) for m in mentions for i in range(m.start, m.end)}
    for para in paras:
        toks = [t.text for t in para.doc]
        for i in range(len(toks)):
            for words, model in by_first.get(toks[i], ()):
                n = len(words)
                if tuple(toks[i : i + n]) != words:
                    continue
                if any((para.index, j) in taken for j in range(i, i + n)):
                    continue
                # Whole names only: not part of a longer capitalised name.
                if (
                    i + n < len(toks)
                    and toks[i + n][:1].isupper()
                    and not para.doc[i + n].is_sent_start
                ):
                    continue
                if (
                    i > 0
                    and toks[i - 1][:1].isupper()
                    and not para.doc[i].is_sent_start
                    and (not lex.is_title([toks[i - 1]]))
                ):
                    continue
                span, text = _text(para, i, i + n)
                mention = Mention(
                    para.index, i, i + n, span, text, "SCAN", gaz=model.gaz, kind=model.kind
                )
                added.append(mention)
                taken.update((para.index, j) for j in range(i, i + n))
    return sorted(mentions + added, key=lambda m: m.span)
