"""Named entities of one article, resolved to one :class:`~newskg.extraction.model.Entity` each.

Pipeline (all rules general; knowledge comes from ``src/newskg/extraction/data``):

1. *Mentions* from spaCy NER (PERSON -> actor, ORG -> organization, GPE/LOC/FAC -> place,
   NORP only when it names a group: the gazetteer says so or it is tagged ORG elsewhere),
   cleaned: leading "the", titles and ranks ("Brig. Gen."), possessive "'s", possessive chains
   inside ORG names ("the Alliance's Youth Wing" -> two names), junk (URLs, digits, lower case,
   title words, "not names"). The sentence adds what the tagger missed: untagged members of
   a list of persons (:mod:`newskg.extraction.lists`), "X of KDPU", and names next to a noun
   of their kind ("US team X", "X, a catholic school": :mod:`newskg.extraction.cued_orgs`).
2. *Gazetteer* matches of labels/aliases in the body add or override mentions (exact, folded);
   organizations named by description (:mod:`newskg.extraction.bodies`: "the Kenyan
   parliament", "a Somali-led coalition", "the Orange Front") are added where longer.
3. *Kinds* are voted per name over the article; a token equal to the surname of a full person
   name is that person whatever spaCy tagged it (the small model often calls surnames GPE/ORG);
   a place-named side with a team cue (``team_cues.txt``) is an organization; names that
   only qualify a noun, products and adherents are none (:mod:`newskg.extraction.modifiers`).
4. *Re-scan*: every accepted name is searched again in the body to recover mentions the model
   missed ("Varga funeral").
5. *Grouping*: surname-only and partial names join the unique full name that ends with them
   (ambiguous surnames go to the candidate whose sentence shares the "of X" context, else the
   nearest one before), gazetteer aliases join, abbreviations join their expansion ("X, or
   ABBR", "X (ABBR)", initials), organizations fold plurals and a leading demonym.

Steps 1, 2 and 4 live in :mod:`newskg.extraction.mentions` (with ``body_mentions`` and
``rescan``), 3 in :mod:`newskg.extraction.kinds`, 5 in :mod:`newskg.extraction.grouping` (with
``org_spans`` and ``spelling``); here each group gets one label and one key, and
third-person pronouns the person they refer to.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import cast

from spacy.tokens import Token

from newskg.extraction.body_mentions import body_mentions
from newskg.extraction.cued_orgs import cued_orgs
from newskg.extraction.gaz_mentions import gazetteer_mentions, merge_sources
from newskg.extraction.gazetteer import GazEntry, Gazetteer
from newskg.extraction.gazetteer import load as load_gazetteer
from newskg.extraction.grouping import group, is_abbrev
from newskg.extraction.kinds import vote_kinds
from newskg.extraction.lexicon import Lexicon, lexicon
from newskg.extraction.lists import list_persons, member_acronyms
from newskg.extraction.mentions import MONTHS_DAYS, Mention, ner_mentions
from newskg.extraction.model import ArticleText, Entity, EntityKind
from newskg.extraction.names import common_word, lower_words, name_rules
from newskg.extraction.nlp import Para
from newskg.extraction.non_entities import vessel_names
from newskg.extraction.quoted import in_quotes
from newskg.extraction.rescan import rescan
from newskg.extraction.spelling import join_variants
from newskg.text import fold
from newskg.vocab import digest, entity_key


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
            key=lambda t: (is_abbrev(t), t in prefixed, part(t), -counts[t], -len(t), t),
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
            given: list[str] = []
            for before in reversed(words[max(0, k - 3) : k]):
                if (
                    not _CAP_WORD.fullmatch(before)
                    or lex.is_title([before])
                    or before.isupper()
                    or before.endswith(("'s", "\u2019s"))
                    or before.lower() in lex.not_names
                    or before.lower() in MONTHS_DAYS
                    or before.lower() in name_rules().rank_tail
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
    found = ner_mentions(paras, lex)
    found += list_persons(paras, found, lex)  # "Odin, Thor, Freya and Loki"
    found += member_acronyms(paras, found, lex)  # "Peter Hale of KDPU"
    found += cued_orgs(paras, found, lex)  # "US team Kestrel9", "X, a catholic school"
    found += gazetteer_mentions(paras, gaz, lex)
    mentions = merge_sources(found, body_mentions(paras, found, gaz, lex))
    # A one-word "name" the article also writes in lower case is a common word ("Iodine").
    lower = lower_words(paras)
    parts = {w for m in mentions if m.label == "PERSON" and len(m.words) > 1 for w in m.words}
    # Not an organization: "Labour" is the party even where "labour" is the market.
    mentions = [
        m
        for m in mentions
        if m.gaz
        or m.label not in {"PERSON", "GPE", "LOC", "FAC"}
        or not common_word(m.words, lower, parts)
    ]
    ships = vessel_names([p.doc for p in paras])  # "Forbin" of "FS Forbin", "the tanker X"
    mentions = [m for m in mentions if m.words not in ships]
    vote_kinds(mentions, paras)
    mentions = [m for m in mentions if m.kind is not None]
    mentions = rescan(mentions, paras, lex)
    # Single-word actor gazetteer aliases ("surname") count only if the full name appears.
    full_keys = {m.gaz.key for m in mentions if m.gaz and len(m.words) > 1}
    headline = fold(article.headline or "")
    full_keys |= {  # (a name not in the headline at all is not searched for as a word)
        key
        for key, name in gaz.full_person_names
        if name in headline and re.search(r"\b" + re.escape(name) + r"\b", headline)
    }
    for m in mentions:
        if m.gaz and m.gaz.kind == "actor" and len(m.words) == 1 and m.gaz.key not in full_keys:
            m.gaz = None
    entities: list[Entity] = []
    # key -> (kind, gazetteer key or folded name) of the entity that has it: a second entity
    # is never given a key by accident (that would merge two people in the graph).
    used: dict[str, tuple[str, str]] = {}
    gaz_keys = gaz.kind_keys
    for cluster in join_variants(group(mentions, paras, article.text)):
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
                kind=cast(EntityKind, kind),  # a mention without a kind was dropped
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


# --- pronouns ------------------------------------------------------------------------------


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
            begin = para.begin + tok.idx
            if quoted and quoted.covers(begin, begin + len(tok)):
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
