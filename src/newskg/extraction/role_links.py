"""Memberships stated around a name rather than by a title before it.

* after the comma of an apposition: "X, the company's chief executive, said" and "X, Green
  Alliance transport spokesman" (the title read back from the end of the apposition), and "X,
  from the Institute for Rural Studies" / "X, of Halberd Capital" (an affiliation with no role
  word: the role is "member", or the title the person carries before the name)
* before the comma: "the newly elected president of the Guild of Surveyors, X", and "For
  the Green Party, X said" (a member who speaks for it)
* "X joined ORG" (member), "X quit|left ORG" (former member)
* "X [and Y] will represent ORG" (an organization only: MPs represent seats, lawyers clients
  that are mostly people)
* credit lines: "Reporting by X; Editing by Y" make X a reporter and Y an editor of the
  publisher the text names (``publishers.tsv``)

Why separate from :mod:`newskg.extraction.memberships`: these rules read the sentence around
the name; the title rules read the words before it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Token

from newskg.extraction import datafiles, rules
from newskg.extraction.cued_orgs import kind_noun
from newskg.extraction.mentions import Mention
from newskg.extraction.nlp import Para
from newskg.extraction.role_orgs import actor_as_org, names

if TYPE_CHECKING:
    from newskg.extraction.memberships import MembershipFinder

AFFILIATION_PREPS = {"from", "of", "for", "at"}
END = {",", ".", ";", ":", ")", "(", "\u2014", "\u2013", "-"}
#: The rule of a role before the comma ("the chairman of Y, X"), also when what precedes the
#: comma has the shape of a title-before-name rule (``TITLED``: "A fellow Norway
#: international, X").
APPOSED = "membership/role-apposition"
TITLED = {"membership/country-title-person", "membership/org-title-person"}


def publisher_names() -> set[str]:
    from newskg.text import fold

    rows = datafiles.rows("publishers.tsv", ("key", "name"))
    return {fold(r.cells[1]) for r in rows} | {
        fold(r.cells[0]) for r in rows if "." not in r.cells[0]
    }


class LinkReader:
    def __init__(self, finder: MembershipFinder) -> None:
        self.f = finder
        self._publishers: set[str] | None = None

    # --- after the comma ---------------------------------------------------------------

    def after_comma(self, para: Para, person: Mention, comma: int) -> None:
        """ "X, <title ending the apposition>" and "X, from|of|for ORG"."""
        f, doc = self.f, para.doc
        end = comma + 1
        while end < len(doc) and end < comma + 12:
            tok = doc[end]
            if tok.text in END or (tok.pos_ in {"VERB", "AUX"} and tok.tag_ != "VBG"):
                break
            end += 1
        got = f.titles.title(para, end) if end > comma + 1 else None
        between: list[Token] = list(doc[comma + 1 : got[1][0].start]) if got and got[1] else []
        if got and all(
            t.pos_ not in {"VERB", "AUX", "ADP", "PUNCT"} or t.tag_ == "POS" for t in between
        ):
            # the apposition is the title ("X, the company's chief executive"), not a
            # phrase that ends with one ("X, special envoy to the prime minister")
            found = f.titles.find(para, end)
            if found is not None:
                rule = found.rule
                if rule == "membership/org-title-person":  # the title after the name
                    rule = "membership/apposition-org-role"
                conf = rules.confidence(rule) if rule != found.rule else found.confidence
                f.add(person.key or "", found.org, found.role, para, doc[person.start], rule, conf)
                return
        if comma + 1 < len(doc) and doc[comma + 1].lower_ in AFFILIATION_PREPS:
            self.affiliation(para, person, comma + 1)

    def affiliation(self, para: Para, person: Mention, prep: int) -> None:
        """ "X, from the Institute for Rural Studies", "X of Halberd Capital said", "X of IT
        firm Y said": the organization right after the preposition at ``prep`` (or after a
        noun for its kind), ending its clause; the role is the title before the name
        ("analyst X of Y") or "member"."""
        f, doc = self.f, para.doc
        i = prep + 1
        if i < len(doc) and doc[i].lower_ == "the":
            i += 1
        org = f.res.mention_at(para.index, i) or self.after_kind(para, i)
        if org is None or f.res.kinds.get(org.key or "") != "organization":
            return
        after = doc[org.end] if org.end < len(doc) else None
        if after is not None and not (after.text in END or after.pos_ in {"VERB", "AUX"}):
            return
        got = f.titles.title(para, person.start) or f.titles.title(para, f.name_start(para, person))
        role = " ".join(w.text.lower() for w in got[1]) if got else "member"
        f.add(
            person.key or "", org.key or "", role, para, doc[person.start], "membership/affiliation"
        )

    def after_kind(self, para: Para, i: int) -> Mention | None:
        """The organization named right after a noun for its kind that starts at ``i``
        ("of IT firm Vantor", "from research group Harbour Labs"): a few modifiers, the kind
        noun (``org_nouns.txt``, ``org_cue_nouns.txt``), then the name."""
        doc = para.doc
        for k in range(i, min(i + 3, len(doc) - 1)):
            if self.f.res.mention_at(para.index, k) is not None:
                return None
            if kind_noun(doc[k]):
                return self.f.res.mention_at(para.index, k + 1)
            if not (doc[k].text.islower() or doc[k].text.isupper()):
                return None  # only lower-case modifiers or letters ("IT")
        return None

    def in_brackets(self, para: Para, person: Mention, bracket: int) -> None:
        """ "D Moss (Harbour Harriers)": an organization that fills the brackets after a
        name (a team sheet, a party label) has the person as a member."""
        f, doc = self.f, para.doc
        org = f.res.mention_at(para.index, bracket + 1)
        if org is None or org.end >= len(doc) or doc[org.end].text != ")":
            return
        kind = f.res.kinds.get(org.key or "")
        # a club the tagger took for a person ("(Harbour Harriers)")
        if kind == "actor" and actor_as_org(f.res, f.paras, f.lex, org.key or "", "member", f.data):
            kind = "organization"
        if kind != "organization":
            return
        f.add(
            person.key or "",
            org.key or "",
            "member",
            para,
            doc[person.start],
            "membership/affiliation",
        )

    # --- in the paragraph -----------------------------------------------------------------

    def in_para(self, para: Para) -> None:
        f = self.f
        for m in f.res.in_para(para.index):
            if f.res.kinds.get(m.key or "") == "actor":
                self.role_of_org_before(para, m)
        verbs = f.data.verbs
        for tok in para.doc:
            if tok.lemma_ in verbs and tok.pos_ == "VERB":
                self.member_by_verb(para, tok, *verbs[tok.lemma_])
            nxt = para.doc[tok.i + 1] if tok.i + 1 < len(para.doc) else None
            if tok.lower_ in f.data.credits and nxt is not None and nxt.lower_ == "by":
                self.credit(para, tok)

    def role_of_org_before(self, para: Para, person: Mention) -> None:
        """ "the newly elected president of the Guild of Surveyors, X" and "A fellow Norway
        international, X": the title (and organization) before the comma."""
        f, doc = self.f, para.doc
        comma = person.start - 1
        if comma < 1 or doc[comma].text != ",":
            return
        org = f.res.mention_at(para.index, comma - 1)
        if org is not None and f.res.kinds.get(org.key or "") == "organization":
            k = org.start - 1
            if k >= 0 and doc[k].lower_ == "the":
                k -= 1
            if k >= 0 and doc[k].lower_ == "for" and doc[k].is_sent_start:
                # "For the Green Party, Ann Lee said ...": who speaks for it
                rule = "membership/speaks-for"
                f.add(person.key or "", org.key or "", "member", para, doc[person.start], rule)
                return
            if k < 1 or doc[k].lower_ not in {"of", "at"}:
                return
            got = f.titles.title(para, k)
            if got is None or not got[1]:
                return
            first = got[1][0].start
            if first > 0 and doc[first - 1].text == ",":
                return  # "X, chairman of Y, Z": a list, not an apposition
            role = " ".join(w.text.lower() for w in got[1])
            f.add(person.key or "", org.key or "", role, para, doc[person.start], APPOSED)
            return
        found = f.titles.find(para, comma)
        if found is not None and found.rule in TITLED:
            f.add(person.key or "", found.org, found.role, para, doc[person.start], APPOSED)

    def member_by_verb(self, para: Para, verb: Token, role: str, rule: str) -> None:
        """ "X will represent the Harbour Rowing Club", "X joined the Daily Example in 1987",
        "X, who quit the Union of Tram Drivers last spring" (``membership_verbs.tsv``)."""
        f = self.f
        obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        subj = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if obj is None or subj is None:
            return
        org = f.res.key_at(para.index, obj, ("organization",))
        if org is None:
            return
        for tok in [subj, *subj.conjuncts]:
            person = f.person_key(para, tok)
            if person:
                f.add(person, org, role, para, verb, rule)

    def credit(self, para: Para, word: Token) -> None:
        """ "Reporting by X [and Y]": X is a reporter of the publisher the text names."""
        f, doc = self.f, para.doc
        org = self.publisher()
        if org is None:
            return
        i = word.i + 2
        while i < len(doc) and doc[i].text not in {";", ".", "\n"}:
            m = f.res.mention_at(para.index, i)
            if m is not None:
                if f.res.kinds.get(m.key or "") == "actor":
                    role = f.data.credits[word.lower_]
                    f.add(m.key or "", org, role, para, word, "membership/credit-line")
                i = m.end
                continue
            if doc[i].lower_ in f.data.credits:
                break
            i += 1

    def publisher(self) -> str | None:
        """The one organization of the article that is a publisher (``publishers.tsv``)."""
        if self._publishers is None:
            self._publishers = publisher_names()
        found = {
            e.key
            for e in self.f.res.entities
            if e.kind == "organization" and names(e) & self._publishers
        }
        return found.pop() if len(found) == 1 else None
