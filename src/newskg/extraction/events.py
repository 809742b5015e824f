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
  Revolution", a definite noun, a verb in the past) with a place ("the drone strike in
  Kestrel"; a date alone does not pin down an event nobody is named in);
* a verb of killing with no killer named is a death ("X was killed in a firefight"), a
  strike that killed unnamed people an attack;
* the ``pos=`` option of a trigger holds ("bomb" the verb, not the device).

The label is composed from the structure (:mod:`newskg.extraction.event_labels`: "Attack by
Hamas on Israel in Gaza, 2023-10-07"); the sentences stay the evidence.

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

Mentions of the same type that share someone, and name no different victims, agents, places
or dates, merge into one event with several evidence sentences ("Hamas attacked Israel" and
"the attack by Hamas"); unattributed mentions merge by place; a statement merges with another
only in the same sentence or when the same agent makes it with the same word (one speech act
mentioned twice), an "other" event only with one of the same sort (the trigger's ``sort=``
option, else the same word).
"""

from __future__ import annotations

from newskg.extraction import rules
from newskg.extraction.entities import Resolution
from newskg.extraction.event_arguments import DEAL_TYPES, ArgumentFinder
from newskg.extraction.event_contest import article_parties, contest_parties, time_frame
from newskg.extraction.event_courts import COURT_TYPES, courts_of, in_state, is_court
from newskg.extraction.event_labels import compose
from newskg.extraction.event_parties import (
    deal_noun_parties,
    relative_doers,
    reported_deal_party,
    where_doers,
)
from newskg.extraction.event_syntax import inverted_subject, listed_undergoers
from newskg.extraction.event_table import types_with
from newskg.extraction.event_triggers import SUPPORT_VERBS, FoundEvent
from newskg.extraction.model import ArticleText, Event, EventArgument, Span
from newskg.extraction.nlp import Para
from newskg.extraction.role_data import role_data
from newskg.extraction.role_orgs import main_country

#: Types whose "where" clause names who took part ("the summit, where X spoke").
GATHERED = types_with("attended") & types_with("participants")


class EventFinder(ArgumentFinder):
    """Every event of one article: triggers, their arguments, and mentions of one event merged."""

    #: the organizations the article shows to be parties (found when first asked for)
    parties: frozenset[str] | None = None
    #: id(Event) of elections whose parties were found around the word, not in its phrase
    around: set[int]

    # --- all -----------------------------------------------------------------------------

    def find(self) -> list[Event]:
        self.around = set()
        events: list[Event] = []
        for para in self.paras:
            for kind, toks, phrase in self.triggers(para):
                options = self.lex.trigger_options.get(phrase, {})
                ev = FoundEvent(
                    kind,
                    toks,
                    para,
                    all_participants="participant" in options.get("roles", ()),
                    undergone="undergoer" in options.get("roles", ()),
                    brought="bringer" in options.get("roles", ()),
                    sort=min(options.get("sort", {""})),
                    weight=self.lex.trigger_confidence.get(phrase, 1.0),
                )
                self.arguments(ev)
                self.clause_parties(ev)
                inverted = inverted_subject(ev.head)
                if inverted is not None:  # "also arrested were X and Y"
                    self.add(ev, "target", para, inverted)
                if ev.type in COURT_TYPES:
                    self.court_agents(ev)
                if ev.type == "election":
                    self.country_of_vote(ev)
                if ev.type == "election" and not (ev.agents or ev.targets or ev.participants):
                    self.contestants(ev, options)
                person = options.get("person")
                if person and any(self.res.kinds.get(k) == "actor" for k in ev.targets):
                    ev.type = min(person)  # "Tom Vail was captured": an arrest, not a conquest
                if ev.head.tag_ == "VBG" and not ev.agents:
                    continue  # "attacking X" with no one doing it: habitual/generic
                self.place_and_date(ev)
                if not (ev.agents or ev.targets or ev.participants) and not self.specific(ev):
                    continue
                if ev.type == "killing" and not ev.agents and not options.get("unnamed"):
                    if not ev.targets and self.by_strike(ev.head):
                        ev.type = "attack"  # a strike that killed unnamed people is an attack
                    else:
                        ev.type = "death"  # "X was killed": no killer named, a death
                self.merge_into(events, ev)
            for verb in self.announcements(para):
                said = FoundEvent("statement", [verb], para)
                self.arguments(said)
                if said.agents:
                    self.place_and_date(said)
                    self.merge_into(events, said)
        events = merge_unattributed(merge_killings(events), self.res.kinds, self.definite)
        names = {e.key: e.label for e in self.res.entities}
        for event in events:
            event.evidence.sort()
            sort = min(self.lemmas.get(id(event), {""}))
            event.label = compose(event.type, sort, event.arguments, names, event.place, event.date)
        return sorted(events, key=lambda e: (e.evidence[0], e.type, e.label))

    def clause_parties(self, ev: FoundEvent) -> None:
        """Who a trigger's own clauses name: whom "those charged" are ("those charged
        included X"); for a noun, the doer of a relative clause about it
        ("the poll, which X won"); for a deal, the one making it known ("X announced a deal")
        and the parties of what it is for ("a deal to buy a stake in Y")."""
        head, para = ev.head, ev.para
        for named in listed_undergoers(head):  # "those charged included X": X was charged
            self.add(ev, "target", para, named)
        if head.pos_ not in {"NOUN", "PROPN"}:
            return
        for doer in relative_doers(head, SUPPORT_VERBS):
            self.add(ev, "agent", para, doer)
        if ev.type in GATHERED:
            for there in where_doers(head):  # "the summit, where X spoke": X took part
                self.add(ev, "participant", para, there)
        if ev.type not in DEAL_TYPES:
            return
        party = reported_deal_party(head)
        if party is not None:
            self.add(ev, "agent", para, party)
        for party in deal_noun_parties(head):
            self.add(ev, "target", para, party)

    def court_agents(self, ev: FoundEvent) -> None:
        """A court the trigger's "at/in/before" phrase names tries the case: its agent; who
        is "on trial" or "under arrest" is its target
        (:mod:`newskg.extraction.event_courts`)."""
        for held in in_state(ev.head):
            # someone named (a person or a body): no place is tried or held
            if any(self.res.kinds.get(k) != "place" for k, _ in self.entities(ev.para, held)):
                self.add(ev, "target", ev.para, held)
        labels = {e.key: e.label for e in self.res.entities}
        courts = courts_of(ev.para, ev.head, self.entities, labels, self.res.kinds)
        if ev.head.pos_ == "NOUN":
            # "the judgement of the High Court": a court the "of" phrase names decides (one
            # taken to law is what a verb acts on)
            courts += [k for k in ev.targets if is_court(labels.get(k, ""), self.res.kinds.get(k))]
        for key in courts:
            for others in (ev.participants, ev.targets):
                if key in others:
                    others.remove(key)
            if key not in ev.agents:
                ev.agents.append(key)

    def country_of_vote(self, ev: FoundEvent) -> None:
        """ "The Ostland presidential election": the country modifying the word is where the
        vote is held (its place), not a contestant; a referendum's country is who holds it
        (its agent, as "the Gibraltar referendum"), so that stays."""
        if ev.head.lemma_.lower() != "election" or ev.place:
            return
        for mod in ev.head.children:
            if mod.dep_ not in {"compound", "nmod", "amod"} or mod.i > ev.head.i:
                continue
            found = self.entities(ev.para, mod) or [(k, mod) for k in [self.country_of(mod)] if k]
            for key, _tok in found:
                if key in ev.participants and self.res.kinds.get(key) == "place":
                    # (it stays a participant too: a vote named by its country alone would
                    # otherwise pass for another vote of the article told without a name)
                    ev.place = key
                    return

    def contestants(self, ev: FoundEvent, options: dict[str, frozenset[str]]) -> None:
        """An election whose clause names no one: the parties its sentence or paragraph
        names contest it (:mod:`newskg.extraction.event_contest`), unless it is only a time
        frame ("after the election")."""
        if time_frame(ev.head):
            return
        if self.parties is None:
            self.parties = article_parties(self.paras, self.res)
        for key in contest_parties(ev.para, ev.head, self.res, self.parties):
            ev.participants.append(key)
            ev.around = True
        if ev.participants or "agent" not in options.get("home", ()):
            return
        if not any(c.lower_ == "the" or c.dep_ == "poss" for c in ev.head.children):
            return  # "a referendum is planned": one proposed, not the country's known vote
        home = main_country(self.res, self.lex, role_data(), self.paras, ev.para.index)
        if home is not None:  # "the referendum" in news of one country: its vote
            ev.agents.append(home)

    def merge_into(self, events: list[Event], ev: FoundEvent) -> None:
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
            if (ev.around or id(other) in self.around) and ev.date != other.date:
                continue  # the parties of "the 2001 election" stand in the next one too
            o_targets = [a.entity for a in other.arguments if a.role != "agent"]
            o_agents = [a.entity for a in other.arguments if a.role == "agent"]
            o_main = o_targets[:1] or o_agents[:1]
            if main and o_main != main:
                # "Hamas attacked" and "the attack by Hamas on Israel": one event when they
                # share someone, name no different victims and no different places
                own = ev.targets + ev.participants
                if not set(ev.agents + own) & set(o_agents + o_targets):
                    continue
                if own and o_targets and not set(own) & set(o_targets):
                    continue
                if ev.place and other.place and ev.place != other.place:
                    continue
            elif o_main != main:
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
            # told again: surer, by the adjustments of rules.tsv
            raised = other.confidence + rules.confidence("event/another-mention")
            other.confidence = min(rules.confidence("event/mention-ceiling"), raised)
            self.lemmas.setdefault(id(other), set()).add(ev.lemma)
            return
        verb = ev.head.pos_ == "VERB"
        if not args:
            rule = "event/trigger-unattributed"
        elif len(args) == 1:
            rule = "event/trigger-verb-one-argument" if verb else "event/trigger-noun-one-argument"
        else:
            rule = "event/trigger-verb" if verb else "event/trigger-noun"
        if ev.around:
            rule = "event/election-parties-around"  # the parties were found nearby
        confidence = rules.confidence(rule)  # the rule's row of rules.tsv
        event = Event(
            ev.type, ev.lemma, args, [sent], confidence, rule, date=ev.date, place=ev.place
        )
        # the rule's confidence, times how often the trigger word is an event of its type
        event.confidence = round(event.confidence * ev.weight, 3)
        self.lemmas[id(event)] = {ev.lemma}
        if ev.around:
            self.around.add(id(event))
        if not args and any(c.dep_ == "det" and c.lower_ == "the" for c in ev.head.children):
            self.definite.add(id(event))  # "the Whitehall meeting": one told before
        events.append(event)


def merge_unattributed(
    events: list[Event], kinds: dict[str, str], definite: set[int] | None = None
) -> list[Event]:
    """A mention naming no one ("a colonel was shot dead in Peru") of a type the article
    reports once with someone named ("Okafor died") is that event told again: it joins it
    (evidence, place, date) when their places and dates do not differ (the places of the named
    event are its place and the places among its arguments: "the attack on Israel" is not "the
    strike in Jordan"). Named events of the type that differ in place or date are other
    events ("the Geneva talks" are not "the summit in Brussels"): with two or
    more that fit, or unnamed ones in different places, which one it is cannot be told: it
    stays on its own, unless it was told as one already known (``definite``: "Marsh was not
    at the Whitehall meeting"), which is the last of them told before it."""
    kept: list[Event] = []
    for ev in events:
        if ev.arguments or ev.type in {"statement", "other"}:
            kept.append(ev)
            continue
        places = {e.place for e in events if e.type == ev.type and not e.arguments}
        named = [
            e
            for e in events
            if e.type == ev.type and e.arguments and fits(ev, e, kinds) and e is not ev
        ]
        if len(named) > 1 and id(ev) in (definite or set()):
            named = [e for e in named if e.evidence[0] < ev.evidence[0]][-1:]
        if len(named) != 1 or len(places) > 1:
            kept.append(ev)
            continue
        one = named[0]
        one.evidence.extend(s for s in ev.evidence if s not in one.evidence)
        one.place = one.place or ev.place
        one.date = one.date or ev.date
    return kept


def fits(ev: Event, one: Event, kinds: dict[str, str]) -> bool:
    """Can the unattributed mention ``ev`` be the named event ``one`` told again: their
    places (``one``'s place and the places among its arguments) and dates do not differ."""
    wheres = {one.place} | {a.entity for a in one.arguments if kinds.get(a.entity) == "place"}
    return not (
        (ev.place and wheres - {None} and ev.place not in wheres)
        or (ev.date and one.date and ev.date != one.date)
    )


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
