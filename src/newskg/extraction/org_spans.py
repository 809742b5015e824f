"""Organization mentions that are not one body's name, cleaned before grouping (step 5 of
:func:`newskg.extraction.entities.resolve`): time zones ("GMT"), events and works named
like bodies ("European Indoor Championships"), spans cut mid-name ("Centre for"), lone
nationalities, lists the tagger glued together ("Petrov and Juninho"); names cut short on
the left take their modifiers back, and "<organization> at <organization>" and "<plural
kind> <A> and <B>" are split.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Doc, Token

from newskg.extraction import datafiles
from newskg.extraction.cued_orgs import kind_noun
from newskg.extraction.lexicon import lexicon
from newskg.extraction.mentions import Mention, nation_word, span_text
from newskg.extraction.names import MONTHS_DAYS, head_word, place_heads, portfolios
from newskg.extraction.nlp import Para

EVENT_HEAD_COLUMNS = ("head", "reason", "confidence")
#: Words no name ends with: a tagged "organization" ending so is a span cut mid-name.
_DANGLING = {"of", "for", "and", "the", "at", "in", "on", "to", "&", "-"}


def company_forms() -> frozenset[str]:
    """Legal forms after "Name," ("Acme, Inc."): ``company_forms.txt``."""
    return datafiles.word_set("company_forms.txt")


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    """Time-zone abbreviations (``time_zones.txt``): "GMT" is no organization."""
    return frozenset(datafiles.words("time_zones.txt"))


@lru_cache(maxsize=1)
def event_heads() -> frozenset[str]:
    """Last words of events and works the tagger calls organizations (``event_heads.tsv``)."""
    found = set()
    for row in datafiles.rows("event_heads.tsv", EVENT_HEAD_COLUMNS):
        row.confidence(row.cells[2])  # checked: a malformed table fails loudly
        found.add(row.cells[0].strip().lower())
    return frozenset(found)


def _not_an_organization(m: Mention) -> bool:
    """A time zone ("GMT"), an organization-kind name whose last word names an event or a
    work ("European Indoor Championships"), a span cut mid-name ("Centre for") or a lone
    nationality ("Pakistanis"): no entity."""
    if m.gaz is not None:
        return False
    if m.text in time_zones():
        return True
    if m.kind == "organization" and m.words[-1] in _DANGLING:
        return True  # a span cut mid-name: "Whitbread Novel of", "La Traviata and"
    if m.kind == "organization" and len(m.words) == 1:
        # A nationality is people, not a body: "Kazakh", "the Pakistanis", "Welsh" (a nation
        # of ``role_nations.tsv``: "her mother is Welsh").
        word = m.words[0]
        if nation_word(word, lexicon()) or word.endswith("s") and nation_word(word[:-1], lexicon()):
            return True
    # an event named after its town is no place either ("the Harlow Games")
    named = m.kind in {"organization", "place"} and len(m.words) > 1
    return named and m.words[-1].lower() in event_heads()


def department_name(words: tuple[str, ...]) -> bool:
    """Is ``words`` one department's name: a body's head, "of|for", then only portfolio words
    (``portfolios.txt``) joined by commas, "and" or "&"? Such a name is one body, not a list.

    >>> department_name(("Department", "for", "Energy,", "Housing", "and", "Sport"))
    True
    >>> department_name(("Department", "of", "Health", "and", "Harlow", "College"))
    False
    """
    joins = [i for i, w in enumerate(words) if i and w in {"of", "for"}]
    if not joins or words[joins[0] - 1] not in lexicon().org_heads:
        return False
    rest = [w.rstrip(",").lower() for w in words[joins[0] + 1 :]]
    rest = [w for w in rest if w not in {"and", "&", "the", ""}]
    return bool(rest) and all(w in portfolios() for w in rest)


def _glued_list(m: Mention, mentions: list[Mention]) -> bool:
    """An "organization" that is a list the tagger glued together: names around a comma
    ("Scholes, Djemba-Djemba", "Hellboy, Resident Evil"; not "Acme, Inc." nor "University of
    California, Berkeley"), or around "and" where one side is a person the article names
    ("Petrov and Juninho") or both sides are names it gives alone elsewhere."""
    if m.kind != "organization" or m.gaz is not None:
        return False
    words = m.words
    if department_name(words):
        return False  # "Department for Energy, Housing and Rural Affairs"
    if "," in m.text:
        before, after = (part.split() for part in m.text.split(",", 1))
        if before and head_word(tuple(before)) in lexicon().org_heads:
            return False  # "University of California, Berkeley"
        return not (after and after[0].rstrip(".").lower() in company_forms())
    if "and" not in words[1:-1]:
        return False
    cut = words.index("and", 1)
    people = {part for a in mentions if a.kind == "actor" for part in (a.words, a.words[-1:])}
    if words[:cut] in people or words[cut + 1 :] in people:
        return True
    # Both sides named alone elsewhere in the article: two names ("Aston Rovers and Hale").
    alone = {a.words for a in mentions if a is not m}
    return words[:cut] in alone and words[cut + 1 :] in alone


def _extend_left(mentions: list[Mention], paras: list[Para]) -> None:
    """An organization's name the tagger cut short on the left takes back the capitalised
    proper nouns that modify it and no other mention holds ("Baker Street" of "Baker Street
    Society of Canada" when only "Society of Canada" was tagged), if its head is an
    organization's; never a title or role word ("President", "Envoy").
    In place."""
    lex = lexicon()
    covered = {(m.para, i) for m in mentions for i in range(m.start, m.end)}
    for m in mentions:
        if m.kind != "organization" or m.gaz is not None or m.label != "ORG":
            continue
        if head_word(m.words) not in lex.org_heads:
            continue  # only a name whose head says it is a body ("Society of Canada")
        doc = paras[m.para].doc
        start = m.start
        while start > 0 and (m.para, start - 1) not in covered:
            before = doc[start - 1]
            if not (
                before.pos_ == "PROPN"
                and before.dep_ == "compound"
                and before.text[:1].isupper()
                and start <= before.head.i < m.end
                and not lex.is_title([before.text])
                and not lex.role_at([before.lower_])  # "Envoy", "Chairman"
            ):
                break
            start -= 1
        if start < m.start:
            covered.update((m.para, i) for i in range(start, m.start))
            m.span, m.text = span_text(paras[m.para], start, m.end)
            m.start = start


def _extend_right(mentions: list[Mention], paras: list[Para]) -> None:
    """An organization's name the tagger cut short on the right takes back the rest of it.
    In place; the mention the rest was tagged as (if any) is dropped.

    * "<... head> for|on [the] <Capitalised proper nouns>" where the preposition hangs on the
      body's head ("the Harlan Pryce Foundation" + "for the Performing Arts", "Senate
      Committee" + "on Armed Services"): a body named for its purpose. The rest is no
      gazetteer entry, so "the Harlan Foundation for Norway" keeps Norway a place;
    * "<name> <place>", one run of proper nouns that the place ends ("Marine Standards
      Australia" + "New Zealand", "Acme" + "Ireland"): one body's name, a national arm or a
      binational agency.

    A name that is a gazetteer entry is never extended: "BBC Scotland" stays the BBC in
    Scotland, linked."""
    heads = lexicon().org_heads
    at = {(m.para, m.start): m for m in mentions}
    covered = {(m.para, i): m for m in mentions for i in range(m.start, m.end)}
    dropped: dict[int, Mention] = {}  # by id: mentions compare by value
    for m in mentions:
        if m.kind != "organization" or m.gaz is not None or id(m) in dropped:
            continue
        doc = paras[m.para].doc
        end = (
            _purpose_end(m, doc, heads, covered) or _place_end(m, doc, at) or _portfolio_end(m, doc)
        )
        if end is None:
            continue
        for i in range(m.end, end):
            other = covered.get((m.para, i))
            if other is not None:
                dropped[id(other)] = other
        m.span, m.text = span_text(paras[m.para], m.start, end)
        m.end = end
    mentions[:] = [m for m in mentions if id(m) not in dropped]


def _purpose_end(
    m: Mention, doc: Doc, heads: frozenset[str], covered: dict[tuple[int, int], Mention]
) -> int | None:
    """Where "<... head> for|on [the] <Proper Nouns>" ends, or None. The proper nouns may be
    joined by "of", "and" or "&" ("for the Advancement of Science"); a day or a month is
    no part of a name ("Fox News on Sunday")."""
    if head_word(m.words) not in heads or m.end >= len(doc):
        return None
    prep = doc[m.end]
    if prep.lower_ not in {"for", "on"} or not m.start <= prep.head.i < m.end:
        return None
    start = m.end + 1
    if start < len(doc) and doc[start].lower_ == "the":
        start += 1
    end = i = start
    while i < len(doc) and _name_word(doc[i]):
        end = i = i + 1
        if i + 1 < len(doc) and doc[i].lower_ in {"of", "and", "&"} and _name_word(doc[i + 1]):
            i += 1
    phrase = range(start, end)
    if end == start or any(
        not (start <= doc[j].head.i < end or doc[j].head.i == prep.i) for j in phrase
    ):
        return None  # no proper noun, or the phrase is not the preposition's object
    for j in phrase:
        other = covered.get((m.para, j))
        if other is not None and (other.gaz is not None or other.end > end):
            return None  # a gazetteer entry ("for Wales") or a name running past the phrase
    return end


def _portfolio_end(m: Mention, doc: Doc) -> int | None:
    """Where a department's name ends that the tagger cut at its first "and" or comma:
    "Department for Housing" + "and Skills", "Department for Energy" + ", Trade and
    Tourism" (:func:`department_name`). None when the name goes on with no portfolio word."""
    if not department_name(m.words):
        return None
    end, i = None, m.end
    while i + 1 < len(doc) and doc[i].text in {",", "and", "&"}:
        j = i + 1
        while j < len(doc) and doc[j].text[:1].isupper() and doc[j].lower_ in portfolios():
            j += 1
        if j == i + 1:
            break
        if j < len(doc) and doc[j].text[:1].isupper():
            return None  # "... and Skills Funding Agency": another body's name begins
        end = i = j
    return end


def _name_word(token: Token) -> bool:
    return (
        token.pos_ == "PROPN"
        and token.text[:1].isupper()
        and token.ent_type_ not in {"DATE", "TIME"}
        and token.lower_.rstrip("s") not in MONTHS_DAYS  # "on Thursdays", tagged or not
    )


def _place_end(m: Mention, doc: Doc, at: dict[tuple[int, int], Mention]) -> int | None:
    """Where "<name> <place>" ends when the two are one run of proper nouns whose last word
    ends the noun phrase, or None. The parser may hang the name's head elsewhere ("Jo Ray
    for Marine Standards | Australia New Zealand"): only the place's words must modify its
    last word; a place that modifies a noun after it ("the Acme Ireland office") is not
    the end of the name."""
    place = at.get((m.para, m.end))
    if place is None or place.kind != "place":
        return None
    root = doc[place.end - 1]
    if root.dep_ == "compound" or any(doc[i].head.i != root.i for i in range(m.end, root.i)):
        return None
    if not all(t.pos_ == "PROPN" for t in doc[m.start : place.end]):
        return None
    return place.end


def _split_located_orgs(mentions: list[Mention], paras: list[Para]) -> None:
    """One tagged name that is two, split in place:

    * "<organization> at <organization>", each side with its own head ("the Harlow Museum of
      Art at Westfield University"): the museum and the university;
    * "<First Last> for <organization>" ("Jane Roe for Food Safety Canada,
      says"): a person speaking for a body. The left side is two or three capitalised words
      with no organizational or place head and no nationality, so "Institute for Fiscal
      Studies", "Physicians for Human Rights" or "Australian Centre for ..." stay whole.
    """
    heads = lexicon().org_heads
    split: list[Mention] = []
    for m in mentions:
        if m.kind != "organization" or m.gaz is not None:
            continue
        doc = paras[m.para].doc
        cut = next((t.i for t in doc[m.start + 1 : m.end - 1] if t.lower_ in {"at", "for"}), None)
        if cut is None:
            continue
        left = tuple(t.text for t in doc[m.start : cut])
        right = tuple(t.text for t in doc[cut + 1 : m.end])
        if doc[cut].lower_ == "at":
            if head_word(left) not in heads or head_word(right) not in heads:
                continue
            left_kind = "organization"
        else:
            person_like = (
                2 <= len(left) <= 3
                and all(w[:1].isupper() for w in left)
                and not lexicon().demonym_length(left)  # "Australian Centre for ..."
                and not set(left) & (heads | place_heads())
            )
            if not person_like or len(right) < 2:
                continue
            left_kind = "actor"
        span, text = span_text(paras[m.para], cut + 1, m.end)
        split.append(Mention(m.para, cut + 1, m.end, span, text, m.label, kind="organization"))
        m.span, m.text = span_text(paras[m.para], m.start, cut)
        m.end, m.kind = cut, left_kind
    mentions.extend(split)


def _split_kind_list(mentions: list[Mention], paras: list[Para]) -> None:
    """ "the religious schools Acme and Beta", "the companies Hale and Roe": a plural noun
    for a kind of body right before a tagged "<A> and <B>" makes it two bodies' names, split
    in place (one body named so takes the singular: "the law firm Hale and Roe")."""
    split: list[Mention] = []
    for m in mentions:
        if m.kind != "organization" or m.gaz is not None or m.start == 0:
            continue
        doc = paras[m.para].doc
        cuts = [t.i for t in doc[m.start + 1 : m.end - 1] if t.lower_ == "and"]
        if len(cuts) != 1 or not kind_noun(doc[m.start - 1], plural=True):
            continue
        cut = cuts[0]
        span, text = span_text(paras[m.para], cut + 1, m.end)
        split.append(Mention(m.para, cut + 1, m.end, span, text, m.label, kind="organization"))
        m.span, m.text = span_text(paras[m.para], m.start, cut)
        m.end = cut
    mentions.extend(split)
