"""Who did what to whom (step two of :mod:`newskg.extraction.events`): the agents, targets and
participants of a trigger from the dependency parse; where and when, and whether a trigger
without arguments is a specific event, are :mod:`newskg.extraction.event_places`."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Token

from newskg.extraction.event_parties import (
    agreed_noun_parties,
    deal_parties,
    joined,
    organised,
    stood_for,
)
from newskg.extraction.event_places import PlaceFinder
from newskg.extraction.event_syntax import (
    attending_verb,
    bare_participle,
    dateline,
    misread_is,
    shared_subject,
    understood_subject,
)
from newskg.extraction.event_table import types_with, words_of
from newskg.extraction.event_triggers import SUPPORT_VERBS, VIOLENCE, FoundEvent
from newskg.extraction.nlp import Para

# The event types each argument rule applies to: ``event_roles.tsv`` says what each pattern
# means and why each type has it.
PARTICIPANT_TYPES = types_with("participants")
#: Types whose one argument is who suffered it: the one who died is the death's target.
SUFFERED_TYPES = types_with("suffered")
#: Types whose victims are people, not the organization their noun names.
VICTIM_TYPES = types_with("victims")
#: Noun triggers whose possessor or modifier undergoes them when a person ("his arrest").
UNDERGONE_NOUN_TYPES = types_with("undergone-noun")
#: Types whose possessor or modifier always undergoes them ("Okafor's death").
POSSESSED_TYPES = types_with("possessed")
OF_TARGET_TYPES = types_with("of-target")
#: Types whose noun's "on X" phrase is what they are about ("a referendum on the constitution").
TOPIC_TYPES = types_with("topic-on")
#: Types whose object (what is sent) is the doer, with its owner ("sent HMS X").
SENT_TYPES = types_with("sent-is-doer")
#: Types whose trigger verb's clause names what the deal is about ("agreed to buy X").
DEAL_TYPES = types_with("deal-clause")
#: Types whose organiser is their agent, not one more participant ("a referendum organised
#: by X"), and the participles that name the organiser.
ORGANISED_TYPES = types_with("organised")
ORGANISING = words_of("organising")
#: Subjects that stand for someone else: the clause's governor ("it will withdraw").
STAND_INS = {"it", "they", "which", "who", "that"}
SPEECH_PREPS = {"in", "during"}
#: Events someone takes part in by being there ("spoke at the summit", "stood in the election",
#: "was promoted in the reshuffle")
#: and the prepositions that place a verb's subject in them.
ATTENDED_TYPES = types_with("attended")
ATTENDED_PREPS = {"in", "at", "during", "to"}
#: Participles by which a group names whoever heads it ("the government, led by X").
LEADING = words_of("leading")


class ArgumentFinder(PlaceFinder):
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
        if dateline(tok):
            return  # "KELFORD — A man pleaded ...": where the story was filed
        organiser = ev.type in ORGANISED_TYPES and any(v.lemma_.lower() in ORGANISING for v in via)
        if ev.type in SUFFERED_TYPES or (ev.undergone and role == "agent"):
            role = "target"
        elif ev.type in SENT_TYPES and role == "target":
            role = "agent"  # the troops or ships sent are the deploying force
        elif (ev.type in PARTICIPANT_TYPES or ev.all_participants) and not organiser:
            # (who organised a vote is its agent: "a referendum organised by X")
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
                if c.dep_ in {"compound", "poss"} and not self.only_where(para, c, tok)
                for kt in self.entities(para, c)
            ][:1]  # a city names where they are, not whose ("Gaza militants")
            if not found and role == "target" and self.names_the_event(ev, tok):
                # "quashed the sentences of X": the object names this very event, and its
                # "of" phrase whom it was done to
                found = [
                    kt
                    for c in tok.children
                    if c.dep_ == "prep" and c.lower_ in {"of", "on", "against"}
                    for g in c.children
                    if g.dep_ == "pobj"
                    for kt in self.entities(para, g)
                ]
        if not found and tok.tag_ == "NNS" and role == "agent" and ev.type != "statement":
            # "Ruritanian jets bombed the port": the country (when the article names it)
            # acting through its forces or authorities, never one person ("the American
            # legend announced") nor what people of a country say
            found = [
                (k, c) for c in tok.children if c.dep_ == "amod" for k in [self.country_of(c)] if k
            ][:1]
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
        if ev.type in SENT_TYPES and tok.pos_ == "NOUN":
            # "a Royal Navy frigate, the Dauntless, was sent": the navy deploys it
            found += [
                kt
                for c in tok.children
                if c.dep_ in {"compound", "poss"} and not self.local_place(para, c)
                for kt in self.entities(para, c)
            ]
        # "the government, led by the Congress Party": who leads it takes part too
        found += [kt for led in self.leaders(tok) for kt in self.entities(para, led)]
        for key, _t in found:
            bucket = {"agent": ev.agents, "target": ev.targets, "participant": ev.participants}[
                role
            ]
            if key not in ev.agents + ev.targets + ev.participants:
                bucket.append(key)

    def names_the_event(self, ev: FoundEvent, noun: Token) -> bool:
        """Is the object noun the event itself: a trigger of its type ("overturned the
        sentence") or an object its trigger asks for ("quashed the convictions")?"""
        phrase = tuple(t.lemma_.lower() for t in ev.trigger)
        wanted = self.lex.trigger_options.get(phrase, {}).get("obj", frozenset())
        lemma = noun.lemma_.lower()
        return self.lex.event_type(lemma) == ev.type or lemma in wanted

    def attack_owners(self, para: Para, noun: Token) -> list[Token]:
        """Who owns an attack noun: "IS attacks" (read "is attacks"), "Israeli airstrikes",
        "the army's shelling"; not a city, which says where ("a Las Vegas shooting");
        nothing when the noun is no attack."""
        if misread_is(noun) and any(
            c.dep_ == "attr" and self.lex.event_type(c.lemma_) == "attack" for c in noun.children
        ):
            return [noun]
        if self.lex.event_type(noun.lemma_) != "attack":
            return []
        return [
            c
            for c in noun.children
            if c.dep_ in {"poss", "compound", "amod"}
            and c.i < noun.i
            and not self.local_place(para, c)
        ]

    @staticmethod
    def leaders(tok: Token) -> list[Token]:
        """Who a noun is "led by" ("the coalition led by X", "forces led by X")."""
        return [
            pobj
            for acl in tok.children
            if acl.dep_ == "acl" and acl.tag_ == "VBN" and acl.lemma_.lower() in LEADING
            for by in acl.children
            if by.dep_ == "agent"
            for pobj in by.children
            if pobj.dep_ == "pobj"
        ]

    def only_where(self, para: Para, modifier: Token, noun: Token) -> bool:
        """Does a place modifying a noun only say where ("Gaza militants"), not whose? A
        state body of a place is the place acting ("the Gibraltar government")."""
        if (noun.lemma_.lower(),) in self.lex.state_bodies:
            return False
        return self.local_place(para, modifier) is not None

    def local_place(self, para: Para, tok: Token) -> str | None:
        """The place a modifier names when it is a place but not a country: a city or a
        region modifying an event noun says where ("the Manchester bombing", "a London
        protest"); a country may act as a state ("a U.S. strike")."""
        key = self.res.key_at(para.index, tok, ("place",))
        if key is None or key in self.countries:
            return None
        return key

    def verb_place(self, para: Para, verb: Token) -> str | None:
        """The place of an "in X" phrase of a verb (or of the noun it names: "in the Kelford
        seat")."""
        for prep in verb.children:
            if prep.dep_ != "prep" or prep.lower_ != "in":
                continue
            for pobj in (g for g in prep.children if g.dep_ == "pobj"):
                for tok in [pobj, *(c for c in pobj.children if c.dep_ == "compound")]:
                    key = self.res.key_at(para.index, tok, ("place",))
                    if key:
                        return key
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
                elif dep in {"ccomp", "oprd"} and child.pos_ == "ADJ":
                    for subj in child.children:  # "found X guilty": X is who it was done to
                        if subj.dep_ == "nsubj":
                            self.add(ev, "target", para, subj, [child])
                elif dep == "prep" and (
                    child.lower_ in {"on", "against"}
                    or (child.lower_ == "at" and ev.type == "attack")
                ):
                    for pobj in child.children:
                        self.add(ev, "target", para, pobj, [child])
                elif dep == "prep" and child.lower_ == "with":
                    for pobj in child.children:
                        self.add(ev, "participant", para, pobj, [child])
                elif dep == "prep" and child.lower_ == "in" and ev.type in VIOLENCE:
                    for pobj in child.children:  # "killed in IS attacks": whose attacks
                        for owner in self.attack_owners(para, pobj):
                            self.add(ev, "agent", para, owner, [child])
                elif dep == "xcomp" and self.lex.event_type(child.lemma_) in {ev.type, None}:
                    if self.lex.event_type(child.lemma_) == ev.type:
                        for obj in child.children:  # "agreed to acquire X"
                            if obj.dep_ == "dobj":
                                self.add(ev, "target", para, obj, [child])
                                for app in obj.children:
                                    if app.dep_ in {"appos", "compound"}:
                                        self.add(ev, "target", para, app, [child])
                    if ev.type in DEAL_TYPES and child.pos_ == "VERB":
                        # "agreed to buy 33% of X from Y": what and whom the deal is about
                        for party in deal_parties(child):
                            self.add(ev, "target", para, party, [child])
                elif dep == "prep" and child.lower_ == "to" and ev.type in DEAL_TYPES:
                    for party in agreed_noun_parties(child):  # "agreed to a takeover by X"
                        self.add(ev, "participant", para, party, [child])
            else:
                if dep == "poss" or (dep in {"compound", "nmod", "amod"} and child.i < head.i):
                    where = self.local_place(para, child)
                    if where is not None:  # "the Manchester bombing": where, not who
                        ev.place = ev.place or where
                        continue
                    has_of = any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children)
                    who = [self.res.kinds.get(k) for k, _ in self.entities(para, child)]
                    undergone = ev.type in POSSESSED_TYPES or (
                        ev.type in UNDERGONE_NOUN_TYPES and who[:1] == ["actor"] and not ev.brought
                    )
                    self.add(ev, "target" if undergone and not has_of else "agent", para, child)
                elif dep == "prep" and (
                    child.lower_ == "against"
                    or (child.lower_ == "on" and ev.type not in TOPIC_TYPES)
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
        understood = understood_subject(head) if head.pos_ == "VERB" else None
        if understood is not None and not ev.targets:
            self.add(ev, "target", para, understood)  # "X was jailed after being convicted"
        if (
            head.pos_ != "VERB"
            and head.dep_ == "dobj"
            and head.head.lemma_.lower() in SUPPORT_VERBS
        ):
            # "launched air strikes on Gaza", "held talks on Monday with X": the parser
            # hangs the noun's phrases from the support verb
            for prep in head.head.children:
                if prep.dep_ != "prep" or prep.i < head.i:
                    continue
                if prep.lower_ == "against" or (prep.lower_ == "on" and ev.type in VIOLENCE):
                    for pobj in prep.children:
                        self.add(ev, "target", para, pobj, [prep])
                elif prep.lower_ == "with" and (
                    ev.type in PARTICIPANT_TYPES or ev.all_participants
                ):
                    for pobj in prep.children:
                        self.add(ev, "participant", para, pobj, [prep])
        if ev.agents and not (ev.type in ORGANISED_TYPES and organised(head, ORGANISING)):
            return  # (who votes in a vote someone organised takes part: looked for below)
        if head.pos_ == "VERB":
            own = next((c for c in head.children if c.dep_ == "nsubj"), None)
            if own is None or (own.lower_ in STAND_INS and not self.entities(para, own)):
                subject = shared_subject(head)
                if subject is not None:  # "X appeared in court charged with fraud": X was
                    self.add(ev, "target" if bare_participle(head) else "agent", para, subject)
        elif head.dep_ == "attr" and misread_is(head.head):
            self.add(ev, "agent", para, head.head)  # "IS attacks", misread "is attacks"
        elif head.dep_ == "dobj" and head.head.lemma_.lower() in SUPPORT_VERBS:
            # "Hamas launched an attack on Israel", "X held talks with Y": the doer (also of
            # a verb sharing its clause's subject: "X took charge, chairing a meeting")
            subject = next((c for c in head.head.children if c.dep_ == "nsubj"), None)
            if subject is None:
                subject = shared_subject(head.head)
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
            subject = subject if subject is not None else shared_subject(verb)
            if subject is not None:  # an appointee got the post: the target
                role = "target" if ev.type in UNDERGONE_NOUN_TYPES else "participant"
                self.add(ev, role, para, subject)
                # "stood as a Liberal candidate in the election": the party stood for;
                # "entered the cabinet in the reshuffle": the body joined
                for party, kinds in [(t, {"organization"}) for t in stood_for(head.head)] + [
                    (t, {"organization", "place"}) for t in joined(verb)
                ]:
                    if any(self.res.kinds.get(k) in kinds for k, _ in self.entities(para, party)):
                        self.add(ev, "participant", para, party)
                # "stood in the Kelford seat at the election": where they took part in it
                ev.place = ev.place or self.verb_place(para, verb)
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
