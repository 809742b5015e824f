"""Who did what to whom, where and when (step two of :mod:`newskg.extraction.events`): the
agents, targets and participants of a trigger from the dependency parse, its place and date,
and whether a trigger without arguments is a specific event."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Token

from newskg.extraction.dates import find_year, normalize
from newskg.extraction.event_triggers import FoundEvent, TriggerFinder
from newskg.extraction.nlp import Para

PARTICIPANT_TYPES = {"death", "meeting", "agreement", "protest", "election"}
OF_TARGET_TYPES = {"killing", "death", "funeral", "attack", "legal action", "appointment"}
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those"}
#: Subjects that stand for someone else: the clause's governor ("it will withdraw").
STAND_INS = {"it", "they", "which", "who", "that"}
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
#: Clauses under a trigger that speak of something else: their dates and places are theirs.
#: (Adverbial clauses stay: "killed X after he landed in Baghdad late Thursday" dates both.)
OTHER_CLAUSES = {"relcl", "ccomp", "parataxis"}
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

    def mention_toks(self, para: Para, tok: Token) -> set[int]:
        m = self.res.mention_at(para.index, tok.i)
        return set(range(m.start, m.end)) if m else {tok.i}

    def add(
        self, ev: FoundEvent, role: str, para: Para, tok: Token, via: Sequence[Token] = ()
    ) -> None:
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

    def arguments(self, ev: FoundEvent) -> None:
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

    def specific(self, ev: FoundEvent) -> bool:
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

    def label(self, ev: FoundEvent) -> str:
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


def own_subtree(head: Token) -> list[Token]:
    """The trigger's subtree without the clauses inside it that tell of other things
    ("Salah, who joined in 2017, signed on Friday": Friday, not 2017)."""
    found, stack = [], [head]
    while stack:
        tok = stack.pop()
        found.append(tok)
        stack.extend(c for c in tok.children if c.dep_ not in OTHER_CLAUSES)
    return sorted(found, key=lambda t: t.i)
