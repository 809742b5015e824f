"""FORMAT.md's scoring rules that depend on the gold file: ``layers`` (a layer not annotated
is not scored), ``event_types_covered`` (an event of another type is neither right nor wrong)
and null speakers (a quote whose speaker the source could not name counts for quotes only)."""

from __future__ import annotations

from typing import Any

from newskg.evaluation import score_article
from newskg.extraction.model import (
    ArticleText,
    Entity,
    Event,
    EventArgument,
    Extraction,
    Membership,
    Span,
    Statement,
)


def _x() -> Extraction:
    art = ArticleText("a", "a.txt", "x" * 100, headline="H")
    ents = [
        Entity("jane-roe", "actor", "Jane Roe"),
        Entity("acme", "organization", "Acme"),
        Entity("paris", "place", "Paris"),
    ]
    sts = [
        Statement("we will win the cup", Span(0, 5), "jane-roe", [Span(0, 9)], 0.9, "r"),
        Statement("nobody knows who said it", Span(10, 15), "acme", [Span(10, 19)], 0.9, "r"),
        Statement("an anonymous remark here", Span(20, 25), None, [Span(20, 29)], 0.9, "r"),
    ]
    evs = [
        Event("attack", "attack", [EventArgument("acme", "agent")], [Span(0, 9)], 0.8, "r"),
        Event("statement", "said", [EventArgument("jane-roe", "agent")], [Span(0, 9)], 0.8, "r"),
        Event("meeting", "met", [EventArgument("jane-roe", "agent")], [Span(0, 9)], 0.8, "r"),
    ]
    mem = [Membership("jane-roe", "acme", "chief", [Span(0, 9)], 0.9, "r")]
    return Extraction(art, ents, sts, evs, mem)


def _layers(gold: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    s = score_article(_x(), gold)
    return {k: (v.tp, v.system, v.gold) for k, v in s.layers.items() if k != "metadata"}


def test_only_annotated_layers_are_scored() -> None:
    gold = {"layers": ["persons"], "persons": [{"name": "Jane Roe", "aliases": []}]}
    scored = _layers(gold)
    assert scored["persons"] == (1, 1, 1)
    # Organizations, places, quotes, events and memberships exist in the extraction but the
    # source did not annotate them: neither false positives nor anything else.
    for layer in ("organizations", "places", "quotes", "quote speakers", "events"):
        assert scored[layer] == (0, 0, 0), layer
    assert scored["event participants"] == scored["memberships"] == (0, 0, 0)


def test_without_layers_everything_is_annotated() -> None:
    scored = _layers({"persons": [{"name": "Jane Roe", "aliases": []}]})
    assert scored["organizations"] == (0, 1, 0)  # Acme: a false positive
    assert scored["quotes"] == (0, 3, 0)
    assert scored["events"] == (0, 3, 0)
    assert scored["memberships"] == (0, 1, 0)


def test_event_types_covered() -> None:
    gold = {
        "layers": ["events"],
        "event_types_covered": ["attack", "meeting"],
        "events": [
            {"type": "attack", "participants": [{"name": "Acme", "role": "agent"}]},
        ],
    }
    # The statement event is of a type the source does not annotate: left out; the meeting
    # is of a covered type and not in the gold: a false positive.
    assert _layers(gold)["events"] == (1, 2, 1)
    del gold["event_types_covered"]
    assert _layers(gold)["events"] == (1, 3, 1)


def test_null_speakers_are_left_out_of_speaker_accuracy() -> None:
    gold = {
        "layers": ["quotes"],
        "quotes": [
            {"text": "we will win the cup", "speaker": "jane roe"},  # by name: no persons layer
            {"text": "nobody knows who said it", "speaker": None},
            {"text": "an anonymous remark here", "speaker": None},
        ],
    }
    s = score_article(_x(), gold)
    q = s.layers["quotes"]
    assert (q.tp, q.system, q.gold) == (3, 3, 3)
    # Only the quote with a named gold speaker is judged (and it is right); the system's
    # speaker for a quote the source could not attribute is neither right nor wrong.
    assert (s.right_speakers, s.found_quotes) == (1, 1)
    gold["quotes"][0]["speaker"] = "Acme"
    s = score_article(_x(), gold)
    assert (s.right_speakers, s.found_quotes) == (0, 1)


def test_unannotated_entity_lists_still_resolve_names() -> None:
    """A set that annotates quotes (or memberships, events) only may list entities so that
    their aliases resolve the names it uses: the list is read, not scored."""
    quote = {"text": "we will win the cup", "speaker": "the captain"}
    persons = [{"name": "Jane Roe", "aliases": ["the captain"]}]
    listed = score_article(_x(), {"layers": ["quotes"], "quotes": [quote], "persons": persons})
    assert (listed.right_speakers, listed.found_quotes) == (1, 1)
    assert listed.layers["persons"].gold == listed.layers["persons"].system == 0
    # Without the list the speaker is matched by name against the system speaker's labels.
    bare = score_article(_x(), {"layers": ["quotes"], "quotes": [quote]})
    assert (bare.right_speakers, bare.found_quotes) == (0, 1)
