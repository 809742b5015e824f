"""Named entities of one article, resolved to one :class:`~newskg.extraction.model.Entity` each.

Pipeline (all rules general; knowledge comes from ``mappers/data``):

1. *Mentions* from spaCy NER (PERSON -> actor, ORG -> organization, GPE/LOC/FAC -> place,
   NORP only when it names a group: the gazetteer says so or it is tagged ORG elsewhere),
   cleaned: leading "the", titles and ranks ("Brig. Gen."), possessive "'s", possessive chains
   inside ORG names ("the Alliance's Youth Wing" -> two names), junk (URLs, digits, lower case,
   title words, "not names").
2. *Gazetteer* matches of labels/aliases in the body add or override mentions (exact, folded);
   organizations named by description (:mod:`newskg.extraction.bodies`: "the Kenyan parliament", "a
   Somali-led coalition", "the Orange Front") are added where longer.
3. *Kinds* are voted per name over the article; a token equal to the surname of a full person
   name is that person whatever spaCy tagged it (the small model often calls surnames GPE/ORG);
   a place-named side with a team cue (``team_cues.txt``) is an organization.
4. *Re-scan*: every accepted name is searched again in the body to recover mentions the model
   missed ("Varga funeral").
5. *Grouping*: surname-only and partial names join the unique full name that ends with them
   (ambiguous surnames go to the candidate whose sentence shares the "of X" context, else the
   nearest one before), gazetteer aliases join, abbreviations join their expansion ("X, or
   ABBR", "X (ABBR)", initials), organizations fold plurals and a leading demonym.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from spacy.tokens import Token

from newskg.extraction import bodies
from newskg.extraction.gazetteer import GazEntry, Gazetteer, fold
from newskg.extraction.gazetteer import load as load_gazetteer
from newskg.extraction.iris import digest, entity_key
from newskg.extraction.lexicon import Lexicon, lexicon
from newskg.extraction.model import ArticleText, Entity, Span
from newskg.extraction.nlp import Para, SpanSet

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


@dataclass
class Resolution:
    """Entities plus the index other extractors use to map tokens to entity keys."""

    entities: list[Entity]
    mentions: list[Mention] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)
    _by_token: dict[tuple[int, int], Mention] = field(default_factory=dict)

    def index(self) -> None:
        self.kinds = {e.key: e.kind for e in self.entities}
        self._by_token = {}
        for m in self.mentions:
            for i in range(m.start, m.end):
                self._by_token[(m.para, i)] = m

    def mention_at(self, para: int, tok_i: int) -> Mention | None:
        return self._by_token.get((para, tok_i))

    def key_at(self, para: int, tok: Token, kinds: tuple[str, ...] = ()) -> str | None:
        m = self._by_token.get((para, tok.i))
        if m is None or m.key is None:
            return None
        if kinds and self.kinds.get(m.key) not in kinds:
            return None
        return m.key

    def in_para(self, para: int) -> list[Mention]:
        return [m for m in self.mentions if m.para == para]


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


def _ner_mentions(paras: list[Para], lex: Lexicon) -> list[Mention]:
    found = []
    for para in paras:
        for ent in para.doc.ents:
            if ent.label_ in KIND_OF_LABEL or ent.label_ == "NORP":
                found.extend(_clean(para, ent.start, ent.end, ent.label_, lex))
    return found


def _first_words(gaz: Gazetteer) -> frozenset[str]:
    """First folded word of every gazetteer name: a token starting none is skipped fast."""
    firsts = getattr(gaz, "_first_words", None)
    if firsts is None:
        firsts = frozenset(n.split()[0] for n in gaz.by_name if n.split())
        gaz._first_words = firsts  # type: ignore[attr-defined]
    return firsts


def _gaz_mentions(paras: list[Para], gaz: Gazetteer, lex: Lexicon) -> list[Mention]:
    if not len(gaz):
        return []
    found = []
    firsts = _first_words(gaz)
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


def _body_mentions(
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


def _merge_sources(ner: list[Mention], gaz: list[Mention]) -> list[Mention]:
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


# --- 3. kinds ------------------------------------------------------------------------------


def _vote_kinds(mentions: list[Mention], paras: list[Para]) -> None:
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        if m.gaz is not None:
            votes[fold(m.text)]["gaz:" + m.gaz.kind] += 100
        elif m.label == "NORP":
            votes[fold(m.text)]["norp"] += 1
        else:
            votes[fold(m.text)][KIND_OF_LABEL[m.label]] += 1
    # Groups named with "the" that spaCy called persons ("the Rangers") are organizations.
    for m in mentions:
        doc = paras[m.para].doc
        if (
            m.label == "PERSON"
            and len(m.words) == 1
            and m.text.endswith("s")
            and m.start > 0
            and doc[m.start - 1].lower_ == "the"
        ):
            votes[fold(m.text)]["organization"] += 3
    # Names with a human cue (title before, role apposition, "and other officials") are persons.
    for m in mentions:
        if m.gaz is None and m.label != "PERSON" and _human_cue(m, paras[m.para]):
            votes[fold(m.text)]["actor"] += 100
    # A lone "person" word as the object of a locative preposition is a place ("in Marivan").
    for m in mentions:
        doc = paras[m.para].doc
        head = doc[m.end - 1]
        if (
            m.label == "PERSON"
            and len(m.words) == 1
            and head.dep_ == "pobj"
            and head.head.lower_ in {"in", "near", "across", "outside", "inside"}
        ):
            votes[fold(m.text)]["place"] += 2
    # A place-named side in a sports sentence is a team (not a country, not in the gazetteer).
    for m in mentions:
        if m.gaz is None and m.label in {"GPE", "LOC", "FAC"} and _team_cue(m, paras[m.para]):
            votes[fold(m.text)]["organization"] += 100
    # Full person names decide their surnames and partial names.
    full_names = {
        m.words for m in mentions if len(m.words) > 1 and _best(votes[fold(m.text)]) == "actor"
    }
    endings = {f[k:] for f in full_names for k in range(1, len(f))}
    for m in mentions:
        if m.gaz is None and m.words in endings:
            votes[fold(m.text)]["actor"] += 100
    for m in mentions:
        best = _best(votes[fold(m.text)])
        if m.gaz is not None:
            best = m.gaz.kind
        m.kind = best


_SCORE = re.compile(r"\b\d{1,3}\s?[-\u2013]\s?\d{1,3}\b")


def _team_cue(m: Mention, para: Para) -> bool:
    """ "Dalton City manager X", "beat Dalton City 2-1", "a 2-1 defeat to Lyon", "joined the
    club from Porto": the words of ``team_cues.txt`` around a place-named mention."""
    cues = lexicon().team_cues
    doc = para.doc
    head = doc[m.end - 1]
    if (
        m.end < len(doc)
        and doc[m.end].lower_ in cues.get("role", ())
        and (head.head == doc[m.end] or head.dep_ == "compound")
    ):
        return True
    gov = head.head
    if (
        head.dep_ == "pobj"
        and gov.lower_ == "from"
        and (gov.head.lemma_.lower() in cues.get("transfer", ()))
    ):
        return True
    if not _SCORE.search(head.sent.text):
        return False
    contests = cues.get("contest", ())
    if head.dep_ in {"nsubj", "dobj"} and gov.lemma_.lower() in contests:
        return True
    return (
        head.dep_ == "pobj"
        and gov.lower_ in {"to", "against", "over", "with"}
        and gov.head.lemma_.lower() in contests
    )


def _human_cue(m: Mention, para: Para) -> bool:
    lex = lexicon()
    doc = para.doc
    before = [t.text for t in doc[max(0, m.start - 3) : m.start]]
    for n in range(len(before), 0, -1):
        if lex.is_title(before[-n:]) and before[-n][:1].isupper():
            return True
    after = [t for t in doc[m.end : m.end + 8] if not t.is_space]
    words = [t.text.lower() for t in after]
    if words[:1] == [","]:
        rest = words[1:]
        if rest[:1] and rest[0] in {"a", "an", "the"}:
            rest = rest[1:]
        if lex.role_at(rest) and (
            len(rest) > 1
            and rest[1] in {"of", "at", "for", "with"}
            or len(rest) > 2
            and rest[2] in {"of", "at", "for", "with"}
        ):
            return True
    if words[:2] == ["and", "other"]:
        for t in after[2:6]:
            if t.pos_ == "NOUN":
                return bool(lex.role_at([t.lemma_.lower()]))
    return False


def _best(counter: Counter[str]) -> str | None:
    if not counter:
        return None
    for kind, _ in counter.most_common():
        if kind.startswith("gaz:"):
            return kind[4:]
    top = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    for kind, _ in top:
        if kind == "norp":
            continue
        return kind
    return None  # only ever a demonym / nationality: not an entity


# --- 4. re-scan ----------------------------------------------------------------------------


def _rescan(mentions: list[Mention], paras: list[Para], lex: Lexicon) -> list[Mention]:
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


# --- 5. grouping ---------------------------------------------------------------------------


def _org_core(words: tuple[str, ...]) -> tuple[str, ...]:
    low = tuple(w.lower() for w in words)
    if low and len(low[-1]) > 3 and low[-1].endswith("s") and not low[-1].endswith("ss"):
        low = (*low[:-1], low[-1][:-1])
    return low


def _initials(words: tuple[str, ...]) -> str:
    return "".join(w[0] for w in words if w[:1].isupper())


def _is_abbrev(text: str) -> bool:
    bare = text.replace(".", "")
    return 2 <= len(bare) <= 6 and bare.isupper() and bare.isalpha()


class _Groups:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _sentence_text(paras: list[Para], m: Mention) -> str:
    return paras[m.para].doc[m.start].sent.text


def _short_org_names(mentions: list[Mention]) -> None:
    """A one-word name (not in the gazetteer) that is the first or last word of exactly one
    longer organization name of the article, and the surname of no person named in full, is
    that organization ("Rovers" after "Harbor Rovers", "Brightline" after "Brightline
    Systems"), whatever kind the tagger gave it."""
    orgs = {m.words for m in mentions if m.kind == "organization" and len(m.words) > 1}
    people = {m.words[-1] for m in mentions if m.kind == "actor" and len(m.words) > 1}
    for m in mentions:
        if len(m.words) != 1 or m.gaz is not None or m.kind not in {"actor", "place"}:
            continue
        word = m.words[0]
        if word in people:
            continue
        owners = {o for o in orgs if word in (o[0], o[-1])}
        if len(owners) == 1:
            m.kind = "organization"


def _group(mentions: list[Mention], paras: list[Para], text: str) -> list[list[Mention]]:
    _short_org_names(mentions)
    groups = _Groups()
    for i in range(len(mentions)):
        groups.find(i)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        by_kind[m.kind or ""].append(i)

    # Same gazetteer entry, or same folded name.
    first: dict[tuple[str, str], int] = {}
    for i, m in enumerate(mentions):
        ident = ("gaz", m.gaz.key) if m.gaz else (m.kind or "", fold(m.text))
        if ident in first:
            groups.union(first[ident], i)
        else:
            first[ident] = i
        if m.gaz:
            same = first.get((m.kind or "", fold(m.text)))
            if same is not None:
                groups.union(same, i)

    # Actors: partial names join the full name that ends with them.
    actors = by_kind.get("actor", [])
    ending: dict[tuple[str, ...], list[int]] = defaultdict(list)  # last words -> longer names
    for j in actors:
        words = mentions[j].words
        for k in range(1, len(words)):
            ending[words[k:]].append(j)
    for i in actors:
        m = mentions[i]
        longer = ending.get(m.words, [])
        roots = sorted({groups.find(j) for j in longer})
        if len(roots) == 1:
            groups.union(roots[0], i)
        elif len(roots) > 1:
            groups.union(_disambiguate(m, [j for j in longer], mentions, paras, groups), i)

    # Organizations and places.
    for kind in ("organization", "place"):
        idx = by_kind.get(kind, [])
        cores: dict[tuple[str, ...], int] = {}
        for i in idx:
            core = (
                _org_core(mentions[i].words)
                if kind == "organization"
                else tuple(w.lower() for w in mentions[i].words)
            )
            if core in cores:
                groups.union(cores[core], i)
            else:
                cores[core] = i
        for i in idx:
            m = mentions[i]
            core = _org_core(m.words)
            # Leading adjective/demonym: "Ruritanian Workers Party" ~ "Workers Party".
            if len(m.words) > 2 and kind == "organization":
                doc = paras[m.para].doc
                if doc[m.start].pos_ in {"ADJ", "PROPN"} and core[1:] in cores:
                    groups.union(cores[core[1:]], i)
                    m.prefixed = True
            # A single word that ends (or starts) exactly one longer name of the same kind.
            if len(m.words) == 1 and kind == "organization":
                longer = {
                    groups.find(cores[c]) for c in cores if len(c) > 1 and core[-1] in (c[-1], c[0])
                }
                if len(longer) == 1:
                    groups.union(longer.pop(), i)
        # Abbreviations.
        for i in idx:
            m = mentions[i]
            if not _is_abbrev(m.text):
                continue
            bare = m.text.replace(".", "")
            expansions = set()
            for j in idx:
                other = mentions[j]
                if j == i or len(other.words) < 2:
                    continue
                between = text[other.span.end : m.span.begin]
                introduced = re.fullmatch(r"\s*(,\s*or|\(|,\s*known as|,\s*or the)\s*", between)
                if introduced or _initials(other.words) == bare:
                    expansions.add(groups.find(j))
            if len(expansions) == 1:
                groups.union(expansions.pop(), i)

    clusters: dict[int, list[Mention]] = defaultdict(list)
    for i, m in enumerate(mentions):
        clusters[groups.find(i)].append(m)
    return [sorted(c, key=lambda m: m.span) for _, c in sorted(clusters.items())]


def _disambiguate(
    m: Mention, candidates: list[int], mentions: list[Mention], paras: list[Para], groups: _Groups
) -> int:
    """Pick the full name an ambiguous partial name refers to."""
    doc = paras[m.para].doc
    context = ""
    if m.end + 1 < len(doc) and doc[m.end].lower_ in {"of", "at", "from", "with"}:
        context = doc[m.end + 1].text
        if context.lower() == "the" and m.end + 2 < len(doc):
            context = doc[m.end + 2].text
    if context:
        matching = {
            groups.find(j)
            for j in candidates
            if re.search(r"\b" + re.escape(context) + r"\b", _sentence_text(paras, mentions[j]))
        }
        if len(matching) == 1:
            return matching.pop()
    before = [j for j in candidates if mentions[j].span < m.span]
    pick = (
        max(before, key=lambda j: mentions[j].span)
        if before
        else min(candidates, key=lambda j: mentions[j].span)
    )
    return groups.find(pick)


# --- entities --------------------------------------------------------------------------------


def _label_for(cluster: list[Mention], gaz: Gazetteer) -> tuple[str, GazEntry | None]:
    kind = cluster[0].kind
    linked = [m.gaz for m in cluster if m.gaz is not None]
    entry = linked[0] if linked else None
    if entry is None:
        for m in sorted(cluster, key=lambda m: -len(m.words)):
            candidate = gaz.lookup(m.text, kind)
            if candidate is None:
                continue
            single_alias = (
                kind == "actor" and len(m.words) == 1 and fold(m.text) != fold(candidate.label)
            )
            if not single_alias:
                entry = candidate
                break
    if entry is not None:
        return entry.label, entry
    counts = Counter(m.text for m in cluster)
    if kind == "actor":
        label = sorted(counts, key=lambda t: (-len(t.split()), -counts[t], t))[0]
    else:
        prefixed = {m.text for m in cluster if m.prefixed}
        names = [tuple(t.split()) for t in counts]

        def part(t: str) -> bool:  # "Rovers" of "Harbor Rovers": the longer name labels
            w = tuple(t.split())
            return any(len(n) > len(w) and w in (n[: len(w)], n[-len(w) :]) for n in names)

        label = sorted(
            counts,
            key=lambda t: (_is_abbrev(t), t in prefixed, part(t), -counts[t], -len(t), t),
        )[0]
    return label, None


#: Excluded regions whose names may complete a surname-only body mention (never facts).
NAMING_REGIONS = (
    "headline",
    "caption",
    "title and byline",
    "headline and byline",
    "page title",
    "page-title",
)
_CAP_WORD = re.compile(r"[A-Z][\w'\u2019.-]*")
_WORD_CHAR = re.compile(r"\w")


def naming_texts(article: ArticleText) -> list[str]:
    """Headline, photo captions and byline-title lines: naming evidence only."""
    texts = [article.headline or ""]
    texts += [
        span.of(article.text) for span, reason in article.excluded if reason in NAMING_REGIONS
    ]
    return [t for t in texts if t]


def full_name_from(texts: list[str], surname: str, lex: Lexicon) -> str | None:
    """The one full name ("Given Surname") the naming texts give for ``surname``: the
    capitalised words right before it, back to a title word ("General") or anything else.

    >>> full_name_from(["Union Leader Maria Lopez visits plant"], "Lopez", lexicon())
    'Maria Lopez'
    >>> full_name_from(["Lopez visits plant"], "Lopez", lexicon()) is None
    True
    """
    found = set()
    # Word by word, not one regex over the text: a regex of capitalised words before the
    # surname backtracks at every position of a long capitalised run (185 s for 60 KB).
    for text in texts:
        words = text.split()
        for k, word in enumerate(words):
            rest = word[len(surname) :]
            if not word.startswith(surname) or (rest and _WORD_CHAR.match(rest)):
                continue
            given = []
            for before in reversed(words[max(0, k - 3) : k]):
                if (
                    not _CAP_WORD.fullmatch(before)
                    or lex.is_title([before])
                    or before.isupper()
                    or before.endswith(("'s", "\u2019s"))
                    or before.lower() in lex.not_names
                    or before.lower() in MONTHS_DAYS
                ):
                    break
                given.insert(0, before)
            if 1 <= len(given) <= 2:
                found.add(" ".join([*given, surname]))
    return found.pop() if len(found) == 1 else None


def _complete_from_naming(
    cluster: list[Mention], label: str, article: ArticleText, lex: Lexicon
) -> str:
    if len(label.split()) != 1 or cluster[0].kind != "actor":
        return label
    return full_name_from(naming_texts(article), label, lex) or label


def resolve(
    article: ArticleText,
    paras: list[Para],
    gaz: Gazetteer | None = None,
    lex: Lexicon | None = None,
) -> Resolution:
    """Resolve the named entities of ``article`` (already parsed into ``paras``)."""
    gaz = load_gazetteer() if gaz is None else gaz
    lex = lexicon() if lex is None else lex
    found = _ner_mentions(paras, lex) + _gaz_mentions(paras, gaz, lex)
    mentions = _merge_sources(found, _body_mentions(paras, found, gaz, lex))
    _vote_kinds(mentions, paras)
    mentions = [m for m in mentions if m.kind is not None]
    mentions = _rescan(mentions, paras, lex)
    # Single-word actor gazetteer aliases ("surname") count only if the full name appears.
    full_keys = {m.gaz.key for m in mentions if m.gaz and len(m.words) > 1}
    headline = fold(article.headline or "")
    full_keys |= {
        e.key
        for e in gaz.entries
        if e.kind == "actor"
        and len(e.label.split()) > 1
        and re.search(r"\b" + re.escape(fold(e.label)) + r"\b", headline)
    }
    for m in mentions:
        if m.gaz and m.gaz.kind == "actor" and len(m.words) == 1 and m.gaz.key not in full_keys:
            m.gaz = None
    entities: list[Entity] = []
    # key -> (kind, gazetteer key or folded name) of the entity that has it: a second entity
    # is never given a key by accident (that would merge two people in the graph).
    used: dict[str, tuple[str, str]] = {}
    gaz_keys = {(e.kind, e.key) for e in gaz.entries}
    for cluster in _group(mentions, paras, article.text):
        label, entry = _label_for(cluster, gaz)
        if entry is None:
            label = _complete_from_naming(cluster, label, article, lex)
        kind = entry.kind if entry else cluster[0].kind
        key = entry.key if entry else entity_key(label)
        ident = (kind or "", "gaz:" + entry.key if entry else fold(label))
        if entry is None and (kind, key) in gaz_keys:
            # A name the gazetteer could not decide ("Georgia": country or state) is not
            # its entry: it must not take that entry's IRI.
            key = f"{key}--{digest(kind, fold(label))[:8]}"
        if key in used:
            # Same key in one article: another kind of the same name ("Jordan" the place and
            # the person) or two entities the resolver kept apart. "--" never occurs in a slug.
            base = f"{key}--{kind}" if used[key][0] != kind else f"{key}--{digest(*ident)[:8]}"
            key, n = base, 2
            while key in used:
                key, n = f"{base}-{n}", n + 1
        used[key] = ident
        for m in cluster:
            m.key = key
        entities.append(
            Entity(
                key=key,
                kind=kind,  # type: ignore[arg-type]
                label=label,
                alt_labels={m.text for m in cluster if m.text != label},
                wikidata=entry.wikidata if entry else None,
                mentions=sorted({m.span for m in cluster}),
            )
        )
    entities.sort(key=lambda e: (e.mentions[0], e.key))
    resolution = Resolution(entities, sorted(mentions, key=lambda m: m.span))
    resolution.index()
    return resolution


# --- quotes regions and pronouns -----------------------------------------------------------

OPENERS = {"\u201c": "\u201d", '"': '"'}


def quote_regions(text: str, base: int = 0) -> list[tuple[int, int, bool, bool]]:
    """``(begin, end, opened, closed)`` of double-quoted stretches of one paragraph ``text``
    (offsets + ``base``; inner text without the marks). An opener never closed runs to the end
    (``closed`` False); a closer never opened starts at the beginning (``opened`` False).

    >>> quote_regions('He said "yes" and \u201cno\u201d.')
    [(9, 12, True, True), (19, 21, True, True)]
    >>> quote_regions('\u201cOpen to the end')
    [(1, 16, True, False)]
    >>> quote_regions('closed here.\u201d Then')
    [(0, 12, False, True)]
    """
    regions = []
    start: int | None = None
    closer = ""
    for i, ch in enumerate(text):
        if start is None:
            if ch in OPENERS:
                start, closer = i + 1, OPENERS[ch]
            elif ch == "\u201d" and not regions:
                regions.append((base, base + i, False, True))
        elif ch == closer:
            regions.append((base + start, base + i, True, True))
            start = None
    if start is not None:
        regions.append((base + start, base + len(text), True, False))
    return regions


def in_quotes(para: Para) -> SpanSet:
    """The paragraph's quoted stretches (full-text offsets), computed once per paragraph."""
    found = para.cache.get("quoted")
    if not isinstance(found, SpanSet):
        found = para.cache["quoted"] = SpanSet(
            Span(b, e) for b, e, _, _ in quote_regions(para.text, para.begin)
        )
    return found


def resolve_pronouns(
    paras: list[Para], res: Resolution, lex: Lexicon | None = None
) -> dict[tuple[int, int], str]:
    """(paragraph, token index) -> actor key for third-person singular pronouns outside quotes:
    the last person who was a grammatical subject, else the last person mentioned."""
    lex = lexicon() if lex is None else lex
    found: dict[tuple[int, int], str] = {}
    last_subject: str | None = None
    last_person: str | None = None
    for para in paras:
        quoted = in_quotes(para)
        for tok in para.doc:
            if quoted.contains(para.tok_span(tok)):
                continue
            key = res.key_at(para.index, tok, ("actor",))
            subject = tok.dep_ in {"nsubj", "nsubjpass"}
            if key:
                m = res.mention_at(para.index, tok.i)
                root = m is not None and (tok.i == m.end - 1 or subject)
                if root:
                    last_person = key
                    if subject or tok.head.dep_ in {"nsubj", "nsubjpass"}:
                        last_subject = key
            elif tok.lower_ in lex.pronouns:
                ref = last_subject or last_person
                if ref:
                    found[(para.index, tok.i)] = ref
                    if subject:
                        last_subject = ref
    return found
