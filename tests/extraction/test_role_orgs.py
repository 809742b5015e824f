"""The organization side of a role (src/newskg/extraction/role_orgs.py): a name in a title
that the article gave before with its country in front is that organization, not a second
one."""

from __future__ import annotations

from newskg.extraction.extract import extract
from tests.extraction.texts import article_of

FIRST = "The US Commerce Department said Tom Pell, the Secretary of Commerce, called the minister."


def test_a_body_named_again_without_its_country_is_one_organization() -> None:
    x = extract(article_of(FIRST, 'Jane Roe, the Commerce Department Spokesperson, said, "Calm."'))
    orgs = {e.key for e in x.entities if e.kind == "organization"}
    assert orgs == {"us-commerce-department"}
    assert {(m.member, m.organization, m.role) for m in x.memberships} == {
        ("jane-roe", "us-commerce-department", "spokesperson")
    }
