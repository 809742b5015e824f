"""Events of the closed types from trigger words
(``src/newskg/extraction/data/event_triggers.tsv``).

Precision first. A trigger becomes an event only when:

* it is in a body sentence, outside quotes (what a speaker claims is a statement, not a fact);
* it is not hypothetical, negated, future or generic: no blocker (``event_blockers.txt``:
  "threatening an attack", "to prevent", "could", "without") governs it, no negation, and a
  plural noun trigger ("attacks") is generic unless the trigger itself is plural ("talks").
  Exception: an *announced decision*, a future trigger under a verb of announcing ("the
  coalition says it will withdraw"), is an event;
* a speaker announcing its own future action ("X said it would build a plant", not "X said
  Y would ..." nor a quote "'We will win,' X said") makes a statement event, whatever the
  action;
* a trigger with an ``obj=`` option has a fitting object ("boost its forces", "impose
  sanctions", "joined the Orange Front");
* the dependency parse gives it at least one resolved entity as agent, target or participant;
  or, failing that, it is a specific mention (a named event such as "the 1998 Harvest
  Revolution", a definite noun, a verb in the past) with a date or a place ("the drone strike
  in Kestrel").

Arguments: subject -> agent, object / passive subject / "on|against X" -> target, "by X" ->
agent; for nouns, "X's attack", "X attack" and "American strike" (a country adjective, when
the article names that country) -> agent, "killing of X" -> target; for death, funeral,
meeting, agreement, protest and election, and for triggers marked ``roles=participant``
(wars), everyone is a participant. A verb without a subject of its own takes the subject of
the clause it depends on ("the army has taken steps to boost ...", "the Orange Front,
which worked with Vorland to topple the king"); a speech noun in "in a speech / in an
interview" takes the speaker of the verb it modifies. When the subject is itself a trigger
noun ("a U.S. drone strike killed X"), its compound/possessive names the agent. Place = a
place entity in an "in/at X" phrase under the trigger (or the place a "where" clause
describes); date = a DATE/TIME expression under the trigger, resolved against the article's
reference date.

Mentions of the same type sharing the main argument (target, else agent) merge into one event
with several evidence sentences; a statement merges with another only in the same sentence or
when the same agent makes it with the same word (one speech act mentioned twice), an "other"
event only with one of the same sort (the trigger's ``sort=`` option, else the same word).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from newskg.extraction.dates import find_year, normalize
from newskg.extraction.entities import Resolution, in_quotes
from newskg.extraction.lexicon import Lexicon, lexicon
from newskg.extraction.model import ArticleText, Event, EventArgument, Span
from newskg.extraction.nlp import Para

PARTICIPANT_TYPES = {"death", "meeting", "agreement", "protest", "election"}
OF_TARGET_TYPES = {"killing", "death", "funeral", "attack", "legal action", "appointment"}
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those"}
ARG_KINDS = ("actor", "organization", "place")
MODALS = {"will", "wo", "'ll", "would", "could", "shall"}
FUTURE = {"will", "wo", "'ll", "would", "shall"}
#: Verbs under which a future event is an announced decision ("says it will withdraw").
ANNOUNCING = {"say", "announce", "declare", "pledge", "vow", "promise", "confirm"}
#: Subjects that stand for someone else: the clause's governor ("it will withdraw").
STAND_INS = {"it", "they", "which", "who", "that"}
#: Quantities whose "of" phrase is the real object ("tens of thousands of fighters").
QUANTITIES = {
    "ten",
    "hundred",
    "thousand",
    "million",
    "dozen",
    "score",
    "number",
    "group",
    "unit",
    "contingent",
    "battalion",
    "wave",
}
SPEECH_PREPS = {"in", "during"}
#: Verbs whose object noun names the event their subject does ("launched an attack").
SUPPORT_VERBS = {
    "launch",
    "carry",
    "conduct",
    "stage",
    "mount",
    "hold",
    "give",
    "deliver",
    "issue",
    "make",
    "sign",
    "unleash",
}
#: Subjects by which a speaker speaks of itself ("said it would", "said he will").
SELF_REFERENCES = {"it", "he", "she", "they", "we", "i"}
VIOLENCE = {"attack", "killing", "death"}
#: Clauses under a trigger that speak of something else: their dates and places are theirs.
#: (Adverbial clauses stay: "killed X after he landed in Baghdad late Thursday" dates both.)
OTHER_CLAUSES = {"relcl", "ccomp", "parataxis"}
#: Clause links along which a subject is shared with a verb that has none of its own.
SHARED_SUBJECT = {"xcomp", "advcl", "conj", "ccomp"}


@dataclass
class _Found:
    type: str
    trigger: list[Token]
    para: Para
    agents: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    label_toks: set[int] = field(default_factory=set)
    date: str | None = None
    place: str | None = None
    all_participants: bool = False

    @property
    def head(self) -> Token:
        first = self.trigger[0]
        return first if first.pos_ == "VERB" else self.trigger[-1]

    sort: str = ""  # the trigger's "sort=" option, else its lemma

    @property
    def lemma(self) -> str:
        return self.sort or " ".join(t.lemma_.lower() for t in self.trigger)


class EventFinder:
    def __init__(
        self,
        article: ArticleText,
        paras: list[Para],
        res: Resolution,
        lex: Lexicon | None = None,
        pronouns: dict[tuple[int, int], str] | None = None,
    ) -> None:
        self.pronouns = pronouns or {}
        self.article = article
        self.paras = paras
        self.res = res
        self.lex = lexicon() if lex is None else lex
        # trigger phrases by first word, longest first (the lexicon's order)
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for phrase, kind in self.lex.triggers.items():
            self.by_first.setdefault(phrase[0], []).append((phrase, kind))
        # statement words do not make another statement hypothetical ("tweeted a threat")
        self.speech_words = {
            p[0] for p, k in self.lex.triggers.items() if k == "statement" and len(p) == 1
        }
        self.lemmas: dict[int, set[str]] = {}  # id(Event) -> trigger lemmas merged into it

    # --- triggers ------------------------------------------------------------------------

    def match(self, para: Para) -> list[tuple[str, list[Token], tuple[str, ...]]]:
        doc = para.doc
        found = []
        i = 0
        while i < len(doc):
            hit = None
            first = {doc[i].lemma_.lower(), doc[i].lower_}
            for phrase, kind in self.by_first.get(doc[i].lower_, []) + [
                c
                for c in self.by_first.get(doc[i].lemma_.lower(), [])
                if doc[i].lemma_.lower() != doc[i].lower_
            ]:
                if phrase[0] not in first:
                    continue
                toks = list(doc[i : i + len(phrase)])
                if len(toks) != len(phrase):
                    continue
                pairs = zip(toks, phrase, strict=True)
                if all(t.lemma_.lower() == w or t.lower_ == w for t, w in pairs):
                    hit = (kind, toks, phrase)
                    break
            if hit is None:
                i += 1
                continue
            found.append(hit)
            i += len(hit[1])
        return found

    def triggers(self, para: Para) -> list[tuple[str, list[Token], tuple[str, ...]]]:
        quoted = in_quotes(para)
        found = []
        for kind, toks, phrase in self.match(para):
            head = toks[0] if toks[0].pos_ == "VERB" else toks[-1]
            where = para.tok_span(head)
            if quoted.contains(where):
                continue
            if head.pos_ not in {"VERB", "NOUN"} and not self.named(head):
                continue
            if head.tag_ == "NNS" and tuple(t.lower_ for t in toks) not in self.lex.triggers:
                continue  # generic plural ("attacks on American targets")
            wanted = self.lex.trigger_options.get(phrase, {}).get("obj")
            if wanted and (head.pos_ != "VERB" or not self.object_fits(para, head, wanted)):
                continue
            if self.blocked(head, kind):
                continue
            gov = head.head
            if (
                head.dep_ == "xcomp"
                and gov.pos_ == "VERB"
                and self.lex.event_type(gov.lemma_) == kind
            ):
                continue  # "agreed to acquire X": one event, the governing trigger's
            found.append((kind, toks, phrase))
        # A trigger noun that is the subject of a trigger verb, or the object of one of its
        # own type, is that verb's event: "a drone strike killed X", "signed an agreement".
        verbs = {(toks[0].i if toks[0].pos_ == "VERB" else -1): kind for kind, toks, _ in found}

        def absorbed(kind: str, noun: Token) -> bool:
            verb = verbs.get(noun.head.i) if noun.head.i != noun.i else None
            if verb is None or noun.dep_ not in {"nsubj", "nsubjpass", "dobj"}:
                return False
            return verb == kind or (noun.dep_ != "dobj" and {verb, kind} <= VIOLENCE)

        return [
            (kind, toks, phrase)
            for kind, toks, phrase in found
            if toks[0].pos_ == "VERB" or not absorbed(kind, toks[-1])
        ]

    @staticmethod
    def named(head: Token) -> bool:
        """A trigger word closing a capitalised name: "the 1998 Harvest Revolution"."""
        doc = head.doc
        return (
            head.pos_ == "PROPN"
            and head.text[:1].isupper()
            and not head.is_sent_start
            and not (head.i + 1 < len(doc) and doc[head.i + 1].pos_ == "PROPN")
        )

    def object_fits(self, para: Para, verb: Token, wanted: frozenset[str]) -> bool:
        objects = [c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"}]
        if verb.dep_ == "relcl" and not objects:  # "the sanctions Trump has imposed"
            objects = [verb.head]
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if not objects and subject is not None and subject.i > 0:
            before = verb.doc[subject.i - 1]  # the same, misparsed
            if before.pos_ == "NOUN" and before.i < verb.i:
                objects = [before]
        for obj in objects:
            if obj.lemma_.lower() in QUANTITIES:
                obj = next(
                    (
                        g
                        for c in obj.children
                        if c.dep_ == "prep" and c.lower_ == "of"
                        for g in c.children
                        if g.dep_ == "pobj"
                    ),
                    obj,
                )
            compound = " ".join(
                c.lemma_.lower() for c in obj.children if c.dep_ == "compound" and c.pos_ == "NOUN"
            )
            if compound:  # "aircraft carriers" may be wanted, "its sales force" is no force
                if f"{compound} {obj.lemma_.lower()}" in wanted:
                    return True
                continue
            if obj.lemma_.lower() in wanted:
                return True
            kind = self.res.kinds.get(self.res.key_at(para.index, obj) or "")
            if kind and "@" + kind in wanted:
                return True
        return False

    def announced(self, head: Token) -> bool:
        """A future trigger in the complement of a verb of announcing."""
        return (
            head.dep_ in {"ccomp", "xcomp"}
            and head.head.lemma_.lower() in ANNOUNCING
            and any(c.dep_ == "aux" and c.lower_ in FUTURE for c in head.children)
        )

    def announcements(self, para: Para) -> list[Token]:
        """ "X said it would ...": a speaker announcing its own future action (its decision),
        not "X said Y would ..." (a forecast about someone else). Outside quotes."""
        quoted = in_quotes(para)
        found = []
        for verb in para.doc:
            if (
                verb.lemma_.lower() != "say"
                or verb.pos_ != "VERB"
                or quoted.contains(para.tok_span(verb))
            ):
                continue
            if any(c.dep_ == "neg" for c in verb.children):
                continue
            speaker = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            if speaker is None or not self.entities(para, speaker):
                continue
            for comp in verb.children:
                if comp.dep_ != "ccomp" or not any(
                    c.dep_ == "aux" and c.lower_ in FUTURE for c in comp.children
                ):
                    continue
                if quoted.contains(para.tok_span(comp)):
                    continue  # a quote ("'We will win,' she said") is a quote, not an event
                subject = next((c for c in comp.children if c.dep_ == "nsubj"), None)
                if (
                    subject is None
                    or subject.lower_ in SELF_REFERENCES
                    or (self.entities(para, subject)[:1] == self.entities(para, speaker)[:1])
                ):
                    found.append(verb)
                    break
        return found

    def blocked(self, head: Token, kind: str = "") -> bool:
        ignore = self.speech_words if kind == "statement" else set()
        announced = self.announced(head)
        for child in head.children:
            lemma = child.lemma_.lower()
            if child.dep_ == "aux" and child.lower_ in MODALS:
                if announced and child.lower_ in FUTURE:
                    continue
                return True
            if child.dep_ == "neg" or (lemma in self.lex.blockers and lemma not in ignore):
                return True
        node = head
        for _ in range(4):  # up to the governing clause's verb
            if node.head == node:
                break
            node = node.head
            lemma = node.lemma_.lower()
            if lemma in self.lex.blockers and lemma not in ignore:
                return True
            if node.pos_ in {"VERB", "AUX"}:
                return any(
                    c.dep_ == "neg" or c.lemma_.lower() in self.lex.blockers
                    for c in node.children
                    if c.dep_ in {"neg", "aux", "mark"}
                )
        return False

    # --- arguments -----------------------------------------------------------------------

    def entities(self, para: Para, tok: Token) -> list[tuple[str, Token]]:
        """Entity keys for ``tok`` and its conjuncts (a relative pronoun stands for the noun
        its clause describes)."""
        if tok.lower_ in {"which", "who", "that"} and tok.head.dep_ == "relcl":
            tok = tok.head.head
        found = []
        for t in [tok, *tok.conjuncts]:
            key = self.res.key_at(para.index, t, ARG_KINDS) or self.pronouns.get((para.index, t.i))
            if key and key not in [k for k, _ in found]:
                found.append((key, t))
        return found

    def country_of(self, tok: Token) -> str | None:
        """The article's entity for a country adjective ("American" -> United States)."""
        n = self.lex.demonym_length([t.text for t in tok.doc[tok.i : tok.i + 3]])
        if n != 1:
            return None
        key = self.lex.demonyms.get((tok.lower_,))
        return key if key and key in self.res.kinds else None

    def mention_toks(self, para: Para, tok: Token) -> set[int]:
        m = self.res.mention_at(para.index, tok.i)
        return set(range(m.start, m.end)) if m else {tok.i}

    def add(self, ev: _Found, role: str, para: Para, tok: Token, via: list[Token] = ()) -> None:
        if ev.type in PARTICIPANT_TYPES or ev.all_participants:
            role = "participant"
        found = self.entities(para, tok)
        if not found:
            key = self.country_of(tok)
            found = [(key, tok)] if key else []
        if not found and role != "agent" and tok.pos_ == "NOUN":
            # "struck Hamas targets", "talks with a Hamas delegation": the named owner
            found = [
                kt
                for c in tok.children
                if c.dep_ in {"compound", "poss"}
                for kt in self.entities(para, c)
            ][:1]
        for key, t in found:
            bucket = {"agent": ev.agents, "target": ev.targets, "participant": ev.participants}[
                role
            ]
            if key not in ev.agents + ev.targets + ev.participants:
                bucket.append(key)
                ev.label_toks |= self.mention_toks(para, t) | {v.i for v in via}

    def shared_subject(self, verb: Token) -> Token | None:
        """The subject of the clause a subjectless verb depends on."""
        node = verb
        for _ in range(3):
            if node.dep_ not in SHARED_SUBJECT or node.head == node:
                return None
            node = node.head
            if node.pos_ not in {"VERB", "AUX"}:
                return None
            subject = next((c for c in node.children if c.dep_ == "nsubj"), None)
            if subject is not None:
                return subject
        return None

    def arguments(self, ev: _Found) -> None:
        para, head = ev.para, ev.head
        for child in head.children:
            dep = child.dep_
            if head.pos_ == "VERB":
                if dep == "nsubj":
                    if self.entities(para, child):
                        self.add(ev, "agent", para, child)
                    elif self.lex.event_type(child.lemma_) is not None:
                        # "a U.S. drone strike killed X": the strike's owner is the agent
                        for grand in child.children:
                            if grand.dep_ in {"compound", "poss", "nmod", "amod"}:
                                self.add(ev, "agent", para, grand)
                        ev.label_toks |= {
                            t.i for t in child.subtree if t.dep_ == "compound" or t == child
                        }
                elif dep in {"dobj", "nsubjpass"}:
                    self.add(ev, "target", para, child)
                elif dep == "agent":
                    for pobj in child.children:
                        self.add(ev, "agent", para, pobj, [child])
                elif dep == "prep" and (
                    child.lower_ in {"on", "against"}
                    or (child.lower_ == "at" and ev.type == "attack")
                ):
                    for pobj in child.children:
                        self.add(ev, "target", para, pobj, [child])
                elif dep == "prep" and child.lower_ == "with":
                    for pobj in child.children:
                        self.add(ev, "participant", para, pobj, [child])
                elif dep == "xcomp" and self.lex.event_type(child.lemma_) == ev.type:
                    for obj in child.children:  # "agreed to acquire X"
                        if obj.dep_ == "dobj":
                            self.add(ev, "target", para, obj, [child])
                            for app in obj.children:
                                if app.dep_ in {"appos", "compound"}:
                                    self.add(ev, "target", para, app, [child])
            else:
                if dep == "poss" or (dep in {"compound", "nmod", "amod"} and child.i < head.i):
                    has_of = any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children)
                    role = (
                        "target"
                        if (ev.type in {"killing", "death", "funeral"} and not has_of)
                        else "agent"
                    )
                    self.add(ev, role, para, child)
                elif dep == "prep" and (
                    child.lower_ in {"on", "against"}
                    or (child.lower_ == "of" and ev.type in OF_TARGET_TYPES)
                    or (child.lower_ == "for" and ev.type == "funeral")
                ):
                    for pobj in child.children:
                        self.add(ev, "target", para, pobj, [child])
                elif dep == "prep" and child.lower_ == "by":
                    for pobj in child.children:
                        self.add(ev, "agent", para, pobj, [child])
                elif (
                    dep == "prep"
                    and child.lower_ in {"for", "with", "between"}
                    and (ev.type in PARTICIPANT_TYPES or ev.all_participants)
                ):
                    for pobj in child.children:
                        self.add(ev, "participant", para, pobj, [child])
        if ev.agents:
            return
        if head.pos_ == "VERB":
            own = next((c for c in head.children if c.dep_ == "nsubj"), None)
            if own is None or (own.lower_ in STAND_INS and not self.entities(para, own)):
                subject = self.shared_subject(head)
                if subject is not None:
                    self.add(ev, "agent", para, subject)
        elif head.dep_ == "dobj" and head.head.lemma_.lower() in SUPPORT_VERBS:
            # "Hamas launched an attack on Israel", "X held talks with Y": the doer
            subject = next((c for c in head.head.children if c.dep_ == "nsubj"), None)
            if subject is not None:
                self.add(ev, "agent", para, subject)
        elif (
            ev.type == "statement"
            and head.dep_ == "pobj"
            and head.head.lower_ in SPEECH_PREPS
            and head.head.head.pos_ == "VERB"
        ):
            # "In a televised speech, X presented ...", "she said in a 2019 interview"
            verb = head.head.head
            subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            if subject is not None:
                self.add(ev, "agent", para, subject)

    def place_and_date(self, ev: _Found) -> None:
        para, head = ev.para, ev.head
        args = set(ev.agents + ev.targets + ev.participants)
        subtree = own_subtree(head)
        if head.dep_ == "dobj" and head.head.lemma_.lower() in SUPPORT_VERBS:
            # "launched an attack on October 7": the support verb's dates are the event's
            support = head.head
            subtree += [
                t for c in support.children if c.dep_ == "prep" and c.i > head.i for t in c.subtree
            ]
        for tok in subtree:
            if tok.dep_ == "pobj" and tok.head.lower_ in {"in", "at"}:
                key = self.res.key_at(para.index, tok, ("place",))
                if key and key not in args and ev.place is None:
                    ev.place = key
        if (
            ev.place is None
            and head.dep_ == "relcl"
            and any(c.lower_ == "where" for c in head.children)
        ):
            key = self.res.key_at(para.index, head.head, ("place",))  # "Yemen, where ..."
            if key and key not in args:
                ev.place = key
        ref = self.article.reference_date
        # the subject's own words date the subject, not the event
        subjects = {
            t.i for c in head.children if c.dep_ in {"nsubj", "nsubjpass"} for t in c.subtree
        }
        indices = {t.i for t in subtree} - subjects
        for ent in head.sent.ents:
            if ent.label_ not in {"DATE", "TIME"} or ent.start not in indices:
                continue
            prev = para.doc[ent.start - 1].lower_ if ent.start > 0 else ""
            value = normalize(f"{prev} {ent.text}" if prev in {"in", "on"} else ent.text, ref)
            if value:
                ev.date = value
                return
        for tok in head.children:  # "the 2015 nuclear agreement"
            if tok.like_num and tok.i < head.i:
                ev.date = find_year(tok.text)

    def by_strike(self, verb: Token) -> bool:
        """Is the verb's subject (or "by" agent) an attack noun ("airstrikes killed ...")?"""
        for child in verb.children:
            nouns = (
                [child]
                if child.dep_ == "nsubj"
                else [g for g in child.children if g.dep_ == "pobj"]
                if child.dep_ == "agent"
                else []
            )
            if any(self.lex.event_type(n.lemma_) == "attack" for n in nouns):
                return True
        return False

    def specific(self, ev: _Found) -> bool:
        """Can a mention without participants be kept: a named event, a definite or dated
        noun, a verb in the past; with a date or a place to pin it down."""
        head = ev.head
        if not (ev.date or ev.place):
            return False
        if head.pos_ == "PROPN":
            return True
        if head.pos_ == "NOUN":
            return any(c.lower_ == "the" or c.dep_ == "poss" or c.like_num for c in head.children)
        return head.tag_ in {"VBD", "VBN"}

    def label(self, ev: _Found) -> str:
        doc = ev.para.doc
        idx = ev.label_toks | {t.i for t in ev.trigger}
        lo, hi = min(idx), max(idx)
        if hi - lo <= 12:
            toks = [t for t in doc[lo : hi + 1]]
            while toks and toks[0].lower_ in DETERMINERS:
                toks = toks[1:]
            text = "".join(t.text_with_ws for t in toks).strip()
            return " ".join(text.split())
        return " ".join(t.text for t in ev.trigger)

    # --- all -----------------------------------------------------------------------------

    def find(self) -> list[Event]:
        events: list[Event] = []
        for para in self.paras:
            for kind, toks, phrase in self.triggers(para):
                options = self.lex.trigger_options.get(phrase, {})
                ev = _Found(
                    kind,
                    toks,
                    para,
                    all_participants="participant" in options.get("roles", ()),
                    sort=min(options.get("sort", {""})),
                )
                self.arguments(ev)
                if ev.head.tag_ == "VBG" and not ev.agents:
                    continue  # "attacking X" with no one doing it: habitual/generic
                self.place_and_date(ev)
                if not (ev.agents or ev.targets or ev.participants) and not self.specific(ev):
                    continue
                if ev.type == "killing" and not ev.targets and self.by_strike(ev.head):
                    ev.type = "attack"  # a strike that killed unnamed people is an attack
                self.merge_into(events, ev)
            for verb in self.announcements(para):
                said = _Found("statement", [verb], para)
                self.arguments(said)
                if said.agents:
                    self.place_and_date(said)
                    self.merge_into(events, said)
        events = merge_killings(events)
        for event in events:
            event.evidence.sort()
        return sorted(events, key=lambda e: (e.evidence[0], e.type, e.label))

    def merge_into(self, events: list[Event], ev: _Found) -> None:
        sent = ev.para.sent_span(ev.head.sent)
        args = (
            [EventArgument(k, "agent") for k in ev.agents]
            + [EventArgument(k, "target") for k in ev.targets]
            + [EventArgument(k, "participant") for k in ev.participants]
        )
        main = ev.targets[:1] or ev.participants[:1] or ev.agents[:1]
        for other in events:
            if other.type != ev.type:
                continue
            if (
                ev.type == "statement"
                and sent not in other.evidence
                and not (ev.lemma in self.lemmas.get(id(other), set()) and ev.agents)
            ):
                continue  # each reported speech act is its own event
            if ev.type == "other" and ev.lemma not in self.lemmas.get(id(other), set()):
                continue  # "other" lumps kinds together: a war is not a capture
            o_targets = [a.entity for a in other.arguments if a.role != "agent"]
            o_agents = [a.entity for a in other.arguments if a.role == "agent"]
            o_main = o_targets[:1] or o_agents[:1]
            if o_main != main:
                continue
            if not main and (ev.place != other.place or sent in other.evidence):
                continue  # unattributed mentions: one event per place (and sentence)
            if ev.agents and o_agents and not set(ev.agents) & set(o_agents):
                continue
            if ev.date and other.date and ev.date != other.date:
                continue
            for arg in args:
                if all(a.entity != arg.entity for a in other.arguments):
                    other.arguments.append(arg)
            if sent not in other.evidence:
                other.evidence.append(sent)
            other.date = other.date or ev.date
            other.place = other.place or ev.place
            other.confidence = min(0.95, other.confidence + 0.05)
            self.lemmas.setdefault(id(other), set()).add(ev.lemma)
            return
        if not args:
            confidence, rule = 0.5, "event/trigger-unattributed"
        else:
            confidence = 0.8 if len(args) > 1 else 0.7
            rule = "event/trigger-verb" if ev.head.pos_ == "VERB" else "event/trigger-noun"
        event = Event(
            ev.type, self.label(ev), args, [sent], confidence, rule, date=ev.date, place=ev.place
        )
        self.lemmas[id(event)] = {ev.lemma}
        events.append(event)


def own_subtree(head: Token) -> list[Token]:
    """The trigger's subtree without the clauses inside it that tell of other things
    ("Salah, who joined in 2017, signed on Friday": Friday, not 2017)."""
    found, stack = [], [head]
    while stack:
        tok = stack.pop()
        found.append(tok)
        stack.extend(c for c in tok.children if c.dep_ not in OTHER_CLAUSES)
    return sorted(found, key=lambda t: t.i)


def merge_killings(events: list[Event]) -> list[Event]:
    """A killing of X and, in the same article, an attack on X or X's death are one real
    event, mentioned several times: they join the killing (arguments and evidence)."""
    kept: list[Event] = []
    killings = [e for e in events if e.type == "killing"]
    for ev in events:
        if ev.type not in {"attack", "death"}:
            kept.append(ev)
            continue
        victims = {a.entity for a in ev.arguments if a.role != "agent"}
        same = [
            k for k in killings if victims & {a.entity for a in k.arguments if a.role == "target"}
        ]
        if len(same) != 1:
            kept.append(ev)
            continue
        killing = same[0]
        for arg in ev.arguments:
            if arg.role == "agent" and all(a.entity != arg.entity for a in killing.arguments):
                killing.arguments.append(arg)
        killing.evidence.extend(s for s in ev.evidence if s not in killing.evidence)
        killing.date = killing.date or ev.date
        killing.place = killing.place or ev.place
    return kept


def find_events(
    article: ArticleText,
    paras: list[Para],
    res: Resolution,
    pronouns: dict[tuple[int, int], str] | None = None,
) -> list[Event]:
    return EventFinder(article, paras, res, pronouns=pronouns).find()


__all__ = ["find_events", "Span"]
