"""Memberships (person -- role -- organization) from titles and appositions.

Every kind of rule has a row ``membership/...`` in ``data/rules.tsv`` (its confidence and the
reason it holds, :mod:`newskg.extraction.rules`). Patterns (roles come from
``data/roles.txt``, matched longest first):

* ``... ROLE PERSON``           a title before the name (:mod:`newskg.extraction.role_titles`):
                                "Skyline Air deputy chief executive X", "Welsh health minister Y"
* ``PERSON, [a|the] ROLE ... of|at|with|for ORG``
                                "X, commander of the Youth Wing", "X, a historian at Y",
                                "X, visiting fellow and expert on ... at Y"
* ``PERSON be|become|serve ... ROLE of ORG``, ``PERSON ... as ROLE of ORG`` (dependency parse;
  the subject through conjoined verbs, "who", a pronoun; the object of "keep X as ROLE")
* around the name (:mod:`newskg.extraction.role_links`): "X, Green Party health spokesman",
  "X, from the Institute for Rural Studies" (member), "the chairman of Y, X", "X joined Y",
  "X will represent Y", "Reporting by X; Editing by Y"
* no title and no comma (member): "Y's X", "X of Y said", "X (Y)" on a team sheet, and a
  party adjective the tagger calls a group right before the name ("Liberal Democrat X")

One membership per person and organization (FORMAT.md); a membership's organization may be a
country (a government post), which the graph then also types as an organization.

A possessive chain after the preposition names the innermost organization ("commander of the
Alliance's Youth Wing" -> Youth Wing). "expert on X" is a topic, not a membership: only the
prepositions of/at/with/for/in introduce the organization.
"""

from __future__ import annotations

from spacy.tokens import Token

from newskg.extraction import rules
from newskg.extraction.entities import Resolution
from newskg.extraction.lexicon import Lexicon, lexicon
from newskg.extraction.mentions import POSSESSIVE, Mention
from newskg.extraction.model import Membership, Span
from newskg.extraction.nlp import Para
from newskg.extraction.quoted import in_quotes
from newskg.extraction.role_data import RoleData, role_data
from newskg.extraction.role_links import LinkReader
from newskg.extraction.role_orgs import existing_org
from newskg.extraction.role_sheets import SheetReader
from newskg.extraction.role_titles import TitleReader
from newskg.text import fold

MEMBER_PREPS = {"of", "at", "with", "for", "in"}
MAX_SCAN = 24
APPOSITION_MARKS = {",", "-", "\u2013", "\u2014"}
#: Prepositions that tie a name to an organization with no comma between ("X of the Y Trust
#: said"); not "at" or "for", which also place a person at an event or a game.
BARE_AFFILIATION = {"of", "from"}


def _words(toks: list[Token]) -> list[str]:
    return [t.text for t in toks if not t.is_space]


class MembershipFinder:
    def __init__(
        self,
        paras: list[Para],
        res: Resolution,
        lex: Lexicon | None = None,
        pronouns: dict[tuple[int, int], str] | None = None,
    ) -> None:
        self.paras = paras
        self.res = res
        self.lex = lexicon() if lex is None else lex
        self.data: RoleData = role_data()
        self.pronouns = pronouns or {}
        self.titles = TitleReader(paras, res, self.lex, self.data)
        self.links = LinkReader(self)
        self.found: dict[tuple[str, str], Membership] = {}

    def add(
        self,
        member: str,
        org: str,
        role: str,
        para: Para,
        tok: Token,
        rule: str,
        confidence: float | None = None,
    ) -> None:
        """Record a membership found by the rule ``rule`` (an id of ``rules.tsv``) with the
        rule's confidence, or ``confidence`` when the rule's was adjusted (a government post's
        factor); one per person and organization (FORMAT.md), the first role found kept, a more
        specific one ("home secretary" over "secretary") preferred."""
        if not member or not org or member == org:
            return
        confidence = rules.confidence(rule) if confidence is None else confidence
        sent = para.sent_span(tok.sent)
        ident = (member, org)
        old = self.found.get(ident)
        if old is not None:
            if sent not in old.evidence:
                old.evidence.append(sent)
            if old.role == "member" and role != "member" or (old.role in role and old.role != role):
                old.role = role
            return
        self.found[ident] = Membership(member, org, role, [sent], confidence, rule)

    def person_key(self, para: Para, tok: Token) -> str | None:
        """The actor a token names, or the actor a pronoun stands for."""
        key = self.res.key_at(para.index, tok, ("actor",))
        if key is None and tok.lower_ in self.lex.pronouns:
            key = self.pronouns.get((para.index, tok.i))
        if key is None and tok.lower_ in {"who", "that"} and tok.head.dep_ == "relcl":
            key = self.res.key_at(para.index, tok.head.head, ("actor",))
        return key

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
                nxt = doc[m.end] if m.end < len(doc) else None
                if kind == "organization" and nxt is not None and nxt.pos_ == "NOUN":
                    i = m.end  # "president of Cesar organisers, the Academie ...": a modifier
                    continue
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
        """A role phrase starting at ``start`` (after an optional article): the words up to
        the preposition, when they end with a role ("executive vice president"), else a role
        after up to two modifiers: (role, index after it)."""
        doc = para.doc
        i = start + (1 if start < len(doc) and doc[start].lower_ in {"a", "an", "the"} else 0)
        end = i
        while end < min(len(doc), i + 7):
            tok = doc[end]
            if tok.pos_ in {"ADP", "VERB", "AUX", "PUNCT", "DET"} and tok.text != "-":
                break
            if self.res.mention_at(para.index, end) is not None:
                break
            end += 1
        for n in range(min(4, end - i), 0, -1):
            if self.titles.is_head([t.text for t in doc[end - n : end]]):
                words = doc[i:end].text.lower().split()
                while len(words) > 1 and words[0] in self.data.dropped:
                    words = words[1:]
                return " ".join(words), end
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
        """A title before the name (:class:`~newskg.extraction.role_titles.TitleReader`)."""
        found = self.titles.find(para, person.start)
        start = self.name_start(para, person)
        if found is None and start != person.start:
            found = self.titles.find(para, start)
        if found is not None:
            tok = para.doc[person.start]
            self.add(
                person.key or "", found.org, found.role, para, tok, found.rule, found.confidence
            )
        else:
            self.org_before(para, person)

    def name_start(self, para: Para, person: Mention) -> int:
        """Where the name at ``person`` starts for the title before it: before the
        honorifics the mention leaves out ("chairman Sir X", "leader Lord Y"). Read only
        when no title ends at the mention: some are roles too ("Kestrel College Professor
        X")."""
        start = person.start
        while start > 0 and para.doc[start - 1].text in self.data.honorifics:
            start -= 1
        return start

    def full_name(self, para: Para, person: Mention) -> bool:
        """Does the mention name a person in full: two words or more in its entity's name, and
        not a modifier of the noun after it ("the Ann Lee programme")? Products and
        fragments the tagger calls people ("Quasar", "Motors") have one word."""
        nxt = para.doc[person.end] if person.end < len(para.doc) else None
        if nxt is not None and nxt.pos_ in {"NOUN", "PROPN"}:
            return False
        if len(person.text.split()) > 1:
            return True
        entity = next((e for e in self.res.entities if e.key == person.key), None)
        return entity is not None and len(entity.label.split()) > 1

    def org_before(self, para: Para, person: Mention) -> None:
        """ "the Reform League's Ann Lee": an organization's possessive right before the name,
        with no title between, has the person as a member. (Without the possessive, an
        organization before a name is mostly one name split in two: "Corvane Lindqvist".)"""
        doc = para.doc
        k = person.start - 1
        if k < 1:
            return
        if doc[k].text not in POSSESSIVE:
            # "Liberal Democrat Ann Lee": a party the tagger calls a group (NORP), not a
            # nationality ("Welsh Ann Lee" is none)
            last = doc[k]
            if last.ent_type_ != "NORP" or self.lex.demonym_length([last.text]):
                return
            if self.res.mention_at(para.index, k) is None:  # the party named by its adjective
                start = k
                while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].is_title:
                    start -= 1
                # an organization of the article only ("Swede X", "Americans X" are people)
                key = existing_org(self.res, fold(doc[start : k + 1].text))
                if key:
                    rule = "membership/affiliation"
                    self.add(person.key or "", key, "member", para, doc[person.start], rule)
                return
            k += 1
        org = self.res.mention_at(para.index, k - 1)
        if org is None or org.end != k or self.res.kinds.get(org.key or "") != "organization":
            return
        if not self.full_name(para, person):
            return
        rule = "membership/affiliation"
        self.add(person.key or "", org.key or "", "member", para, doc[person.start], rule)

    def apposition(self, para: Para, person: Mention) -> None:
        """PERSON, [a|the] ROLE ... of|at|with|for ORG."""
        doc = para.doc
        i = person.end
        while i < len(doc) and doc[i].is_space:
            i += 1
        if i < len(doc) and doc[i].lower_ in BARE_AFFILIATION | {"("}:
            if len(person.text.split()) > 1:  # not "Duke of Wexford", "Motors (CM)"
                if doc[i].text == "(":
                    self.links.in_brackets(para, person, i)
                else:
                    self.links.affiliation(para, person, i)  # "X of the Y Trust said"
            return
        if i >= len(doc) or doc[i].text not in APPOSITION_MARKS:
            return
        start = i + 1
        if start < len(doc) and doc[start].lower_ in {"himself", "herself"}:
            start += 1  # "X - himself a former executive at rival Y"
        found = self.role_tokens(para, start)
        if not found:
            if doc[i].text == ",":
                self.links.after_comma(para, person, i)
            return
        role, after = found
        org = self.org_after(para, after)
        if org is not None:
            rule = "membership/apposition"
            self.add(person.key or "", org.key or "", role, para, doc[person.start], rule)
        elif doc[i].text == ",":
            self.links.after_comma(para, person, i)

    def predicate(self, para: Para, role_tok: Token, role: str) -> None:
        """PERSON became ROLE of ORG / PERSON ... as ROLE of ORG."""
        head = role_tok.head
        verb = None
        if role_tok.dep_ in {"attr", "oprd", "dobj"} and head.lemma_ in self.data.copulas:
            verb = head
        elif head.lower_ == "as" and head.dep_ == "prep":
            verb = head.head
        if verb is None or in_quotes(para).contains(para.tok_span(role_tok)):
            return  # a role inside a quote is a claim ("Obama was 'the founder' of ISIS")
        # "keep Lynch as attorney general", "Obama named X chairman": the object holds it
        obj = next(
            (c for c in verb.children if c.dep_ == "dobj" and c.i != role_tok.i),
            None,
        )
        if obj is not None and obj.lower_ not in {"himself", "herself"}:
            person = self.person_key(para, obj)
            if person:
                self.predicate_org(para, role_tok, role, person)
            if person or verb.lemma_ in self.data.appoint:
                return
        elif verb.lemma_ in self.data.appoint and head is verb and role_tok.dep_ == "dobj":
            return  # "X named a chairman": no holder named
        subject = None
        node = verb
        for _ in range(4):  # "X established himself as ... and went on to become ROLE"
            subject = next((c for c in node.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
            if subject is not None or node.dep_ not in {"conj", "xcomp", "advcl"}:
                break
            node = node.head
        if subject is None and node.dep_ == "acl" and node.tag_ == "VBN":
            # "X, the lawyer appointed as Y's chairman": the noun the participle describes
            subject = node.head
            if self.person_key(para, subject) is None and subject.dep_ == "appos":
                subject = subject.head
        if subject is None:
            return
        person = self.person_key(para, subject)
        if person:
            self.predicate_org(para, role_tok, role, person)

    def predicate_org(self, para: Para, role_tok: Token, role: str, person: str) -> None:
        """The organization of a predicate role: "Renewal's deputy leader", "leader of X", or
        for a government post its department or country."""
        owner = next((c for c in role_tok.children if c.dep_ == "poss"), None)
        if owner is not None:  # "X is now Renewal's deputy leader"
            key = self.res.key_at(para.index, owner, ("organization",))
            if key:
                self.add(person, key, role, para, role_tok, "membership/predicate")
            return
        org = self.org_after(para, role_tok.i + 1, stop_at_verb=True)
        if org is not None:
            self.add(person, org.key or "", role, para, role_tok, "membership/predicate")
            return
        # "when he was Home Secretary": a government post, its department or country
        got = self.titles.title(para, role_tok.i + 1)
        words = [w.text.lower() for w in got[1]] if got else role.split()
        found = self.titles.post_only(para, role_tok.i, " ".join(words), self.data.post_of(words))
        if found is not None:
            self.add(person, found.org, found.role, para, role_tok, found.rule, found.confidence)

    def find(self) -> list[Membership]:
        # team sheets first: they replace the tagger's mentions in their lines
        SheetReader(self).read()
        # titles first, twice: a title may retype an organization ("former Yukos boss X")
        # that an earlier paragraph's rule needed ("Yukos said ... chief executive Y")
        retyped = False
        for _ in range(2):
            before = dict(self.res.kinds)
            for para in self.paras:
                for m in self.res.in_para(para.index):
                    if self.res.kinds.get(m.key or "") == "actor":
                        self.title_prefix(para, m)
            retyped = self.res.kinds != before
            if not retyped:
                break
        for para in self.paras:
            for m in self.res.in_para(para.index):
                if self.res.kinds.get(m.key or "") == "actor":
                    self.apposition(para, m)
            self.links.in_para(para)
            doc = para.doc
            for tok in doc:
                if tok.pos_ != "NOUN":
                    continue
                # the role phrase ending at tok ("deputy chief")
                for n in (3, 2, 1):
                    if tok.i - n + 1 < 0:
                        continue
                    words = para.words[tok.i - n + 1 : tok.i + 1]
                    role = self.lex.role_at(words)
                    if role and len(role.split()) == n:
                        self.predicate(para, tok, role)
                        break
        return sorted(
            self.found.values(), key=lambda m: (m.evidence[0], m.member, m.organization, m.role)
        )


def find_memberships(
    paras: list[Para], res: Resolution, pronouns: dict[tuple[int, int], str] | None = None
) -> list[Membership]:
    """The memberships the body states; ``pronouns`` (from
    :func:`~newskg.extraction.entities.resolve_pronouns`) lets "He is a fellow at Y" count."""
    return MembershipFinder(paras, res, pronouns=pronouns).find()


__all__ = ["find_memberships", "MembershipFinder", "Span"]
