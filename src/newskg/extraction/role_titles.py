"""Titles before names: "Skyline Air deputy chief executive X", "Conservative health
spokesman Jonathan Morgan", "former US president Bill Clinton", "Chancellor Gordon Brown",
"its chief finance officer Bruce Misamore".

Why a scan and not a list of patterns: news stacks modifiers before the title freely ("Lib Dem
home affairs spokesman", "Trade and Industry Secretary"), and the role string must keep them
(FORMAT.md: portfolio words stay in the role). So the title is read right to left from the
name: a role phrase (``roles.txt``, or a post of ``gov_posts.tsv``) right before the name, then
its modifiers (lower-case nouns and adjectives, capitalised title words that no entity or
nationality claims), and then what stands before them decides the organization:

* an organization mention, with or without "'s"                -> org-title-person
* an actor mention that can only be an organization there       -> org-title-person
* "its" / "their" / "the company's"                             -> context-title-person
* a country adjective or a place mention, for a government post -> country-title-person
* a party adjective (NORP, not a nationality or a faith)        -> party-title-person
* nothing, for an opposition post ("shadow chancellor") -> the one party named in the
  sentence or the one before or after it (context-title-person)
* nothing, for a government post -> its department if named (department-post), else the one
  country that has the post if named (``gov_posts.tsv``), else the country the article names
  most when the post allows it (country-post)
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from newskg.extraction import rules
from newskg.extraction.entities import Resolution
from newskg.extraction.lexicon import Lexicon
from newskg.extraction.mentions import POSSESSIVE
from newskg.extraction.nlp import Para
from newskg.extraction.role_data import Post, RoleData
from newskg.extraction.role_orgs import (
    actor_as_org,
    context_org,
    country_named,
    department,
    existing_org,
    main_country,
    named_org,
    party_near,
    place_named,
    sentences_around,
    subject_org,
)
from newskg.text import fold

#: Parts of speech that end a title's modifiers (a determiner, a verb, a preposition...).
STOP_POS = {"DET", "PRON", "VERB", "AUX", "ADP", "SCONJ", "NUM", "PART", "PUNCT", "ADV", "INTJ"}
#: Entity types of the tagger that are the organization side, never words of the role.
NAME_ENTS = {"NORP", "GPE", "ORG", "PERSON", "LOC", "FAC"}
#: Tagger types that a capitalised name before a title is not (it is an organization's name
#: otherwise: the tagger calls "Harbour Capital Markets" a work of art).
NOT_ORG_ENTS = {"PERSON", "GPE", "LOC", "FAC", "DATE", "TIME", "MONEY", "PERCENT", "CARDINAL"}
#: "on Wednesday Prime Minister X": a day is never a word of the role.
TIME_ENTS = {"DATE", "TIME"}
KEEP = {"former", "ex"}
#: Tags of comparatives and superlatives ("Earlier", "Later", "Most"): a sentence's first
#: word with one is no name, even if the article never writes it in lower case.
COMPARED = {"JJR", "JJS", "RBR", "RBS"}
MAX_MODIFIERS = 6


@dataclass(frozen=True)
class Word:
    start: int  # first token
    end: int  # after the last token
    text: str


@dataclass(frozen=True)
class Found:
    org: str  # entity key
    role: str
    rule: str
    confidence: float


def words_before(doc: Doc, j: int, limit: int = 14) -> list[Word]:
    """The words before token ``j`` (at most ``limit`` tokens back), hyphenated tokens joined
    ("co-chairman", "ex-chat"), in text order."""
    out: list[Word] = []
    for tok in doc[max(0, j - limit) : j]:
        glued = (
            out
            and (tok.text == "-" or out[-1].text.endswith("-"))
            and not doc[tok.i - 1].whitespace_
        )
        if glued:
            prev = out.pop()
            out.append(Word(prev.start, tok.i + 1, prev.text + tok.text))
        else:
            out.append(Word(tok.i, tok.i + 1, tok.text))
    return out


class TitleReader:
    def __init__(self, paras: list[Para], res: Resolution, lex: Lexicon, data: RoleData) -> None:
        self.paras, self.res, self.lex, self.data = paras, res, lex, data

    def is_head(self, words: list[str]) -> bool:
        role = self.lex.role_at(words)
        if role is not None and len(role.split()) == len(words):
            return True
        return tuple(w.lower() for w in words) in self.data.posts

    def head_end(self, words: list[Word]) -> tuple[int, int] | None:
        """(end, length) of the role phrase that ends the words, or that a lower-case "for" or
        "of" phrase follows ("spokeswoman for women", "director of air transport"), or None."""
        ends = [len(words)]
        for q in range(len(words) - 1, max(0, len(words) - 4), -1):
            tail = words[q + 1 :]
            if words[q].text.lower() in {"for", "of"} and all(
                w.text.isalpha() and w.text.islower() for w in tail
            ):
                ends.append(q)
                break
        for end in ends:
            for n in range(min(4, end), 0, -1):
                if self.is_head([w.text for w in words[end - n : end]]):
                    return end, n
        return None

    def modifier(self, para: Para, word: Word, head_capital: bool) -> bool:
        doc = para.doc
        toks = doc[word.start : word.end]
        if any(self.res.mention_at(para.index, t.i) is not None for t in toks):
            return False
        first = toks[0]
        low = word.text.lower()
        if low in KEEP or low.startswith("ex-") or low in self.data.modifiers:
            return True  # "Shadow" even where the tagger puts it in a name
        if first.pos_ in STOP_POS or first.ent_type_ in NAME_ENTS | TIME_ENTS or first.is_punct:
            return low == "and" and head_capital
        if first.pos_ == "CCONJ":
            return low == "and" and head_capital
        if self.lex.demonym_length([word.text]) or low in self.data.nations:
            return False
        initial_noun = (
            first.is_sent_start
            and first.pos_ == "NOUN"
            and word.text not in self.lex.org_heads
            and not any(c.isupper() for c in word.text[1:])  # "WeWork" is a name
        )
        if word.text[:1].isupper() and not initial_noun:
            # ("Health analyst X": a sentence's first common noun is a lower-case word)
            return head_capital and first.pos_ in {"NOUN", "PROPN", "ADJ"}
        return first.pos_ in {"NOUN", "ADJ", "PROPN"}

    def title(self, para: Para, j: int) -> tuple[list[Word], list[Word]] | None:
        """(the words before the title, the title's words) for the name at token ``j``."""
        words = words_before(para.doc, j)
        found = self.head_end(words)
        if found is None:
            return None
        end, n = found
        b = end - n
        head_capital = words[b].text[:1].isupper()
        while b > 0 and end - b < n + MAX_MODIFIERS:
            if not self.modifier(para, words[b - 1], head_capital):
                break
            b -= 1
        role = words[b:]
        while role and role[0].text.lower() == "and":
            role = role[1:]
        while len(role) > 1 and role[0].text.lower() in self.data.dropped:
            role = role[1:]
        first = role[0] if role else None
        if (
            first
            and len(role) > 1
            and first.text[:3].lower() == "ex-"
            and first.text[3:4].isupper()
        ):
            # "ex-Tory transport minister": the organization is glued to "ex-"
            glued = [
                Word(first.start, first.start + 2, "ex-"),
                Word(first.start + 2, first.end, first.text[3:]),
            ]
            return words[: len(words) - len(role)] + glued, role[1:]
        return words[: len(words) - len(role)], role

    def find(self, para: Para, j: int) -> Found | None:
        """The membership a title before the name at token ``j`` states, or None."""
        got = self.title(para, j)
        if got is None:
            return None
        before, title = got
        role_words = [w.text.lower() for w in title]
        role = " ".join(role_words)
        post = self.data.post_of(role_words)
        doc, res, data = para.doc, self.res, self.data
        former = ""
        k = len(before) - 1
        possessive = k >= 0 and before[k].text in POSSESSIVE
        owner = k - 1 if possessive else k
        if owner < 0:
            return self.bare(para, title[0].start, role, post)
        tok = doc[before[owner].end - 1]
        m = res.mention_at(para.index, tok.i)
        if m is not None:
            former = self.former(doc, m.start)
        if m is not None and m.key:
            kind = res.kinds.get(m.key)
            if kind == "actor" and actor_as_org(res, self.paras, self.lex, m.key, role, data):
                kind = "organization"
            elif kind == "actor" and (split := self.party_portfolio(m.text)) is not None:
                # "Lib Dem Culture" before "spokesman X": the tagger's one name is a
                # party and the portfolio of the title
                rule = "membership/name-title-person"
                held = former + split[1] + " " + role
                return Found(split[0], held, rule, rules.confidence(rule))
            portfolio = post is not None and post.country_fallback != "no"
            if kind == "organization" and portfolio and not self.department_like(m.text):
                # "Trade and Industry Secretary X": the portfolio, not an organization; but
                # a post that needs its country named also heads bodies ("Zentrix president")
                words = m.text.lower().split()
                words += role_words[1:] if words[-1] == role_words[0] else role_words
                return self.post_only(para, m.start, " ".join(words), data.post_of(words))
            if kind == "organization" and (
                m.text.lower() in data.kind_words or m.text.lower() in data.nations
            ):
                # "Soul singer X": the tagger's body is a kind of music; "Welsh singer X":
                # a nation's adjective that the tagger put with a body of that nation
                return None
            if kind == "organization":
                rule = "membership/org-title-person"
                return Found(m.key, former + role, rule, rules.confidence(rule))
            if kind == "place" and post is not None:
                rule = "membership/country-title-person"
                return Found(m.key, former + role, rule, rules.confidence(rule) * post.confidence)
            return None
        if tok.lower_ in {"its", "their"} or (
            possessive and tok.pos_ == "NOUN" and tok.lower_ in data.org_nouns
        ):
            key = context_org(res, para, tok.i, pronoun=tok.lower_ in {"its", "their"})
            if key is None:
                return None
            rule = "membership/context-title-person"
            return Found(key, role, rule, rules.confidence(rule))
        # adjectives: a country's ("South African"), a nation's ("Welsh"), a party's
        span = [w for w in before[max(0, owner - 2) : owner + 1]]
        for i in range(len(span)):
            words = [w.text for w in span[i:]]
            place = place_named(res, self.lex, data, words, whole=True)
            if place and post is not None:
                former = self.former(doc, span[i].start)
                rule = "membership/country-title-person"
                return Found(place, former + role, rule, rules.confidence(rule) * post.confidence)
        start = self.name_run(para, tok.i)
        acronym = start is not None and start == tok.i and tok.text.isupper() and len(tok.text) > 1
        if start is not None and post is not None and title[0].text[:1].isupper() and not acronym:
            # "Finance Minister X", "Education Secretary Y": a portfolio, not an organization
            words = [t.lower_ for t in doc[start : tok.i + 1]] + role_words
            return self.post_only(para, start, " ".join(words), data.post_of(words))
        if start is not None:
            adjective = doc[start : tok.i + 1].text
            if (
                self.lex.demonym_length(adjective.split())
                or adjective.lower() in data.nations
                or any(w.lower() in data.not_party for w in adjective.split())
                or any(w.lower() in data.kind_words for w in adjective.split())
            ):
                return None
            key = named_org(res, para, start, tok.i + 1, self.lex.org_heads)
            if key is None:
                return None
            rule = "membership/name-title-person"
            return Found(key, self.former(doc, start) + role, rule, rules.confidence(rule))
        if possessive:
            return None
        return self.bare(para, title[0].start, role, post)

    def party_portfolio(self, name: str) -> tuple[str, str] | None:
        """(the organization, the portfolio in lower case) when a name the tagger calls a
        person begins with the name of an organization of the article and goes on with
        portfolio words: "Lib Dem Culture" is the Lib Dems' culture portfolio."""
        words = name.split()
        for k in range(len(words) - 1, 0, -1):
            rest = [w.lower() for w in words[k:]]
            if not all(w in self.data.portfolio_words for w in rest):
                continue
            key = existing_org(self.res, fold(" ".join(words[:k])))
            if key is not None:
                return key, " ".join(rest)
        return None

    @staticmethod
    def former(doc: Doc, start: int) -> str:
        """ "former " or "ex-" when the organization at ``start`` follows one ("former US
        president X", "ex-Tory minister Y"): the role keeps it (FORMAT.md)."""
        if start > 0 and doc[start - 1].lower_ in KEEP:
            return doc[start - 1].lower_ + " "
        if start > 1 and doc[start - 1].text == "-" and doc[start - 2].lower_ == "ex":
            return "ex-"
        return ""

    def bare(self, para: Para, start: int, role: str, post: Post | None) -> Found | None:
        """A title with no organization before it: an opposition post ("shadow chancellor")
        belongs to the party named around it; a company title to the company the paragraph
        is about; a government post to its department or country."""
        if any(w in self.data.opposition for w in role.split()):
            key = party_near(self.res, self.lex, sentences_around(self.paras, para, start))
            if key is None:
                return None
            rule = "membership/context-title-person"
            return Found(key, role, rule, rules.confidence(rule))
        if post is None and role in self.data.company_roles:
            key = subject_org(self.res, para)
            if key is not None:
                rule = "membership/subject-company-title"
                return Found(key, role, rule, rules.confidence(rule))
        return self.post_only(para, start, role, post)

    def name_run(self, para: Para, last: int) -> int | None:
        """The first token of the run of capitalised words ending at ``last`` that no entity
        claims ("Conservative", "Liberal Democrat", "Harbour Capital Markets"), or None. A
        sentence's first word counts only if the article also capitalises it mid-sentence
        ("Local councillor X" is no name)."""
        doc = para.doc
        start = last
        while start >= 0 and last - start < 4:
            tok = doc[start]
            ok = (
                tok.text[:1].isupper()
                and tok.is_alpha
                and tok.pos_ in {"PROPN", "ADJ", "NOUN"}
                and (tok.ent_type_ not in NOT_ORG_ENTS or self.swallowed(tok, last))
                and self.res.mention_at(para.index, tok.i) is None
                and tok.lower_ not in self.data.modifiers
                and tok.lower_ not in self.data.dropped
            )
            if not ok:
                break
            start -= 1
        start += 1
        if start > last:
            return None
        if doc[start].is_sent_start and doc[start].tag_ in COMPARED:
            # "Earlier Tory leader X": a time word, never a name; what follows may be one
            return start + 1 if start < last else None
        head = start == last and doc[start].text in self.lex.org_heads  # "Committee chairman X"
        if doc[start].is_sent_start and not head and not self.a_name(doc[start].lower_):
            return None
        return start

    @staticmethod
    def swallowed(tok: Token, last: int) -> bool:
        """Is the tagger's PERSON at ``tok`` no name: one that runs on over the title after
        ``last``, or one that starts with a glued "ex-" ("Ex-Labour" before "minister X")?"""
        ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
        if ent is None or ent.label_ != "PERSON":
            return False
        return ent.end > last + 2 or ent.text[:3].lower() == "ex-"

    def a_name(self, low: str) -> bool:
        """Is a sentence's first word a name: never written in lower case in the article
        ("Conservative" is, "Health analyst X" is not)?"""
        forms = {low, low + "s"}
        return not any(t.lower_ in forms and t.text.islower() for p in self.paras for t in p.doc)

    def department_like(self, name: str) -> bool:
        """Is an organization's name one of a department or body (its last word a head such
        as "Office", "Ministry", "Treasury"), rather than a portfolio ("Trade and Industry")?"""
        last = name.split()[-1] if name.split() else ""
        heads = set(self.lex.org_heads) | {
            d.split()[-1] for p in self.data.posts.values() for d in p.departments
        }
        return last in heads or len(name.split()) == 1 and name.isupper()

    def post_only(self, para: Para, start: int, role: str, post: Post | None) -> Found | None:
        """A government post with no organization in its phrase: its department when the
        article names it, else (if the post allows) the country the article names most.
        Not a post when an organization noun is in the role ("company secretary")."""
        if post is None or any(w in self.data.org_nouns for w in role.split()):
            return None
        data = self.data
        dept = department(self.res, post)
        if dept is not None:
            rule = "membership/department-post"
            return Found(dept, role, rule, rules.confidence(rule) * post.confidence)
        home = country_named(self.res, post.country) if post.country else None
        if home is not None:  # "Foreign Secretary X" where the article names the UK
            rule = "membership/country-post"
            return Found(home, role, rule, rules.confidence(rule) * post.confidence)
        portfolio = [w for w in role.split() if w not in self.data.modifiers]
        bare = len(portfolio) <= len(post.post.split())
        if post.country_fallback == "no" or post.country_fallback == "portfolio" and bare:
            return None
        country = main_country(self.res, self.lex, data, self.paras, para.index)
        if country is None:
            return None
        rule = "membership/country-post"
        return Found(country, role, rule, rules.confidence(rule) * post.confidence)
