"""The general knowledge the membership rules use, loaded once from ``data/``.

Why a module of its own: the membership rules (``memberships.py``, ``role_titles.py``,
``role_orgs.py``) share these tables, and each table is data (a reason and a confidence per
rule) so that a reviewer can judge a rule without reading code.

>>> data = role_data()
>>> data.confidence("apposition")
0.85
>>> data.post_of(["trade", "and", "industry", "secretary"]).post
'secretary'
>>> data.post_of(["chief", "executive"]) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from newskg.extraction import datafiles


@dataclass(frozen=True)
class Post:
    """A government post (``gov_posts.tsv``)."""

    post: str
    departments: tuple[str, ...]  # names of its department, as written
    country_fallback: str  # "yes", "portfolio" or "no"
    confidence: float


@dataclass(frozen=True)
class RoleData:
    rules: dict[str, float]  # rule -> confidence
    posts: dict[tuple[str, ...], Post]  # post words -> post
    person_roles: frozenset[str]
    dropped: frozenset[str]
    nations: dict[str, str]  # adjective (lower case) -> place name
    not_party: frozenset[str]  # lower case
    org_nouns: frozenset[str]
    modifiers: frozenset[str]
    company_roles: frozenset[str]
    opposition: frozenset[str]
    verbs: dict[str, tuple[str, str]]  # lemma -> (role, rule): "X joined the BBC"
    credits: dict[str, str]  # "reporting" -> "reporter": "Reporting by X"

    def confidence(self, rule: str) -> float:
        try:
            return self.rules[rule]
        except KeyError:
            raise datafiles.DataFileError(
                datafiles.data_path("membership_rules.tsv"),
                f"no row for the rule {rule!r}",
                fix="add a row: rule <TAB> confidence <TAB> reason",
            ) from None

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


@lru_cache(maxsize=1)
def role_data() -> RoleData:
    rules = {
        row.cells[0].strip(): row.confidence(row.cells[1])
        for row in datafiles.rows("membership_rules.tsv", ("rule", "confidence", "reason"))
    }
    posts: dict[tuple[str, ...], Post] = {}
    columns = ("post", "department", "country fallback", "confidence", "reason")
    for row in datafiles.rows("gov_posts.tsv", columns):
        post, dept, fallback, conf = (c.strip() for c in row.cells[:4])
        if fallback not in {"yes", "no", "portfolio"}:
            row.fail(f"country fallback {fallback!r}", "write yes, portfolio or no")
        names = tuple(d.strip() for d in dept.split("|") if d.strip() and d.strip() != "-")
        posts[tuple(post.lower().split())] = Post(
            post.lower(), names, fallback, row.confidence(conf)
        )
    return RoleData(
        rules=rules,
        posts=posts,
        person_roles=frozenset(w.lower() for w in datafiles.words("person_roles.txt")),
        dropped=frozenset(w.lower() for w in datafiles.words("role_words_dropped.txt")),
        nations={
            row.cells[0].strip().lower(): row.cells[1].strip()
            for row in datafiles.rows("role_nations.tsv", ("adjective", "place"))
        },
        not_party=frozenset(w.lower() for w in datafiles.words("not_party_adjectives.txt")),
        org_nouns=frozenset(w.lower() for w in datafiles.words("org_nouns.txt")),
        modifiers=frozenset(w.lower() for w in datafiles.words("role_modifiers.txt")),
        company_roles=frozenset(w.lower() for w in datafiles.words("company_roles.txt")),
        opposition=frozenset(w.lower() for w in datafiles.words("opposition_words.txt")),
        verbs={
            row.cells[0].strip(): (row.cells[1].strip(), _rule(row, row.cells[2].strip(), rules))
            for row in datafiles.rows("membership_verbs.tsv", ("lemma", "role", "rule"))
        },
        credits={
            row.cells[0].strip(): row.cells[1].strip()
            for row in datafiles.rows("credit_words.tsv", ("word", "role"))
        },
    )


def _rule(row: datafiles.Row, rule: str, rules: dict[str, float]) -> str:
    if rule not in rules:
        row.fail(f"no rule {rule!r} in membership_rules.tsv", "name a rule of that table")
    return rule
