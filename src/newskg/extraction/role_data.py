"""The general knowledge the membership rules use, loaded once from ``data/``.

Why a module of its own: the membership rules (``memberships.py``, ``role_titles.py``,
``role_orgs.py``) share these tables, and each table is data so that a reviewer can judge a
rule without reading code. The rules' confidences and reasons are rows of the one rules
table (:mod:`newskg.extraction.rules`, ids ``membership/...``).

>>> data = role_data()
>>> data.verbs["join"]
('member', 'membership/join-leave')
>>> sorted(data.appoint)
['appoint', 'elect', 'make', 'name']
>>> data.post_of(["trade", "and", "industry", "secretary"]).post
'trade and industry secretary'
>>> data.post_of(["chief", "executive"]) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from newskg.extraction import datafiles, rules


@dataclass(frozen=True)
class Post:
    """A government post (``gov_posts.tsv``)."""

    post: str
    departments: tuple[str, ...]  # names of its department, as written
    country_fallback: str  # "yes", "portfolio" or "no"
    confidence: float
    country: str | None = None  # the one country with this post, by its name


@dataclass(frozen=True)
class RoleData:
    posts: dict[tuple[str, ...], Post]  # post words -> post
    person_roles: frozenset[str]
    dropped: frozenset[str]
    nations: dict[str, str]  # adjective (lower case) -> place name
    not_party: frozenset[str]  # lower case
    kind_words: frozenset[str]  # "Pop singer X": a kind of music, not a body (lower case)
    honorifics: frozenset[str]  # "Sir", "Lord": between a title and its name (as written)
    portfolio_words: frozenset[str]  # "home", "affairs": a portfolio's words (lower case)
    org_nouns: frozenset[str]
    modifiers: frozenset[str]
    company_roles: frozenset[str]
    opposition: frozenset[str]
    verbs: dict[str, tuple[str, str]]  # lemma -> (role, rule id): "X joined the BBC"
    credits: dict[str, str]  # "reporting" -> "reporter": "Reporting by X"
    copulas: frozenset[str]  # verbs of a predicate role: "X became chairman of Y"
    appoint: frozenset[str]  # those whose object holds the role: "Y named X chairman"

    def post_of(self, role_words: Sequence[str]) -> Post | None:
        """The government post the role ends with (longest), or None (also for an
        opposition post: "shadow chancellor")."""
        low = tuple(w.lower() for w in role_words)
        if any(w in self.opposition for w in low):
            return None
        for n in range(len(low), 0, -1):
            post = self.posts.get(low[-n:])
            if post is not None:
                return post
        return None


#: Columns of gov_posts.tsv.
POST_COLUMNS = ("post", "department", "country fallback", "confidence", "country", "reason")


@lru_cache(maxsize=1)
def role_data() -> RoleData:
    posts: dict[tuple[str, ...], Post] = {}
    for row in datafiles.rows("gov_posts.tsv", POST_COLUMNS):
        post, dept, fallback, conf, country = (c.strip() for c in row.cells[:5])
        if fallback not in {"yes", "no", "portfolio"}:
            row.fail(f"country fallback {fallback!r}", "write yes, portfolio or no")
        names = tuple(d.strip() for d in dept.split("|") if d.strip() and d.strip() != "-")
        posts[tuple(post.lower().split())] = Post(
            post.lower(), names, fallback, row.confidence(conf), None if country == "-" else country
        )
    holders = _holders()
    return RoleData(
        posts=posts,
        person_roles=datafiles.word_set("person_roles.txt"),
        dropped=datafiles.word_set("role_words_dropped.txt"),
        nations={
            row.cells[0].strip().lower(): row.cells[1].strip()
            for row in datafiles.rows("role_nations.tsv", ("adjective", "place"))
        },
        not_party=datafiles.word_set("not_party_adjectives.txt"),
        kind_words=datafiles.word_set("role_kind_words.txt"),
        honorifics=frozenset(datafiles.words("role_honorifics.txt")),
        portfolio_words=datafiles.word_set("portfolios.txt") | {"and", "&"},
        org_nouns=datafiles.word_set("org_nouns.txt"),
        modifiers=datafiles.word_set("role_modifiers.txt"),
        company_roles=datafiles.word_set("company_roles.txt"),
        opposition=datafiles.word_set("opposition_words.txt"),
        verbs={
            row.cells[0].strip(): (row.cells[1].strip(), _rule(row, row.cells[2].strip()))
            for row in datafiles.rows("membership_verbs.tsv", ("lemma", "role", "rule"))
        },
        credits={
            row.cells[0].strip(): row.cells[1].strip()
            for row in datafiles.rows("credit_words.tsv", ("word", "role"))
        },
        copulas=frozenset(holders),
        appoint=frozenset(verb for verb, holder in holders.items() if holder == "object"),
    )


def _holders() -> dict[str, str]:
    """``predicate_verbs.tsv``: lemma -> who holds the role, "subject" or "object"."""
    found = {}
    for row in datafiles.rows("predicate_verbs.tsv", ("lemma", "holder", "reason")):
        lemma, holder = row.cells[0].strip(), row.cells[1].strip()
        if holder not in {"subject", "object"}:
            row.fail(f"holder {holder!r}", "write subject or object")
        found[lemma] = holder
    return found


def _rule(row: datafiles.Row, rule: str) -> str:
    """A rule id of a data row, checked against the rules table."""
    try:
        rules.rule(rule)
    except rules.UnknownRuleError:
        row.fail(f"no rule {rule!r} in rules.tsv", "name a membership/ rule of that table")
    return rule
