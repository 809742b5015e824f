"""The rules that make the graph's facts, each with its confidence and reason: one table,
``data/rules.tsv``, read here and nowhere else.

Why one table: a fact's ``nkg:extractor`` names the rule that made it and its
``nkg:confidence`` is that rule's confidence, so a reader of the graph (or a reviewer of the
rules) looks both up in one place, with the reason the rule holds, without reading code; and
a confidence changes in one line of data, not in the code of the layer that uses it.

A rule id is written as the graph writes it: ``quote/...`` for statements, ``event/...`` for
events, ``membership/...`` for memberships. Rows of the layer ``adjustment`` are numbers that
change a fact already made (each further mention of an event raises its confidence); they are
never an extractor. Code that asks for an id the table lacks fails, naming the id:

>>> confidence("membership/apposition")
0.85
>>> rule("quote/according-to").layer
'statement'
>>> try:
...     confidence("quote/no-such-rule")
... except UnknownRuleError as error:
...     print(error.rule)
quote/no-such-rule
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newskg.extraction import datafiles

TABLE = "rules.tsv"
COLUMNS = ("rule", "layer", "confidence", "reason")
#: layer -> the prefix of its rule ids (what nkg:extractor starts with)
PREFIXES = {"statement": "quote", "event": "event", "membership": "membership"}
LAYERS = (*PREFIXES, "adjustment")
RULE_ID = re.compile(r"^[a-z]+/[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Rule:
    """One row of the rules table."""

    id: str
    layer: str
    confidence: float
    reason: str


class UnknownRuleError(datafiles.DataFileError):
    """Code asked for a rule the table has no row for (a fact would carry a confidence and
    an extractor nobody can look up)."""

    def __init__(self, path: Path, rule: str) -> None:
        self.rule = rule
        super().__init__(
            path,
            f"no row for the rule {rule!r}",
            fix="add a row: rule <TAB> layer <TAB> confidence <TAB> reason",
        )


def load(name: str | Path = TABLE) -> dict[str, Rule]:
    """The rules of the table ``name`` by id; :class:`~newskg.extraction.datafiles.
    DataFileError` for a missing file, a line without its columns, a malformed id, an
    unknown layer, an id whose prefix is not its layer's, a confidence that is not a number
    in [0, 1], an empty reason or an id written twice."""
    found: dict[str, Rule] = {}
    for row in datafiles.rows(name, COLUMNS):
        ident, layer, conf, reason = (cell.strip() for cell in row.cells)
        if not RULE_ID.match(ident):
            row.fail(f"rule id {ident!r} is not prefix/name", "write it as nkg:extractor says")
        if layer not in LAYERS:
            row.fail(f"layer {layer!r} is not one of {', '.join(LAYERS)}", "fix the column")
        prefix = ident.split("/")[0]
        allowed = set(PREFIXES.values()) if layer == "adjustment" else {PREFIXES[layer]}
        if prefix not in allowed:
            row.fail(
                f"a {layer} rule id starts with {prefix!r}",
                f"start it with {' or '.join(sorted(allowed))}/",
            )
        if not reason:
            row.fail("the reason is empty", "say why the rule holds")
        if ident in found:
            row.fail(f"the rule {ident!r} has a row already", "keep one row per rule")
        found[ident] = Rule(ident, layer, row.confidence(conf), reason)
    return found


@lru_cache(maxsize=1)
def table() -> dict[str, Rule]:
    """The rules of ``data/rules.tsv`` (read once)."""
    return load(TABLE)


def rule(rule_id: str) -> Rule:
    """The row of ``rule_id``, or :class:`UnknownRuleError`."""
    try:
        return table()[rule_id]
    except KeyError:
        raise UnknownRuleError(datafiles.data_path(TABLE), rule_id) from None


def confidence(rule_id: str) -> float:
    """The confidence of what the rule ``rule_id`` finds."""
    return rule(rule_id).confidence


def reason(rule_id: str) -> str:
    """Why the rule ``rule_id`` holds."""
    return rule(rule_id).reason
