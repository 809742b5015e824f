"""A sorted point lookup's pattern backtracked exponentially (found in the last read of the
change of issue 15 that answers sorted point lookups in the web worker).

The pattern that recognises ``… } ORDER BY ?p DESC(?o)`` let a comment match a run of ``#``
in 2^n ways: ``ORDER BY`` then 27 ``#`` and a character that is not a variable took 10 s of
a web worker's CPU, which nothing can stop (the web worker has no kill switch), 60 hashes
forever. White space and variables are now matched possessively: one way to match any text.
The bound below is a guard against exponential time (the attack's 27 hashes took 10 s), not
a benchmark."""

from __future__ import annotations

import pytest

from newskg.sparql.answers import NO_DATASET
from newskg.sparql.lookup import eligible
from tests.issues.linear import assert_linear, run_of

HEAD = "SELECT ?p ?o WHERE { <http://example.org/a> ?p ?o } ORDER BY "
TAILS = {
    "hashes": "#",
    "hash-lines": "#\n",
    "spaces": " ",
    "variables": "?a ",
    "variable-letters": "?aDESC",
    "desc-calls": "DESC(?a) ",
    "unclosed-desc": "DESC( ",
}


@pytest.mark.parametrize("unit", TAILS.values(), ids=TAILS.keys())
def test_a_long_order_by_is_recognised_at_once(unit: str) -> None:
    for end in ("!", "\n!", "(", ""):
        query = HEAD + run_of(unit) + end
        assert_linear(lambda: eligible(query, NO_DATASET), unit, end)  # noqa: B023 - run now


def test_sorted_lookups_are_still_recognised() -> None:
    for order in ("?p", "?p ?o", "DESC(?o) ?p", "?p # why\n DESC ( ?o ) LIMIT 3", "?o OFFSET 2"):
        assert eligible(HEAD + order, NO_DATASET), order
    for order in ("STR(?o)", "?p ?o FILTER", "(?p)", ""):
        assert not eligible(HEAD + order, NO_DATASET), order
