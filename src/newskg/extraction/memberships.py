"""Memberships (person -- role -- organization) from titles and appositions.

Patterns (roles come from ``src/newskg/extraction/data/roles.txt``, matched longest first):

* ``ORG ['s] ROLE PERSON``      "Northfield Union Secretary General Maria Lopez"
* ``PERSON, [a|the] ROLE ... of|at|with|for ORG``
                                "X, commander of the Youth Wing", "X, a historian at Y",
                                "X, visiting fellow and expert on ... at Y"
* ``PERSON be|become|serve ... ROLE of ORG``, ``PERSON ... as ROLE of ORG`` (dependency parse)

A possessive chain after the preposition names the innermost organization ("commander of the
Alliance's Youth Wing" -> Youth Wing). "expert on X" is a topic, not a membership: only the
prepositions of/at/with/for/in introduce the organization.
"""

from __future__ import annotations

from spacy.tokens import Token

from newskg.extraction.entities import Resolution
from newskg.extraction.lexicon import Lexicon, lexicon
from newskg.extraction.mentions import POSSESSIVE, Mention
from newskg.extraction.model import Membership, Span
from newskg.extraction.nlp import Para

MEMBER_PREPS = {"of", "at", "with", "for", "in"}
COPULAS = {"be", "become", "serve", "remain", "name", "appoint", "elect", "make"}
MAX_SCAN = 24


def _words(toks: list[Token]) -> list[str]:
    return [t.text for t in toks if not t.is_space]


class MembershipFinder:
    def __init__(self, paras: list[Para], res: Resolution, lex: Lexicon | None = None) -> None:
        self.paras = paras
        self.res = res
        self.lex = lexicon() if lex is None else lex
        self.found: dict[tuple[str, str, str], Membership] = {}

    def add(
        self, member: str, org: str, role: str, para: Para, tok: Token, confidence: float, rule: str
    ) -> None:
        sent = para.sent_span(tok.sent)
        ident = (member, org, role)
        if ident in self.found:
            if sent not in self.found[ident].evidence:
                self.found[ident].evidence.append(sent)
            return
        self.found[ident] = Membership(member, org, role, [sent], confidence, rule)

    def org_chain(self, para: Para, mention: Mention) -> Mention:
        """Follow "ORG's ORG" possessive chains to the innermost organization."""
        doc = para.doc
        current = mention
        while current.end + 1 < len(doc) and doc[current.end].text in POSSESSIVE:
            nxt = self.res.mention_at(para.index, current.end + 1)
            if nxt is None or self.res.kinds.get(nxt.key or "") != "organization":
                break
            current = nxt
        return current

    def org_after(self, para: Para, start: int, stop_at_verb: bool = True) -> Mention | None:
        """The first organization after ``start`` introduced by a membership preposition."""
        doc = para.doc
        prep = None
        i = start
        while i < min(len(doc), start + MAX_SCAN):
            tok = doc[i]
            if tok.text in {";", ".", "(", ")", "\u2014", "\u2013"} or (
                stop_at_verb and tok.pos_ in {"VERB", "AUX"} and tok.tag_ != "VBG"
            ):
                return None
            if tok.lower_ in {"said", "says"}:
                return None
            m = self.res.mention_at(para.index, i)
            if m is not None:
                kind = self.res.kinds.get(m.key or "")
                if kind == "organization" and prep in MEMBER_PREPS:
                    return self.org_chain(para, m)
                if kind == "actor":
                    return None
                i = m.end
                continue
            if tok.pos_ == "ADP" or tok.lower_ in MEMBER_PREPS:
                prep = tok.lower_
            i += 1
        return None

    def role_tokens(self, para: Para, start: int) -> tuple[str, int] | None:
        """A role phrase starting at ``start`` (after an optional article and up to two
        modifiers): (role, index after it)."""
        doc = para.doc
        toks = [t for t in doc[start : start + 6]]
        words = [t.text for t in toks]
        skip = 1 if words[:1] and words[0].lower() in {"a", "an", "the"} else 0
        for extra in range(0, 3):
            at = skip + extra
            role = self.lex.role_at(words[at:])
            if role:
                return role, start + at + len(role.split())
        return None

    # --- patterns ---------------------------------------------------------------------

    def title_prefix(self, para: Para, person: Mention) -> None:
        """ORG ['s] TITLE... PERSON."""
        doc = para.doc
        j = person.start
        for n in range(min(4, j), 0, -1):
            words = [t.text for t in doc[j - n : j]]
            whole = self.lex.role_at(words)
            if whole and len(whole.split()) == n and not any(w[:1].isupper() for w in words[1:]):
                role = whole  # "Solvant founder X", "Brightline chief executive X"
            elif not self.lex.is_title(words) or not words[0][:1].isupper():
                continue
            else:
                role = None
            for k in range(len(words) if role is None else 0):
                role = self.lex.role_at(words[k:])
                if role and len(role.split()) == len(words) - k:
                    break
                role = None
            if role is None:
                continue
            before = j - n - 1
            if before >= 0 and doc[before].text in POSSESSIVE:
                before -= 1
            org = self.res.mention_at(para.index, before) if before >= 0 else None
            if org is not None and self.res.kinds.get(org.key or "") == "organization":
                self.add(
                    person.key or "",
                    org.key or "",
                    role,
                    para,
                    doc[j],
                    0.9,
                    "membership/org-title-person",
                )
            return

    def apposition(self, para: Para, person: Mention) -> None:
        """PERSON, [a|the] ROLE ... of|at|with|for ORG."""
        doc = para.doc
        i = person.end
        while i < len(doc) and doc[i].is_space:
            i += 1
        if i >= len(doc) or doc[i].text != ",":
            return
        found = self.role_tokens(para, i + 1)
        if not found:
            return
        role, after = found
        org = self.org_after(para, after)
        if org is not None:
            self.add(
                person.key or "",
                org.key or "",
                role,
                para,
                doc[person.start],
                0.85,
                "membership/apposition",
            )

    def predicate(self, para: Para, role_tok: Token, role: str) -> None:
        """PERSON became ROLE of ORG / PERSON ... as ROLE of ORG."""
        head = role_tok.head
        verb = None
        if role_tok.dep_ in {"attr", "oprd", "dobj"} and head.lemma_ in COPULAS:
            verb = head
        elif head.lower_ == "as" and head.dep_ == "prep":
            verb = head.head
        if verb is None:
            return
        subject = None
        node = verb
        for _ in range(3):
            subject = next((c for c in node.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
            if subject is not None or node.dep_ != "conj":
                break
            node = node.head
        if subject is None:
            return
        person = self.res.key_at(para.index, subject, ("actor",))
        if not person:
            return
        org = self.org_after(para, role_tok.i + 1, stop_at_verb=True)
        if org is not None:
            self.add(person, org.key or "", role, para, role_tok, 0.8, "membership/predicate")

    def find(self) -> list[Membership]:
        for para in self.paras:
            for m in self.res.in_para(para.index):
                if self.res.kinds.get(m.key or "") == "actor":
                    self.title_prefix(para, m)
                    self.apposition(para, m)
            doc = para.doc
            for tok in doc:
                if tok.pos_ != "NOUN":
                    continue
                # the role phrase ending at tok ("deputy chief")
                for n in (3, 2, 1):
                    if tok.i - n + 1 < 0:
                        continue
                    words = [t.text for t in doc[tok.i - n + 1 : tok.i + 1]]
                    role = self.lex.role_at(words)
                    if role and len(role.split()) == n:
                        self.predicate(para, tok, role)
                        break
        return sorted(
            self.found.values(), key=lambda m: (m.evidence[0], m.member, m.organization, m.role)
        )


def find_memberships(paras: list[Para], res: Resolution) -> list[Membership]:
    return MembershipFinder(paras, res).find()


__all__ = ["find_memberships", "MembershipFinder", "Span"]
