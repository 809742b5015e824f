"""Who did what to whom, where and when (step two of :mod:`newskg.extraction.events`): the
agents, targets and participants of a trigger from the dependency parse, its place and date,
and whether a trigger without arguments is a specific event."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Token

from newskg.extraction.dates import find_year, normalize
from newskg.extraction.event_syntax import attending_verb, in_name, own_subtree
from newskg.extraction.event_triggers import FoundEvent, TriggerFinder, misread_is
from newskg.extraction.nlp import Para

PARTICIPANT_TYPES = {"meeting", "agreement", "protest", "election"}
#: Types whose one argument is who suffered it: the one who died is the death's target.
SUFFERED_TYPES = {"death"}
#: Types whose victims are people, not the organization their noun names ("Nine NLF
#: fighters were shot dead": the NLF is not the victim).
VICTIM_TYPES = {"killing", "death"}
#: Noun triggers whose possessor or modifier is who undergoes them when a person ("his
#: arrest", "Kelly's appointment"), and who does them when an organization ("an FBI arrest").
UNDERGONE_NOUN_TYPES = {"legal action", "appointment"}
OF_TARGET_TYPES = {"killing", "death", "funeral", "attack", "legal action", "appointment"}
#: Subjects that stand for someone else: the clause's governor ("it will withdraw").
STAND_INS = {"it", "they", "which", "who", "that"}
SPEECH_PREPS = {"in", "during"}
#: Events someone takes part in by being there ("spoke at the summit", "stood in the election",
#: "was promoted in the reshuffle")
#: and the prepositions that place a verb's subject in them.
ATTENDED_TYPES = {"meeting", "election", "appointment"}
ATTENDED_PREPS = {"in", "at", "during", "to"}
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
    "attend",
    "chair",
}
#: Prepositions whose date is not the event's ("since 2017", "until May").
NOT_THE_DATE = {"since", "until", "till", "before"}
#: Clause links along which a subject is shared with a verb that has none of its own.
SHARED_SUBJECT = {"xcomp", "advcl", "conj", "ccomp"}


class ArgumentFinder(TriggerFinder):
    """The trigger rules and the argument rules."""

    # --- arguments -----------------------------------------------------------------------

    def country_of(self, tok: Token) -> str | None:
        """The article's entity for a country adjective ("American" -> United States)."""
        n = self.lex.demonym_length([t.text for t in tok.doc[tok.i : tok.i + 3]])
        if n != 1:
            return None
        key = self.lex.demonyms.get((tok.lower_,))
        return key if key and key in self.res.kinds else None

    def add(
        self, ev: FoundEvent, role: str, para: Para, tok: Token, via: Sequence[Token] = ()
    ) -> None:
        if ev.type in SUFFERED_TYPES:
            role = "target"
        elif ev.type in PARTICIPANT_TYPES or ev.all_participants:
            role = "participant"
        found = self.entities(para, tok)
        if not found:
            key = self.country_of(tok)
            found = [(key, tok)] if key else []
        person = ev.type in UNDERGONE_NOUN_TYPES and (tok.lemma_.lower(),) in self.lex.roles
        if (
            not found
            and tok.pos_ == "NOUN"
            and (role == "agent" or (ev.type not in VICTIM_TYPES and not person))
        ):
            # "struck Hamas targets", "talks with a Hamas delegation", "the NLF's Porto
            # brigade detonated ...": the named owner (not when a person is what underwent it:
            # "a Bank of China manager was jailed" jails no bank)
            found = [
                kt
                for c in tok.children
                if c.dep_ in {"compound", "poss"} and not self.local_place(para, c)
                for kt in self.entities(para, c)
            ][:1]  # a city names where they are, not whose ("Gaza militants")
        if not found and tok.pos_ == "NOUN" and role == "agent":
            # "killed by rocket fire from the NLF": whose fire
            found = [
                kt
                for c in tok.children
                if c.dep_ == "prep" and c.lower_ == "from"
                for g in c.children
                if g.dep_ == "pobj"
                and self.res.kinds.get(self.res.key_at(para.index, g) or "")
                in {"organization", "place"}
                for kt in self.entities(para, g)
            ][:1]
        for key, _t in found:
            bucket = {"agent": ev.agents, "target": ev.targets, "participant": ev.participants}[
                role
            ]
            if key not in ev.agents + ev.targets + ev.participants:
                bucket.append(key)

    def local_place(self, para: Para, tok: Token) -> str | None:
        """The place a modifier names when it is a place but not a country: a city or a
        region modifying an event noun says where ("the Manchester bombing", "a London
        protest"); a country may act as a state ("a U.S. strike")."""
        key = self.res.key_at(para.index, tok, ("place",))
        if key is None or key in self.countries:
            return None
        return key

    def shared_subject(self, verb: Token) -> Token | None:
        """The subject of the clause a subjectless verb depends on ("X took steps to boost",
        "Britons are confirmed to have died"). A passive verb's subject is its own (its
        target), and a complement clause that has no subject of its own ("noted that charging
        papers ...") is a misparse, not a shared subject."""
        if any(c.dep_ == "nsubjpass" for c in verb.children):
            return None
        own = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if own is None and verb.dep_ == "ccomp":
            return None
        node = verb
        for _ in range(3):
            if node.dep_ not in SHARED_SUBJECT or node.head == node:
                return None
            link = node.dep_
            node = node.head
            if node.pos_ not in {"VERB", "AUX"}:
                return None
            deps = {"nsubj", "nsubjpass"} if link == "xcomp" else {"nsubj"}
            subject = next((c for c in node.children if c.dep_ in deps), None)
            if subject is not None:
                return subject
        return None

    def arguments(self, ev: FoundEvent) -> None:
        para, head = ev.para, ev.head
        for child in head.children:
            dep = child.dep_
            if head.pos_ == "VERB":
                if dep == "nsubj":
                    if self.entities(para, child) or self.lex.event_type(child.lemma_) is None:
                        self.add(ev, "agent", para, child)
                    else:
                        # "a U.S. drone strike killed X": the strike's owner is the agent
                        for grand in child.children:
                            if grand.dep_ in {"compound", "poss", "nmod", "amod"}:
                                self.add(ev, "agent", para, grand)
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
                    where = self.local_place(para, child)
                    if where is not None:  # "the Manchester bombing": where, not who
                        ev.place = ev.place or where
                        continue
                    has_of = any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children)
                    who = [self.res.kinds.get(k) for k, _ in self.entities(para, child)]
                    undergone = ev.type in {"killing", "death", "funeral"} or (
                        ev.type in UNDERGONE_NOUN_TYPES and who[:1] == ["actor"]
                    )
                    self.add(ev, "target" if undergone and not has_of else "agent", para, child)
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
                elif dep == "acl" and child.tag_ == "VBN":
                    # "a referendum organised by X", "the attack carried out by X"
                    for by in child.children:
                        if by.dep_ == "agent":
                            for pobj in by.children:
                                self.add(ev, "agent", para, pobj, [child, by])
                elif (
                    dep == "prep"
                    and child.lower_ in {"for", "with", "between", "of"}
                    and (ev.type in PARTICIPANT_TYPES or ev.all_participants)
                ):
                    for pobj in child.children:
                        self.add(ev, "participant", para, pobj, [child])
        if head.pos_ == "VERB" and head.dep_ == "acl" and head.tag_ == "VBN" and not ev.targets:
            self.add(ev, "target", para, head.head)  # "the four men freed last month"
        if ev.agents:
            return
        if head.pos_ == "VERB":
            own = next((c for c in head.children if c.dep_ == "nsubj"), None)
            if own is None or (own.lower_ in STAND_INS and not self.entities(para, own)):
                subject = self.shared_subject(head)
                if subject is not None:
                    self.add(ev, "agent", para, subject)
        elif head.dep_ == "attr" and misread_is(head.head):
            self.add(ev, "agent", para, head.head)  # "IS attacks", misread "is attacks"
        elif head.dep_ == "dobj" and head.head.lemma_.lower() in SUPPORT_VERBS:
            # "Hamas launched an attack on Israel", "X held talks with Y": the doer (also of
            # a verb sharing its clause's subject: "X took charge, chairing a meeting")
            subject = next((c for c in head.head.children if c.dep_ == "nsubj"), None)
            if subject is None:
                subject = self.shared_subject(head.head)
            if subject is None and head.head.dep_ == "acl":
                # "the NLF's decision to carry out the bombings": whose decision
                subject = next((c for c in head.head.head.children if c.dep_ == "poss"), None)
            if subject is not None:
                self.add(ev, "agent", para, subject)
        elif (
            ev.type in ATTENDED_TYPES
            and head.dep_ == "pobj"
            and head.head.lower_ in ATTENDED_PREPS
            and attending_verb(head.head).pos_ in {"VERB", "AUX"}
            and not (
                attending_verb(head.head).lemma_ == "be"
                and any(c.dep_ == "neg" for c in attending_verb(head.head).children)
            )
        ):  # (not who "was not at the meeting"; who "did not mention it during" it was there)
            # "X spoke at the summit", "X stood as a candidate in the election", "X has been
            # in talks": who took part
            verb = attending_verb(head.head)
            subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            subject = subject if subject is not None else self.shared_subject(verb)
            if subject is not None:
                self.add(ev, "participant", para, subject)
        elif self.claimed(head):
            # "the NLF accepted responsibility for the blasts": who did it
            verb = head.head.head.head
            subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
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

    def place_and_date(self, ev: FoundEvent) -> None:
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
        if ev.place is None and head.dep_ == "relcl" and self.relative_where(head):
            # "Yemen, where ...", "the Kelford disaster in which 31 died"
            described = head.head
            for tok in [described, *(c for c in described.children if c.dep_ == "compound")]:
                key = self.res.key_at(para.index, tok, ("place",))
                if key and key not in args:
                    ev.place = key
                    break
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
            if prev in NOT_THE_DATE:
                continue  # "the first death since 2017": 2017 is another event's date
            if in_name(ent[0]):
                continue  # "the Black Tuesday bombings": a day name inside a name
            value = normalize(f"{prev} {ent.text}" if prev in {"in", "on"} else ent.text, ref)
            if value:
                ev.date = value
                return
        for tok in head.children:  # "the 2015 nuclear agreement"
            if tok.like_num and tok.i < head.i:
                ev.date = find_year(tok.text)

    @staticmethod
    def relative_where(head: Token) -> bool:
        """Does the relative clause say where: "where ...", "in which ...", "at which ..."?"""
        return any(
            c.lower_ == "where"
            or (
                c.dep_ == "prep"
                and c.lower_ in {"in", "at"}
                and any(g.lower_ == "which" for g in c.children)
            )
            for c in head.children
        )

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

    def specific(self, ev: FoundEvent) -> bool:
        """Can a mention without participants be kept: a named event with a date or a place
        ("the 1998 Harvest Revolution"); a definite or dated noun or a verb in the past with
        a place to pin it down (a date alone does not: "the May 22 bombing" without who or
        where is rarely a fact a reader can use)."""
        head = ev.head
        if head.pos_ == "PROPN":
            return bool(ev.place or ev.date)
        if not ev.place:
            return False
        if head.pos_ == "NOUN":
            return any(c.lower_ == "the" or c.dep_ == "poss" or c.like_num for c in head.children)
        return head.tag_ in {"VBD", "VBN"}
