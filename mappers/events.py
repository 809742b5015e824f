"""Events of the closed types from trigger words (``mappers/data/event_triggers.tsv``).

Precision first. A trigger becomes an event only when:

* it is in a body sentence, outside quotes (what a speaker claims is a statement, not a fact);
* it is not hypothetical, negated, future or generic: no blocker (``event_blockers.txt``:
  "threatening an attack", "to prevent", "could", "without") governs it, no negation, and a
  plural noun trigger ("attacks") is generic unless the trigger itself is plural ("talks");
* the dependency parse gives it at least one resolved entity as agent, target or participant.

Arguments: subject -> agent, object / passive subject / "on|against X" -> target, "by X" ->
agent; for nouns, "X's attack" and "X attack" -> agent, "killing of X" -> target; for death,
funeral, meeting, agreement, protest and election, everyone is a participant. When the subject
is itself a trigger noun ("a U.S. drone strike killed X"), its compound/possessive names the
agent. Place = a place entity in an "in/at X" phrase under the trigger; date = a DATE/TIME
expression under the trigger, resolved against the article's reference date.

Mentions of the same type sharing the main argument (target, else agent) merge into one event
with several evidence sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from mappers.dates import find_year, normalize
from mappers.entities import Resolution, in_quotes
from mappers.lexicon import Lexicon, lexicon
from mappers.model import ArticleText, Event, EventArgument, Span
from mappers.nlp import Para

PARTICIPANT_TYPES = {"death", "meeting", "agreement", "protest", "election"}
OF_TARGET_TYPES = {"killing", "death", "funeral", "attack", "legal action", "appointment"}
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those"}
ARG_KINDS = ("actor", "organization", "place")


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

    @property
    def head(self) -> Token:
        first = self.trigger[0]
        return first if first.pos_ == "VERB" else self.trigger[-1]


class EventFinder:
    def __init__(self, article: ArticleText, paras: list[Para], res: Resolution,
                 lex: Lexicon | None = None,
                 pronouns: dict[tuple[int, int], str] | None = None) -> None:
        self.pronouns = pronouns or {}
        self.article = article
        self.paras = paras
        self.res = res
        self.lex = lexicon() if lex is None else lex
        # trigger phrases by first word, longest first (the lexicon's order)
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for phrase, kind in self.lex.triggers.items():
            self.by_first.setdefault(phrase[0], []).append((phrase, kind))

    # --- triggers ------------------------------------------------------------------------

    def triggers(self, para: Para) -> list[tuple[str, list[Token]]]:
        doc = para.doc
        quoted = in_quotes(para)
        found = []
        i = 0
        while i < len(doc):
            hit = None
            first = {doc[i].lemma_.lower(), doc[i].lower_}
            for phrase, kind in self.by_first.get(doc[i].lower_, []) + [
                    c for c in self.by_first.get(doc[i].lemma_.lower(), [])
                    if doc[i].lemma_.lower() != doc[i].lower_]:
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
            kind, toks, phrase = hit
            i += len(toks)
            head = toks[0] if toks[0].pos_ == "VERB" else toks[-1]
            where = para.tok_span(head)
            if any(q.contains(where) for q in quoted):
                continue
            if head.pos_ not in {"VERB", "NOUN"}:
                continue
            if head.tag_ == "NNS" and tuple(t.lower_ for t in toks) not in self.lex.triggers:
                continue  # generic plural ("attacks on American targets")
            if self.blocked(head):
                continue
            gov = head.head
            if (head.dep_ == "xcomp" and gov.pos_ == "VERB"
                    and self.lex.event_type(gov.lemma_) == kind):
                continue  # "agreed to acquire X": one event, the governing trigger's
            found.append((kind, toks))
        return found

    def blocked(self, head: Token) -> bool:
        for child in head.children:
            if child.dep_ == "neg" or child.lemma_.lower() in self.lex.blockers:
                return True
            if child.dep_ == "aux" and child.lower_ in {"will", "wo", "'ll", "would", "could"}:
                return True
        node = head
        for _ in range(4):  # up to the governing clause's verb
            if node.head == node:
                break
            node = node.head
            if node.lemma_.lower() in self.lex.blockers:
                return True
            if node.pos_ in {"VERB", "AUX"}:
                return any(c.dep_ == "neg" or c.lemma_.lower() in self.lex.blockers
                           for c in node.children if c.dep_ in {"neg", "aux", "mark"})
        return False

    # --- arguments -----------------------------------------------------------------------

    def entities(self, para: Para, tok: Token) -> list[tuple[str, Token]]:
        """Entity keys for ``tok`` and its conjuncts."""
        found = []
        for t in [tok, *tok.conjuncts]:
            key = self.res.key_at(para.index, t, ARG_KINDS) or self.pronouns.get(
                (para.index, t.i))
            if key and key not in [k for k, _ in found]:
                found.append((key, t))
        return found

    def mention_toks(self, para: Para, tok: Token) -> set[int]:
        m = self.res.mention_at(para.index, tok.i)
        return set(range(m.start, m.end)) if m else {tok.i}

    def add(self, ev: _Found, role: str, para: Para, tok: Token, via: list[Token] = ()
            ) -> None:
        if ev.type in PARTICIPANT_TYPES:
            role = "participant"
        for key, t in self.entities(para, tok):
            bucket = {"agent": ev.agents, "target": ev.targets,
                      "participant": ev.participants}[role]
            if key not in ev.agents + ev.targets + ev.participants:
                bucket.append(key)
                ev.label_toks |= self.mention_toks(para, t) | {v.i for v in via}

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
                        ev.label_toks |= {t.i for t in child.subtree
                                          if t.dep_ == "compound" or t == child}
                elif dep in {"dobj", "nsubjpass"}:
                    self.add(ev, "target", para, child)
                elif dep == "agent":
                    for pobj in child.children:
                        self.add(ev, "agent", para, pobj, [child])
                elif dep == "prep" and child.lower_ in {"on", "against"}:
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
                if dep == "poss" or (dep in {"compound", "nmod"} and child.i < head.i):
                    has_of = any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children)
                    role = "target" if (ev.type in {"killing", "death", "funeral"}
                                        and not has_of) else "agent"
                    self.add(ev, role, para, child)
                elif dep == "prep" and (child.lower_ in {"on", "against"} or (
                        child.lower_ == "of" and ev.type in OF_TARGET_TYPES) or (
                        child.lower_ == "for" and ev.type == "funeral")):
                    for pobj in child.children:
                        self.add(ev, "target", para, pobj, [child])
                elif dep == "prep" and child.lower_ == "by":
                    for pobj in child.children:
                        self.add(ev, "agent", para, pobj, [child])
                elif dep == "prep" and child.lower_ in {"for", "with", "between"} and (
                        ev.type in PARTICIPANT_TYPES):
                    for pobj in child.children:
                        self.add(ev, "participant", para, pobj, [child])

    def place_and_date(self, ev: _Found) -> None:
        para, head = ev.para, ev.head
        args = set(ev.agents + ev.targets + ev.participants)
        subtree = list(head.subtree)
        for tok in subtree:
            if tok.dep_ == "pobj" and tok.head.lower_ in {"in", "at"}:
                key = self.res.key_at(para.index, tok, ("place",))
                if key and key not in args and ev.place is None:
                    ev.place = key
        ref = self.article.reference_date
        indices = {t.i for t in subtree}
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
            for kind, toks in self.triggers(para):
                ev = _Found(kind, toks, para)
                self.arguments(ev)
                if not (ev.agents or ev.targets or ev.participants):
                    continue
                if ev.head.tag_ == "VBG" and not ev.agents:
                    continue  # "attacking X" with no one doing it: habitual/generic
                self.place_and_date(ev)
                self.merge_into(events, ev)
        events = merge_killings(events)
        for event in events:
            event.evidence.sort()
        return sorted(events, key=lambda e: (e.evidence[0], e.type, e.label))

    def merge_into(self, events: list[Event], ev: _Found) -> None:
        sent = ev.para.sent_span(ev.head.sent)
        args = ([EventArgument(k, "agent") for k in ev.agents]
                + [EventArgument(k, "target") for k in ev.targets]
                + [EventArgument(k, "participant") for k in ev.participants])
        main = ev.targets[:1] or ev.participants[:1] or ev.agents[:1]
        for other in events:
            if other.type != ev.type:
                continue
            if ev.type == "statement" and sent not in other.evidence:
                continue  # each reported speech act is its own event
            o_targets = [a.entity for a in other.arguments if a.role != "agent"]
            o_agents = [a.entity for a in other.arguments if a.role == "agent"]
            o_main = o_targets[:1] or o_agents[:1]
            if o_main != main:
                continue
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
            return
        confidence = 0.8 if len(args) > 1 else 0.7
        rule = "event/trigger-verb" if ev.head.pos_ == "VERB" else "event/trigger-noun"
        events.append(Event(ev.type, self.label(ev), args, [sent], confidence, rule,
                            date=ev.date, place=ev.place))


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
        same = [k for k in killings
                if victims & {a.entity for a in k.arguments if a.role == "target"}]
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


def find_events(article: ArticleText, paras: list[Para], res: Resolution,
                pronouns: dict[tuple[int, int], str] | None = None) -> list[Event]:
    return EventFinder(article, paras, res, pronouns=pronouns).find()


__all__ = ["find_events", "Span"]
