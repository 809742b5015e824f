"""How the scorer compares: names folded (:func:`gold_form`) and items paired one to one
(:func:`max_matching`), so an entity split in two or two merged into one cost what they
should."""

from __future__ import annotations

from collections.abc import Callable

from newskg import text


def gold_form(name: str | None) -> str:
    """``name`` as gold is compared: :func:`newskg.text.fold` with :data:`newskg.text.GOLD`
    (case, every accent, punctuation and whitespace folded; a leading "the" dropped).

    >>> gold_form("  The U.S. Army’s ") == gold_form("u.s. army's")
    True
    >>> gold_form("Al-Noor  Society")
    'al noor society'
    """
    return text.fold(name, text.GOLD)


def words(text: str) -> list[str]:
    return gold_form(text).split()


def max_matching(n_left: int, n_right: int, edge: Callable[[int, int], bool]) -> dict[int, int]:
    """Maximum bipartite matching (left index -> right index), deterministic (augmenting
    paths tried in index order)."""
    adj = [[j for j in range(n_right) if edge(i, j)] for i in range(n_left)]
    match_right: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in adj[i]:
            if j not in match_right:
                match_right[j] = i
                return True
        for j in adj[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in match_right or augment(match_right[j], seen):
                match_right[j] = i
                return True
        return False

    for i in range(n_left):
        augment(i, set())
    return {i: j for j, i in match_right.items()}
