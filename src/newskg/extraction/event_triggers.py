"""Which words of an article trigger an event (step one of :mod:`newskg.extraction.events`):
trigger phrases of ``event_triggers.tsv`` found in body paragraphs, kept only when no blocker,
negation, future or generic reading rules them out (an announced decision excepted: those
rules are :mod:`newskg.extraction.event_modality`) and an ``obj=`` option's object fits."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from newskg.extraction.entities import Resolution, in_quotes
from newskg.extraction.event_contest import ROUND_TYPES, vote_round
from newskg.extraction.event_modality import announcements, blocked
from newskg.extraction.event_names import (
    claimed,
    head_word_org,
    initialism,
    initials_index,
    it_references,
    name_index,
    named,
    role_references,
    short_quote,
    spelled_name,
)
from newskg.extraction.event_objects import met_each_other, object_fits, subject_named
from newskg.extraction.event_syntax import misread_is, said_with, subject_fits, undone_thing
from newskg.extraction.event_table import types_with, words_of
from newskg.extraction.lexicon import Lexicon, lexicon
from newskg.extraction.model import ArticleText
from newskg.extraction.nlp import Para, SpanSet

#: Verbs whose object noun names the event their subject does ("launched air strikes").
SUPPORT_VERBS = words_of("support")
#: Types of harm done to people (``event_roles.tsv``, pattern "violence").
VIOLENCE = types_with("violence")
#: Types whose "of" people are who gathered ("the meeting of Nordic farm ministers").
GATHERINGS = types_with("gathering")


@dataclass
class FoundEvent:
    """A trigger that passed the trigger rules, with the arguments found for it so far."""

    type: str
    trigger: list[Token]
    para: Para
    agents: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    date: str | None = None
    place: str | None = None
    all_participants: bool = False
    #: the doer is who undergoes it ("X pleaded guilty": X is the one tried)
    undergone: bool = False
    #: whose it is brings it ("his lawsuit", "the council's legal challenge": the plaintiff)
    brought: bool = False
    #: how often the trigger word is an event of its type (``event_triggers.tsv``)
    weight: float = 1.0

    @property
    def head(self) -> Token:
        first = self.trigger[0]
        return first if first.pos_ == "VERB" else self.trigger[-1]

    sort: str = ""  # the trigger's "sort=" option, else its lemma
    #: its parties were found around it, not in its own phrase (an election's contestants)
    around: bool = False

    @property
    def lemma(self) -> str:
        return self.sort or " ".join(t.lemma_.lower() for t in self.trigger)


ARG_KINDS = ("actor", "organization", "place")


class TriggerFinder:
    """The article being read, and the trigger rules."""

    def __init__(
        self,
        article: ArticleText,
        paras: list[Para],
        res: Resolution,
        lex: Lexicon | None = None,
        pronouns: dict[tuple[int, int], str] | None = None,
    ) -> None:
        self.article = article
        self.paras = paras
        self.res = res
        self.lex = lexicon() if lex is None else lex
        # "he", "the prime minister": the person they stand for
        self.pronouns = {
            **it_references(paras, res),
            **role_references(paras, res, self.lex.roles),
            **(pronouns or {}),
        }
        #: gazetteer keys of countries (the places a country adjective names)
        self.countries = frozenset(k for k in self.lex.demonyms.values() if k)
        # trigger phrases by first word, longest first (the lexicon's order)
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for phrase, kind in self.lex.triggers.items():
            self.by_first.setdefault(phrase[0], []).append((phrase, kind))
        # statement words do not make another statement hypothetical ("tweeted a threat")
        self.speech_words = {
            p[0] for p, k in self.lex.triggers.items() if k == "statement" and len(p) == 1
        }
        self.lemmas: dict[int, set[str]] = {}  # id(Event) -> trigger lemmas merged into it
        #: id(Event) of unattributed events first told as definite ("the meeting")
        self.definite: set[int] = set()
        self.names = name_index(res.entities)
        self.initials = initials_index(res.entities)

    claimed = staticmethod(claimed)
    named = staticmethod(named)

    def object_fits(self, para: Para, verb: Token, wanted: frozenset[str]) -> bool:
        """See :func:`event_objects.object_fits`."""
        return object_fits(para, verb, wanted, self.entities, self.lex.roles, self.res.kinds)

    def entities(self, para: Para, tok: Token) -> list[tuple[str, Token]]:
        """Entity keys for ``tok`` and its conjuncts (a relative pronoun stands for the noun
        its clause describes)."""
        if tok.lower_ in {"which", "who", "that"} and tok.head.dep_ == "relcl":
            tok = tok.head.head
        found: list[tuple[str, Token]] = []
        for t in [tok, *tok.conjuncts]:
            key = (
                self.res.key_at(para.index, t, ARG_KINDS)
                or self.pronouns.get((para.index, t.i))
                or spelled_name(t, self.names)
                or initialism(t, self.initials)
            )
            if key is None and t.lower_ == "its" and t.dep_ == "poss":
                key = self.own_subject(para, t)
            if key is None:
                key = head_word_org(self.res, para, t)
            if key is None and t.pos_ == "NOUN":
                # "his Chilean counterpart Rosa Ibarra": the name in apposition
                key = next(
                    (
                        k
                        for c in t.children
                        if c.dep_ == "appos" and c.i > t.i
                        for k in [self.res.key_at(para.index, c, ARG_KINDS)]
                        if k
                    ),
                    None,
                )
            if key and key not in [k for k, _ in found]:
                found.append((key, t))
        return found

    def own_subject(self, para: Para, its: Token) -> str | None:
        """The organization or place "its" stands for: the subject of the clause it is in
        ("Acme completed its takeover of Beta", "the army began its withdrawal")."""
        node = its.head
        for _ in range(3):
            if node.pos_ in {"VERB", "AUX"} or node.head.i == node.i:
                break
            node = node.head
        subject = next((c for c in node.children if c.dep_ == "nsubj"), None)
        if subject is None:
            return None
        key = self.res.key_at(para.index, subject, ("organization", "place"))
        return key

    # --- triggers ------------------------------------------------------------------------

    def match(self, para: Para) -> list[tuple[str, list[Token], tuple[str, ...]]]:
        doc = para.doc
        # each token's lower case and lemma, once (a phrase matches either at each word)
        lowers = [t.lower_ for t in doc]
        lemmas = [t.lemma_.lower() for t in doc]
        found = []
        i = 0
        while i < len(doc):
            hit = None
            lower, lemma = lowers[i], lemmas[i]
            candidates = self.by_first.get(lower, [])
            if lemma != lower:
                candidates = candidates + self.by_first.get(lemma, [])
            for phrase, kind in candidates:
                if phrase[0] != lower and phrase[0] != lemma:
                    continue
                end = i + len(phrase)
                if end > len(doc):
                    continue
                if all(lemmas[j] == w or lowers[j] == w for j, w in enumerate(phrase, i)):
                    hit = (kind, list(doc[i:end]), phrase)
                    break
            if hit is None:
                i += 1
                continue
            found.append(hit)
            i += len(hit[1])
        return found

    def triggers(self, para: Para) -> list[tuple[str, list[Token], tuple[str, ...]]]:
        quoted = in_quotes(para)
        found = [
            (kind, toks, phrase)
            for kind, toks, phrase in self.match(para)
            if self.rejection(para, quoted, kind, toks, phrase) is None
        ]
        # A trigger noun that is the subject of a trigger verb, or the object of one of its
        # own type, is that verb's event: "a drone strike killed X", "signed an agreement",
        # "agreed to a merger".
        verbs = {(toks[0].i if toks[0].pos_ == "VERB" else -1): kind for kind, toks, _ in found}

        def absorbed(kind: str, noun: Token) -> bool:
            if noun.dep_ == "pobj" and noun.head.lower_ == "to" and noun.head.head.i != noun.i:
                # "agreed to a takeover by X": the deal agreed to is the agreeing's event
                return verbs.get(noun.head.head.i) == kind
            verb = verbs.get(noun.head.i) if noun.head.i != noun.i else None
            if verb is None or noun.dep_ not in {"nsubj", "nsubjpass", "dobj"}:
                return False
            return verb == kind or (noun.dep_ != "dobj" and {verb, kind} <= VIOLENCE)

        return [
            (kind, toks, phrase)
            for kind, toks, phrase in found
            if toks[0].pos_ == "VERB" or not absorbed(kind, toks[-1])
        ]

    def rejection(
        self,
        para: Para,
        quoted: SpanSet,
        kind: str,
        toks: list[Token],
        phrase: tuple[str, ...],
    ) -> str | None:
        """Why a matched trigger phrase is no event mention (None when it is one): the reasons
        are checked in order, and the first that holds is given."""
        head = toks[0] if toks[0].pos_ == "VERB" else toks[-1]
        options = self.lex.trigger_options.get(phrase, {})
        where = para.tok_span(head)
        if quoted.contains(where) and not short_quote(quoted, where, self.article.text):
            return "quoted: a speaker's claim, not a fact"
        if head.pos_ not in {"VERB", "NOUN"} and not self.named(head):
            return "neither a verb nor a noun"
        pos = options.get("pos")
        carried = head.dep_ == "dobj" and head.head.lemma_.lower() in options.get("objof", ())
        if pos and head.pos_.lower() not in pos and not carried:
            return "wrong part of speech"  # "bomb" the verb is an attack, the noun a device
        if (
            head.tag_ == "NNS"
            and tuple(t.lower_ for t in toks) not in self.lex.triggers
            and not self.owned_plural(para, head)
            and not (kind in ROUND_TYPES and vote_round(head))
        ):
            return "generic plural"  # "attacks on American targets"
        if kind not in GATHERINGS and self.generic_of(para, head):
            return "generic 'of' object"  # "the killing of Muslims": of people in general
        if head.pos_ == "NOUN" and head.dep_ == "compound":
            return "modifier of another noun"  # "bombing suspect", "meeting room"
        if (
            head.pos_ == "NOUN"
            and head.dep_ == "attr"
            and not any(c.dep_ == "expl" for c in head.head.children)
            and not misread_is(head.head)
        ):
            # what something is called ("the first death since 2017", "the biggest attack on
            # civil liberties"), not "there was an attack"
            return "a predicate noun"
        if head.pos_ == "VERB" and head.text[:1].isupper() and not head.is_sent_start:
            return "a word of a title"  # "won for Old Habits Die Hard", not prose
        if "opinion" in options.get("that", ()) and any(c.dep_ == "ccomp" for c in head.children):
            return "an opinion"  # "agreed that it was not typical", not a deal
        unless = options.get("unless", frozenset())
        if any(g.lemma_.lower() in unless for c in head.children for g in c.children):
            return "an excluded sense"  # "released from hospital" is no release from custody
        needed = options.get("needs")
        if needed and not any(
            t.lemma_.lower() in needed
            for c in head.children
            if not (c.dep_ == "xcomp" and c.pos_ == "VERB")  # "tried to reach the court"
            for t in (c, *c.children)
        ):
            return "a word it needs is missing"  # "pleaded guilty", not "pleaded with fans"
        wanted = options.get("obj")
        if (
            wanted
            and (head.pos_ != "VERB" or not self.object_fits(para, head, wanted))
            and not (
                "yes" in options.get("reciprocal", ()) and met_each_other(para, head, self.entities)
            )
        ):
            return "no fitting object"
        if undone_thing(head, options.get("notobj", frozenset())):
            return "an object of another sense"  # "withdrew its bid": no one pulled out
        if said_with(head, options.get("notwith", frozenset())):
            return "words, not deeds"  # "attacked the plans, saying ...": a critic's attack
        if subject_fits(head, options.get("notsubj", frozenset())):
            return "an excluded subject"  # "the tsunami struck": no one attacked
        subject = options.get("subj")
        if subject and (
            head.pos_ != "VERB"
            or not (
                subject_fits(head, subject)
                or subject_named(para, head, subject, self.entities, self.res.kinds)
            )
        ):
            return "no fitting subject"  # a bomb explodes in an attack, a market in a boom
        if self.blocked(head, kind, "future" in options.get("when", ())):
            return "hypothetical, negated, future or generic"
        gov = head.head
        if head.dep_ == "xcomp" and gov.pos_ == "VERB" and self.lex.event_type(gov.lemma_) == kind:
            return "the governing trigger's event"  # "agreed to acquire X": one event
        return None

    def owned_plural(self, para: Para, head: Token) -> bool:
        """A plural trigger that names one series of events: its doer is named ("IS attacks
        in Palmyra", "the NLF's bombings") and it is pinned down by a possessive, a definite
        article or a place; or it is definite and placed ("the 4 March attacks in
        Lima", "the three largest blasts at Kings Parade"), or definite and named ("the Black
        Tuesday bombings")."""
        owner = [
            c
            for c in head.children
            if c.dep_ in {"poss", "compound"}
            and c.i < head.i
            and (
                self.entities(para, c)
                # "IRA bomb attacks": the name modifies the modifier
                or any(g.dep_ == "compound" and self.entities(para, g) for g in c.children)
            )
        ]
        if head.dep_ == "attr" and misread_is(head.head) and self.entities(para, head.head):
            owner.append(head.head)  # "IS attacks in Palmyra", misread "is attacks"
        if self.claimed(head):
            return True  # "claimed responsibility for the bombings": the ones claimed
        support = head.head
        if (
            head.dep_ == "dobj"
            and support.lemma_.lower() in SUPPORT_VERBS
            and support.tag_ in {"VBD", "VBN"}
            and not any(c.dep_ == "prep" and c.lower_ in {"for", "since"} for c in support.children)
            and any(self.entities(para, c) for c in support.children if c.dep_ == "nsubj")
        ):
            return True  # "Israel launched air strikes on Gaza": that series (not "for years")
        pinned = any(c.dep_ == "poss" or c.lower_ == "the" for c in head.children)
        placed = any(
            self.res.key_at(para.index, g, ("place",))
            for c in head.children
            if c.dep_ == "prep" and c.lower_ in {"in", "at"}
            for g in c.children
        ) or any(  # "attacks on pubs in Kelby": where their targets were
            self.res.key_at(para.index, p, ("place",))
            for c in head.children
            if c.dep_ == "prep" and c.lower_ == "on"
            for g in c.children
            for i in g.children
            if i.dep_ == "prep" and i.lower_ in {"in", "at"}
            for p in i.children
        )
        definite = any(c.lower_ == "the" for c in head.children)
        # "the Black Tuesday bombings": a definite series with a name of its own
        titled = any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in head.children)
        # "were killed in IS attacks": the attacks that killed them, not attacks in general
        where = head.head if head.dep_ == "attr" and misread_is(head.head) else head
        caused = (
            where.dep_ == "pobj"
            and where.head.lower_ == "in"
            and where.head.head.tag_ in {"VBD", "VBN"}
            and self.lex.event_type(where.head.head.lemma_) in VIOLENCE
        )
        return (bool(owner) and (pinned or placed or caused)) or (definite and (placed or titled))

    def generic_of(self, para: Para, head: Token) -> bool:
        """A noun trigger whose "of" object is a bare plural that names no one ("the killing
        of Muslims", "deaths of civilians"): a kind of event, not one. An indefinite one is
        one event whose people are not named ("chaired a meeting of ministers")."""
        if head.pos_ != "NOUN" or any(c.lower_ in {"a", "an"} for c in head.children):
            return False
        for prep in head.children:
            if prep.dep_ != "prep" or prep.lower_ != "of":
                continue
            for obj in prep.children:
                if (
                    obj.dep_ == "pobj"
                    and obj.tag_ in {"NNS", "NNPS"}
                    and not any(c.dep_ in {"det", "nummod", "poss"} for c in obj.children)
                    and not self.entities(para, obj)
                    and not any(self.entities(para, c) for c in obj.children)
                ):  # "of UKIP members" names whose members
                    return True
        return False

    def announcements(self, para: Para) -> list[Token]:
        """ "X said it would ...": see :func:`event_modality.announcements`."""
        return announcements(para, self.entities)

    def blocked(self, head: Token, kind: str = "", scheduled: bool = False) -> bool:
        """Is the mention hypothetical, negated, future or generic (a statement word does
        not make a statement so)? See :func:`event_modality.blocked`."""
        ignore = self.speech_words if kind == "statement" else set()
        return blocked(head, self.lex.blockers, ignore, scheduled)
