"""Where an article names an entity: the mentions of :func:`newskg.extraction.entities.resolve`.

1. *Mentions* from spaCy NER (PERSON -> actor, ORG -> organization, GPE/LOC/FAC -> place,
   NORP only when it names a group: the gazetteer says so or it is tagged ORG elsewhere),
   cleaned: leading "the", titles and ranks ("Brig. Gen."), possessive "'s", possessive chains
   inside ORG names ("the Alliance's Youth Wing" -> two names), junk (URLs, digits, lower case,
   title words, "not names").
2. *Gazetteer* matches of labels/aliases in the body add or override mentions (exact, folded);
   organizations named by description (:mod:`newskg.extraction.bodies`: "the Kenyan
   parliament", "a Somali-led coalition", "the Orange Front") are added where longer.
(The gazetteer matches of step 2 and the merge are :mod:`newskg.extraction.gaz_mentions`, its
description mentions :mod:`newskg.extraction.body_mentions`; step 4, the re-scan of accepted
names, is :mod:`newskg.extraction.rescan`.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Token

from newskg.extraction import datafiles
from newskg.extraction.gazetteer import GazEntry
from newskg.extraction.gazetteer import load as load_gazetteer
from newskg.extraction.lexicon import Lexicon
from newskg.extraction.model import Span
from newskg.extraction.names import (
    HYPHENS,
    MONTHS_DAYS,
    hyphen_joined,
    name_rules,
    of_tail,
    person_bounds,
)
from newskg.extraction.nlp import Para
from newskg.extraction.non_entities import work_before
from newskg.extraction.role_data import role_data
from newskg.extraction.span_shapes import (
    POSSESSIVE,
    described_person,
    descriptor_before_person,
    given_name_after_occupation,
    lettered_person,
    name_end,
    name_start,
    not_a_person,
    numbered,
    numbered_body,
    person_tail,
    place_pairs,
    post_nominal,
    sides_of_match,
    surname_after,
    tagged_surnames,
    titled_person_tail,
)

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
QUOTE_CHARS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb"
_LOWER_COMPOUND = re.compile(r"[A-Z][a-z]+-[a-z]+")


def portfolio_titles() -> frozenset[str]:
    """Office words after a portfolio ("Commerce Secretary"): ``portfolio_titles.txt``."""
    return datafiles.word_set("portfolio_titles.txt")


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
        return _words(self.text)


@lru_cache(maxsize=1 << 14)  # asked of every mention by every rule
def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --- 1. mentions ---------------------------------------------------------------------------


def span_text(para: Para, start: int, end: int) -> tuple[Span, str]:
    """The characters of tokens ``start:end`` and their text, white space collapsed."""
    doc = para.doc
    span = para.chars(doc[start:end])
    raw = para.text[doc[start].idx : doc[end - 1].idx + len(doc[end - 1].text)]
    return span, " ".join(raw.split())


def nation_word(word: str, lex: Lexicon) -> bool:
    """A nation's adjective ("Welsh", "Kenyan"; ``demonyms.tsv``, ``role_nations.tsv``)."""
    return bool(lex.demonym_length([word]) or word.lower() in role_data().nations)


def _is_junk(words: tuple[str, ...], lex: Lexicon, label: str = "") -> bool:
    text = " ".join(words)
    numbered = label == "ORG" and numbered_body(words)  # "G20", "5th Fleet"
    if not text or not (text[0].isalpha() and text[0].isupper() or numbered):
        return True
    if "www" in text.lower() or "@" in text or "/" in text:
        return True
    if any(ch.isdigit() for ch in text) and not numbered:
        return True
    if len(text.replace(".", "")) < 2:
        return True
    low = text.lower()
    # Ends with a title that is a role ("State Department Spokesperson"): an office, not a
    # name ("Stephen King" stays: no role).
    last = words[-1].rstrip(".")
    office = len(words) > 1 and lex.is_title([last]) and lex.role_at([last.lower()]) == last.lower()
    return (
        low in lex.not_names
        or low in name_rules().national  # "the Welshman": a nationality, no name
        or nation_word(text, lex)  # "Welsh", "Kenyan" alone (not "Myanmar": a country)
        and load_gazetteer().lookup(text) is None
        or low.endswith("s")
        and low[:-1] in name_rules().national  # "the Scots"
        or office
        or name_rules().is_topic(text)
        or low in MONTHS_DAYS
        or lex.is_title(list(words))
        or (len(words) > 1 and words[-1].lower() in lex.not_entity_heads)
        or any(c in text for c in "#:;|")
        or bool(_LOWER_COMPOUND.fullmatch(text))  # "Pan-nationalist": a noun at a sentence start
    )


def trimmed_mentions(para: Para, start: int, end: int, label: str, lex: Lexicon) -> list[Mention]:
    """Trim one raw entity (token range) to its name(s)."""
    doc = para.doc

    def skippable(tok: Token) -> bool:
        return tok.is_space or tok.is_punct or tok.text in QUOTE_CHARS

    while start < end and (skippable(doc[start]) or doc[start].lower_ in {"the", "a", "an"}):
        start += 1
    rules = name_rules()
    start = name_start(doc, start, end)  # "FILE - Tom Hale": a caption's label
    end = name_end(doc, start, end)  # "World Health Organisation (WHO": the name
    versus = sides_of_match(doc, start, end)  # "Wales v England": two names
    if versus is not None:
        left = trimmed_mentions(para, start, versus, label, lex)
        return left + trimmed_mentions(para, versus + 1, end, label, lex)
    while end > start and (
        skippable(doc[end - 1])
        or doc[end - 1].text in POSSESSIVE
        or (end - start > 1 and doc[end - 1].lower_ in rules.credit_tail)
    ):
        end -= 1
    if start >= end:
        return []
    if lettered_person(para, start, end, lex):  # "Tom Hale QC" tagged a body: Tom Hale
        end, label = end - 1, "PERSON"
    if end - start > 1 and doc[start].text in rules.vessel:  # "USS Hopper": a ship
        return []
    if rules.glued_prefix(doc, start):  # "pro-Beijing": an adjective, not a mention
        return []
    if (
        end - start > 2
        and doc[start].lower_ in rules.compound
        and hyphen_joined(doc, start + 1, start, end)
    ):  # "Pro-Beijing DAB": the name after the adjective, and not a person
        if end - start == 4 and doc[end - 1].text in lex.org_heads:
            # a head alone names nothing: "Anti-Doping Agency" is one name, "Ex-Welsh
            # Office" a prefix before the name of a nation's body
            start += 2 if nation_word(doc[start + 2].text, lex) else 0
        else:
            start += 3
        label = "ORG" if label == "PERSON" else label
    if descriptor_before_person(para, start, end):  # "Pan-nationalist Ho Wai-lun"
        start += 3
        label = "PERSON"
    if label == "PERSON" and described_person(para, start, end, lex):  # "Actress Jo Ray"
        start += 1
    if end - start > 1 and doc[start].lower_ in rules.locative and doc[start].is_title:
        start += 1  # "Near Palmyra" at a sentence start: the place after the preposition
        label = "GPE" if label == "PERSON" else label
    if start < end and rules.rank_before(doc, start):  # "1st Class Keating"
        start += 1
    glued = end < len(doc) and doc[end - 1].text in HYPHENS and not doc[end - 1].whitespace_
    last = doc[end] if glued else doc[end - 1]
    if (
        (end - start > 1 or glued)
        and last.lower_ in rules.adjective_suffix
        and hyphen_joined(doc, last.i, start, last.i + 1)
    ):
        return []  # "Warhol-like": an adjective
    if start >= end:
        return []
    # A name preceded by title words that together form a title ("Secretary of State").
    for back in range(1, 4):
        if start - back >= 0 and lex.is_title(para.words[start - back : end]):
            return []
    # ... or followed by title words that make it a title ("Defense Minister").
    for fwd in range(1, 4):
        if end + fwd <= len(doc) and lex.is_title(para.words[start : end + fwd]):
            return []
    # ... or words naming a portfolio before a bare "Secretary" / "Minister": "Commerce
    # Secretary Jane Roe", "Shadow Home Secretary" name an office, not an organization (but
    # "Northfield Union Secretary General" and "Foreign Office Minister" name both).
    if (
        (end - start == 1 or (end - start <= 3 and doc[end - 1].text not in lex.org_heads))
        and end < len(doc)
        and doc[end].lower_ in portfolio_titles()
        and doc[end].text[:1].isupper()
        and lex.title_length(para.words[end : end + 4]) == 1
    ):
        return []
    # Possessive chains inside one entity: "the Riverside League's Youth Wing".
    parts, part_start = [], start
    for i in range(start, end):
        whole = (  # "Korean People's Army", "the Riders' Council": one name
            i + 2 == end
            and i > start
            and (  # a plural's bare apostrophe is a possessive inside a name
                doc[i - 1].lower_ in rules.people_possessive
                or doc[i].text in {"'", "\u2019"}
                and doc[i - 1].lower_.endswith("s")
            )
            and doc[i + 1].text in lex.org_heads
        )
        if (doc[i].text in POSSESSIVE or doc[i].tag_ == "POS") and not whole:
            parts.append((part_start, i))
            part_start = i + 1
    parts.append((part_start, end))
    if len(parts) > 1:
        found = []
        for s, e in parts:
            found.extend(trimmed_mentions(para, s, e, label, lex))
        return found
    words = [t.text for t in doc[start:end]]
    n_title = lex.title_length(words)
    if 0 < n_title < len(words):
        start += n_title
    # Person names: capitalised words (particles allowed); trim lower-case tails.
    # Hyphenated parts stay ("Cheng Chung-tai", "Kwok Ka-ki"): they are one word of the name.
    if label == "PERSON":
        while end > start and not (
            doc[end - 1].text[:1].isupper() or hyphen_joined(doc, end - 1, start, end)
        ):
            end -= 1
        if start >= end:
            return []
        if any(
            not t.text[:1].isupper()
            and t.lower_ not in NAME_PARTICLES
            and not t.is_punct
            and not hyphen_joined(doc, t.i, start, end)
            for t in doc[start:end]
        ):
            return []
        # One word in capitals ("KIRBY:", "QUESTION") labels a transcript turn or shouts.
        if end - start == 1 and doc[start].text.isupper() and len(doc[start].text) > 1:
            return []
    # Ends with a title in short before the name or title it goes with ("Navy Capt. Jeff
    # Davis", "Brig. Gen."), not a surname that looks like one ("met Hun Sen. The ...").
    short = doc[end - 1].text
    if (
        end + 1 < len(doc)
        and doc[end].text == "."
        and (doc[end + 1].ent_type_ == "PERSON" or lex.title_length([doc[end + 1].text]) > 0)
        and not lex.is_title([short])
        and lex.is_title([short + "."])
    ):
        return []
    span, text = span_text(para, start, end)
    if _is_junk(tuple(text.split()), lex, label):
        return []
    return [Mention(para.index, start, end, span, text, label)]


def ner_mentions(paras: list[Para], lex: Lexicon) -> list[Mention]:
    found = []
    surnames = tagged_surnames(paras, lex)
    for para in paras:
        joined = place_pairs(para)
        for ent in para.doc.ents:
            if ent.start in joined.values():
                continue  # the second word of a name taken as two places (below)
            if ent.start in joined:
                found.extend(
                    trimmed_mentions(para, ent.start, joined[ent.start] + 1, "PERSON", lex)
                )
                continue
            if ent.label_ in {"PERSON", "GPE", "LOC", "FAC"} and work_before(
                para.doc, ent.start, ent.end
            ):
                continue  # "the film Easy Rider": a title, not a person or a place
            label = ent.label_
            named = tuple(t.text for t in ent if t.lower_ != "the")
            if label == "PERSON" and numbered_body(named):
                label = "ORG"  # no one's name has a number: "G8" tagged as a person is a body
            if label == "PERSON" and len(named) > 1 and named[0] in lex.org_heads:
                label = "ORG"  # "Team GB", "Club Brugge": a body named by its head first
            if label in KIND_OF_LABEL or label == "NORP":
                start, end = ent.start, ent.end
                if post_nominal(para, start, end):  # "Tom Hale, QC, said"
                    continue
                if label != "PERSON" and given_name_after_occupation(para, start):
                    found.extend(trimmed_mentions(para, start - 1, end, "PERSON", lex))
                    continue
                if label != "PERSON":
                    tail = person_tail(para, start, end, surnames, lex)
                    titled = tail < 0 and label == "ORG"
                    tail = titled_person_tail(para, start, end, lex) if titled else tail
                    if tail >= 0:
                        if titled:  # "CEO of the Hale Council" + "Jane Roe": both stay
                            found.extend(trimmed_mentions(para, start, tail, label, lex))
                        elif para.doc[tail - 1].text in POSSESSIVE:  # the owner stays
                            found.extend(trimmed_mentions(para, start, tail - 1, label, lex))
                        found.extend(trimmed_mentions(para, tail, end, "PERSON", lex))
                        continue
                if label == "ORG":
                    end = of_tail(para.doc, end)
                elif label == "PERSON":
                    whole = tuple(t.text for t in para.doc[start - 2 : end])
                    if numbered(para, start) and numbered_body(whole):
                        # "Movimento 5 Stelle" tagged "Stelle": the body's whole name
                        found.extend(trimmed_mentions(para, start - 2, end, "ORG", lex))
                        continue
                    if not_a_person(para, ent):  # codes, numbered names, tribes
                        continue
                    start, end = person_bounds(para.doc, start, end, lex)
                    if para.doc[start].text not in surnames:  # "Warhol Polaroids" stays
                        end = surname_after(para, start, end, lex)
                found.extend(trimmed_mentions(para, start, end, label, lex))
    return found
