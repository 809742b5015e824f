"""Where and when an event happened (part of :mod:`newskg.extraction.event_arguments`): the
place entity of an "in/at X" phrase under the trigger (or the place a "where" clause
describes, or where troops were sent), the date expression under it, whether a trigger
without arguments is a specific event, and whether unnamed deaths were an attack's."""

from __future__ import annotations

from spacy.tokens import Token

from newskg.extraction.dates import find_year, normalize
from newskg.extraction.event_parties import JOINING
from newskg.extraction.event_syntax import in_name, own_subtree
from newskg.extraction.event_triggers import SUPPORT_VERBS, FoundEvent, TriggerFinder

#: Prepositions whose date is not the event's ("since 2017", "until May").
NOT_THE_DATE = {"since", "until", "till", "before"}


def happened(verb: Token) -> bool:
    """Is the verb told in the past ("held", "was held", "has staged"), not as a habit or a
    plan ("is held every year", "will join")?"""
    if verb.pos_ not in {"VERB", "AUX"}:
        return False
    helpers = [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    if verb.tag_ == "VBD" and not helpers:
        return True
    return (
        verb.tag_ == "VBN"
        and any(c.tag_ == "VBD" or c.lemma_ == "have" for c in helpers)
        and not any(c.tag_ == "MD" for c in helpers)
    )


class PlaceFinder(TriggerFinder):
    """The trigger rules and the place, date and specificity rules."""

    def place_and_date(self, ev: FoundEvent) -> None:
        para, head = ev.para, ev.head
        args = set(ev.agents + ev.targets + ev.participants)
        subtree = own_subtree(head)
        if head.dep_ in {"dobj", "nsubjpass"} and head.head.lemma_.lower() in SUPPORT_VERBS:
            # "launched an attack on October 7", "a rally was held in X": the support verb's
            # places and dates are the event's
            support = head.head
            subtree += [
                t for c in support.children if c.dep_ == "prep" and c.i > head.i for t in c.subtree
            ]
        other: set[int] = set()
        if ev.type != "military deployment":
            # "agreed to build a plant in Texas": the place of the other action, not the
            # deal's (troops "sent to fight in X" were sent there)
            other = {t.i for c in head.children if c.dep_ == "xcomp" for t in c.subtree}
        for tok in subtree:
            if tok.i in other:
                continue
            if tok.dep_ == "pobj" and tok.head.lower_ in {"in", "at"}:
                key = self.res.key_at(para.index, tok, ("place",))
                if key and key not in args and ev.place is None:
                    ev.place = key
        if ev.place is None and ev.type == "military deployment":
            # "the army moved into the harbour area": where they were sent
            for prep in head.children:
                if prep.dep_ != "prep" or prep.lower_ not in {"to", "into"}:
                    continue
                for pobj in (g for g in prep.children if g.dep_ == "pobj"):
                    for tok in [pobj, *(c for c in pobj.children if c.dep_ == "compound")]:
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
        """Is the verb's subject (or "by" agent) an attack noun ("airstrikes killed ..."), or
        the subject of a clause it tells more of ("the blast was at the station, where six
        were killed")?"""
        node = verb
        for _ in range(6):  # up to the first clause above (through "where" and its noun)
            if node.pos_ in {"VERB", "AUX"}:
                if self.struck_by(node):
                    return True
                if node is not verb:
                    break
            if node.head.i == node.i:
                break
            node = node.head
        return False

    def struck_by(self, verb: Token) -> bool:
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
        counted = head.dep_ == "acl" and any(c.dep_ == "nummod" for c in head.head.children)
        if counted or any(c.dep_ == "prep" and c.lower_ == "since" for c in head.children):
            return False  # "the 300 people arrested in Paris", "jailed since 2001": a tally
        if head.pos_ == "NOUN":
            if any(c.lower_ == "the" or c.dep_ == "poss" or c.like_num for c in head.children):
                return True
            # "a protest was held in X", "joined a march in X": one that took place (not
            # "spoke to the press at an event in X": what was said there is the news)
            return (
                head.dep_ in {"dobj", "nsubjpass"}
                and head.head.lemma_.lower() in SUPPORT_VERBS | JOINING
                and happened(head.head)
            )
        return head.tag_ in {"VBD", "VBN"}
