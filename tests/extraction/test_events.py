"""Events on made-up sentences: type, agent, target, place, date and the composed label, for
each kind of failure the event rules guard against (false trigger senses, wrong roles,
unattributed mentions, one event told twice)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newskg.extraction import datafiles
from newskg.extraction.event_labels import compose, enumerate_names, patterns
from newskg.extraction.extract import extract
from newskg.extraction.model import EVENT_TYPES, Event, EventArgument
from tests.extraction.texts import article_of


def events_of(body: str, published: str = "2023-10-09") -> list[Event]:
    """The events of a one-paragraph article published (a Monday by default) on ``published``."""
    return extract(article_of(body, headline="Headline", published=published)).events


def shape(ev: Event) -> tuple[str, list[tuple[str, str]], str | None, str | None, str]:
    return (ev.type, [(a.role, a.entity) for a in ev.arguments], ev.place, ev.date, ev.label)


def test_label_is_composed_from_the_structure() -> None:
    [ev] = events_of("Hamas launched an attack on Israel in Gaza on Saturday.")
    assert shape(ev) == (
        "attack",
        [("agent", "hamas"), ("target", "israel")],
        "gaza",
        "2023-10-07",
        "Attack by Hamas on Israel in Gaza, 2023-10-07",
    )


def test_killed_with_no_killer_named_is_a_death_of_the_victim() -> None:
    [ev] = events_of("John Smith was killed in a firefight with soldiers in Boston on Monday.")
    assert shape(ev) == (
        "death",
        [("target", "john-smith")],
        "boston",
        "2023-10-09",
        "Death of John Smith in Boston, 2023-10-09",
    )


def test_the_clause_reporting_a_passive_killing_is_not_its_agent() -> None:
    # the ministry confirmed the killing; it did not kill
    [ev] = events_of("The Defense Ministry confirmed that a general was killed in Syria.")
    assert shape(ev) == ("death", [], "syria", None, "Death in Syria")


def test_possessor_of_an_arrest_is_who_was_arrested() -> None:
    [ev] = events_of("John Smith lost his job after his arrest in Boston.")
    assert shape(ev) == (
        "legal action",
        [("target", "john-smith")],
        "boston",
        None,
        "Legal action against John Smith in Boston",
    )


def test_a_meeting_needs_someone_met() -> None:
    assert events_of("Mr Chidambaram said he has now met the target.") == []
    [ev] = events_of("Tony Blair met Gerhard Schroeder in Berlin on Tuesday.")
    assert shape(ev) == (
        "meeting",
        [("participant", "tony-blair"), ("participant", "gerhard-schroeder")],
        "berlin",
        "2023-10-03",
        "Meeting of Tony Blair and Gerhard Schroeder in Berlin, 2023-10-03",
    )


@pytest.mark.parametrize(
    "body",
    [
        "Police arrested 12 people on Sunday.",  # nobody named, no place: a date is not enough
        "At the Millbrook Lane bomb, the victims were three men.",  # the noun is a device
        "Ortega noted that charging documents showed that Velkov had dinner with them.",
        "The tsunami which struck Indonesia killed thousands.",  # nobody attacks
    ],
)
def test_no_event(body: str) -> None:
    assert events_of(body) == []


def test_one_event_told_twice_is_one_event() -> None:
    [ev] = events_of("Russia attacked Ukraine on Thursday. The Russian attack drew condemnation.")
    assert shape(ev) == (
        "attack",
        [("agent", "russia"), ("target", "ukraine")],
        None,
        "2023-10-05",
        "Attack by Russia on Ukraine, 2023-10-05",
    )
    assert len(ev.evidence) == 2


def test_different_victims_are_different_events() -> None:
    found = events_of("Russia attacked Ukraine on Thursday. Russia attacked Georgia on Friday.")
    assert [e.label for e in found] == [
        "Attack by Russia on Ukraine, 2023-10-05",
        "Attack by Russia on Georgia, 2023-10-06",
    ]


def test_who_claimed_the_attacks_did_them() -> None:
    [ev] = events_of("Hamas claimed responsibility for the bombings in Gaza.")
    assert shape(ev) == ("attack", [("agent", "hamas")], "gaza", None, "Attack by Hamas in Gaza")


def test_what_something_is_called_is_no_event_but_there_was_is() -> None:
    assert events_of("It was the first recorded death of a Chilean colonel in Peru.") == []
    [ev] = events_of("There was an attack on Israel in Gaza.")
    assert shape(ev) == ("attack", [("target", "israel")], "gaza", None, "Attack on Israel in Gaza")


def test_a_scheduled_meeting_is_a_fact_a_possible_one_is_not() -> None:
    [ev] = events_of("Tony Blair will attend the EU summit in Brussels.")
    assert shape(ev) == (
        "meeting",
        [("participant", "european-union"), ("participant", "tony-blair")],
        "brussels",
        None,
        "Meeting of European Union and Tony Blair in Brussels",
    )
    assert events_of("Tony Blair could attend the EU summit in Brussels.") == []
    assert events_of("Hamas will attack Israel.") == []  # an attack is not scheduled


def test_who_stands_in_an_election_takes_part_in_it() -> None:
    """The candidate and the party they stand for both take part."""
    [ev] = events_of("Nora Pell will stand as a Liberal candidate in the election.")
    assert shape(ev) == (
        "election",
        [("participant", "nora-pell"), ("participant", "liberal")],
        None,
        None,
        "Election involving Nora Pell and Liberal",
    )


def test_who_took_part_in_a_role_takes_part_in_the_event() -> None:
    """The parser hangs the event from the role noun ("candidate in the election"): the one
    who stood in that role still took part."""
    [ev] = events_of(
        "Sarah Jones, who quit her job to stand as a Green candidate in the election, "
        "spoke on Monday."
    )
    assert shape(ev) == (
        "election",
        [("participant", "sarah-jones"), ("participant", "green")],
        None,
        None,
        "Election involving Sarah Jones and Green",
    )
    [ev] = events_of(
        "Tom Hardy, who left the firm to serve as an observer at the summit in Geneva, "
        "spoke on Monday."
    )
    assert shape(ev) == (
        "meeting",
        [("participant", "tom-hardy")],
        "geneva",
        None,
        "Meeting of Tom Hardy in Geneva",
    )


def test_a_during_phrase_hung_on_a_noun_still_places_the_subject_there() -> None:
    """The parser hangs "during a meeting" on "the accounts": the one who spoke (or kept
    silent) was still at the meeting."""
    found = events_of(
        'Jane Cooper said Tom Hardy had not mentioned "anything odd" about the accounts '
        "during a 2001 board meeting."
    )
    assert [shape(e) for e in found] == [
        ("meeting", [("participant", "tom-hardy")], None, "2001", "Meeting of Tom Hardy, 2001")
    ]


def test_a_participle_describing_someone_is_a_fact_under_any_main_clause() -> None:
    """ "X, released in May, will not be allowed ...": the negation and the future are the
    main clause's; the release happened. The participle's own modal still blocks it."""
    found = events_of("Mary Smith, released from prison in May, will not be allowed a passport.")
    assert [shape(e) for e in found] == [
        ("legal action", [("target", "mary-smith")], None, None, "Legal action against Mary Smith")
    ]
    found = events_of("British troops deployed in Iraq should be replaced, Charles Kennedy said.")
    assert [shape(e) for e in found if e.type != "statement"] == [
        ("military deployment", [], "iraq", None, "Military deployment in Iraq")
    ]
    assert events_of("British troops could be deployed in Iraq.") == []


def test_modality_rules_tell_facts_from_possibilities() -> None:
    """:mod:`event_modality` on parsed sentences: a modal of doubt or a negation blocks a
    trigger, a scheduled one stands in the future, and "X said it would" announces X's own
    decision while "X said Y would" forecasts someone else's."""
    from newskg.extraction.event_modality import announced, blocked
    from newskg.extraction.lexicon import lexicon
    from newskg.extraction.nlp import get_nlp

    nlp, blockers = get_nlp(), lexicon().blockers

    def verb(sentence: str, lemma: str) -> tuple[bool, bool]:
        tok = next(t for t in nlp(sentence) if t.lemma_ == lemma)
        return blocked(tok, blockers, set()), blocked(tok, blockers, set(), scheduled=True)

    assert verb("Hamas attacked Israel.", "attack") == (False, False)
    assert verb("Hamas could attack Israel.", "attack") == (True, True)
    assert verb("Hamas did not attack Israel.", "attack") == (True, True)
    assert verb("Blair will attend the summit.", "attend") == (True, False)
    said = next(t for t in nlp("Ford said it will close the plant.") if t.lemma_ == "close")
    assert announced(said)
    assert not announced(next(t for t in nlp("Ford closed the plant.") if t.lemma_ == "close"))


def test_a_definite_unnamed_mention_is_the_last_fitting_event_told_before() -> None:
    """ "The Whitehall meeting" after two named meetings is the last one told before it
    that fits (Weller's; Marsh's talks are in Jakarta); an indefinite meeting "of ministers"
    is one meeting, not a kind of them."""
    found = events_of(
        "Anna Weller chaired a meeting of ministers on Tuesday. Piet Marsh held talks with "
        "Olu Bakare in Jakarta. Mr Marsh, who was not at the Whitehall meeting, spoke later."
    )
    assert [shape(e) for e in found] == [
        (
            "meeting",
            [("participant", "anna-weller")],
            "whitehall",
            "2023-10-03",
            "Meeting of Anna Weller in Whitehall, 2023-10-03",
        ),
        (
            "meeting",
            [("participant", "olu-bakare"), ("participant", "piet-marsh")],
            "jakarta",
            None,
            "Meeting of Olu Bakare and Piet Marsh in Jakarta",
        ),
    ]
    assert len(found[0].evidence) == 2
    assert events_of("Tony Blair criticised the killing of civilians.") == []  # a kind


def test_initials_misread_as_a_verb_name_the_doer() -> None:
    """ "IS attacks": the parser reads "IS" as "is"; its initials name the Islamic State, the
    doer of the attacks and so the killer of those killed in them."""
    found = events_of(
        "Islamic State militants were active. In April, twenty soldiers were killed in IS "
        "attacks in Palmyra."
    )
    assert [shape(e) for e in found] == [
        (
            "attack",
            [("agent", "islamic-state")],
            "palmyra",
            None,
            "Attack by Islamic State in Palmyra",
        ),
        (
            "killing",
            [("agent", "islamic-state")],
            "palmyra",
            None,
            "Killing by Islamic State in Palmyra",
        ),
    ]


def test_meeting_officials_is_a_meeting() -> None:
    [ev] = events_of("Gina Raimondo met European officials in Brussels on Friday.")
    assert shape(ev) == (
        "meeting",
        [("participant", "gina-raimondo")],
        "brussels",
        "2023-10-06",
        "Meeting of Gina Raimondo in Brussels, 2023-10-06",
    )


def test_an_unnamed_mention_joins_the_one_named_event_of_its_type() -> None:
    [ev] = events_of("John Smith died on Monday. A man was killed in Boston, police said.")
    assert shape(ev) == (
        "death",
        [("target", "john-smith")],
        "boston",
        "2023-10-09",
        "Death of John Smith in Boston, 2023-10-09",
    )
    assert len(ev.evidence) == 2
    # an unnamed strike elsewhere is not the named attack on a place
    found = events_of(
        "Hamas launched an attack on Israel. After the drone strike in Jordan, officials left."
    )
    assert [e.label for e in found] == ["Attack by Hamas on Israel", "Attack in Jordan"]
    # unnamed deaths in two places: which one is John Smith's cannot be told
    found = events_of(
        "A man was killed in Boston. Another man was killed in Chicago. John Smith died on Monday."
    )
    assert [e.label for e in found] == [
        "Death in Boston",
        "Death in Chicago",
        "Death of John Smith, 2023-10-09",
    ]


def test_the_named_owner_of_the_doers_is_the_agent_a_city_is_not() -> None:
    [ev] = events_of("The NLF's Porto brigade detonated 14 bombs around the town on Friday.")
    assert shape(ev) == (
        "attack",
        [("agent", "nlf")],
        None,
        "2023-10-06",
        "Attack by NLF, 2023-10-06",
    )
    [ev] = events_of("Gaza militants attacked Israel.")
    assert shape(ev) == ("attack", [("target", "israel")], None, None, "Attack on Israel")


def test_a_negated_verb_does_not_negate_the_meeting_it_happened_at() -> None:
    [ev] = events_of(
        "Ms Ruddock said Mr Fenwick had not raised it during a Norbridge audit committee meeting."
    )
    assert shape(ev) == (
        "meeting",
        [("participant", "norbridge"), ("participant", "fenwick")],
        None,
        None,
        "Meeting of Norbridge and Fenwick",
    )


def test_a_relative_clause_in_which_says_where() -> None:
    found = events_of("Police are investigating the attack on Boston in which 22 people died.")
    assert [shape(e) for e in found] == [
        ("attack", [("target", "boston")], None, None, "Attack on Boston"),
        ("death", [], "boston", None, "Death in Boston"),
    ]


def test_compose_leaves_out_empty_roles_and_joins_names() -> None:
    names = {"a": "Ann Lee", "b": "Bo Chen", "c": "Cy Diaz"}
    args = [EventArgument(k, "participant") for k in "abc"]
    assert compose("meeting", "", args, names) == "Meeting of Ann Lee, Bo Chen and Cy Diaz"
    assert compose("attack", "", [], names, date="2019-03") == "Attack, 2019-03"
    assert compose("other", "capture", [EventArgument("a", "agent")], names) == (
        "Capture by Ann Lee"
    )
    assert compose("other", "unknown-sort", [EventArgument("a", "agent")], names) == (
        "Event by Ann Lee"
    )
    assert enumerate_names(["A", "B"]) == "A and B"


def test_every_event_type_has_a_label_pattern() -> None:
    assert set(EVENT_TYPES) <= set(patterns())


def test_a_pattern_without_a_slot_fails_loudly(tmp_path: Path) -> None:
    bad = tmp_path / "event_labels.tsv"
    bad.write_text("# test\nkey\tpattern\nattack\tAttack| by someone\n", encoding="utf-8")
    with pytest.raises(datafiles.DataFileError, match="no single slot"):
        patterns(bad)
    bad.write_text("# test\nkey\tpattern\nattack\tAttack| by {agent}\n", encoding="utf-8")
    with pytest.raises(datafiles.DataFileError, match="no label pattern for the event type"):
        patterns(bad)


def test_the_title_stands_for_the_person_last_named_as_subject() -> None:
    """ "The prime minister ..., chairing a meeting": the person the article went on about."""
    [ev] = events_of(
        "Tony Blair has predicted that aid will rise.\n\nThe prime minister took control of"
        " the relief effort on Wednesday, chairing a meeting of the flood committee."
    )
    assert shape(ev) == ("meeting", [("participant", "tony-blair")], None, None, ev.label)
    assert ev.label == "Meeting of Tony Blair"


def test_the_title_stands_for_the_person_given_it_before_the_name() -> None:
    [ev] = events_of(
        "Prime Minister Tony Blair met the press. Gordon Brown spoke later.\n\n"
        "The prime minister chaired a meeting of the cabinet on Tuesday."
    )
    assert shape(ev)[:2] == ("meeting", [("participant", "tony-blair")])


def test_a_qualified_title_may_be_someone_else() -> None:
    assert (
        events_of(
            "Tony Blair spoke to reporters.\n\n"
            "The former prime minister chaired a meeting of the cabinet on Tuesday."
        )
        == []
    )


def test_an_unnamed_mention_joins_the_one_named_event_it_fits() -> None:
    """The Geneva talks are Weller's meeting, not the summit in Brussels."""
    evs = events_of(
        "Anna Weller met Olu Bakare on Monday. The Geneva talks covered several"
        " issues before an EU summit in Brussels."
    )
    assert [(e.type, e.place, len(e.evidence)) for e in evs] == [
        ("meeting", "geneva", 2),
        ("meeting", "brussels", 1),
    ]
    assert [a.entity for a in evs[0].arguments] == ["anna-weller", "olu-bakare"]


def test_a_named_series_of_attacks_is_one_event_and_its_day_name_no_date() -> None:
    [ev] = events_of(
        "The NLF's decision to carry out the Black Tuesday bombings was a grave error."
    )
    assert shape(ev) == ("attack", [("agent", "nlf")], None, None, "Attack by NLF")


def test_agreeing_that_is_an_opinion_and_a_title_word_no_event() -> None:
    assert events_of("Barca midfielder Deco agreed that it was not typical of his team.") == []
    assert events_of("Mick Jagger won the award for Old Habits Die Hard from Alfie.") == []
    [ev] = events_of("Aggregate Industries agreed to sell its plant to Holcim on Monday.")
    assert shape(ev)[:2] == ("agreement", [("participant", "aggregate-industries")])


def test_an_event_awaited_until_or_pending_has_not_taken_place() -> None:
    assert events_of("Judge Mary Jones ordered the men held until the trial of John Smith.") == []
    assert events_of("The men were freed pending the trial of John Smith.") == []
    [ev] = events_of("The trial of John Smith opened in Boston on Monday.")
    assert shape(ev)[:2] == ("legal action", [("target", "john-smith")])


def test_court_outcomes_without_convict_or_sentence_are_legal_actions() -> None:
    [jailed] = events_of("John Smith was jailed for life in Boston.")
    assert shape(jailed) == (
        "legal action",
        [("target", "john-smith")],
        "boston",
        None,
        "Legal action against John Smith in Boston",
    )
    [acquitted] = events_of("A third defendant, Richard Rutkowski, was acquitted.")
    assert shape(acquitted)[:2] == ("legal action", [("target", "richard-rutkowski")])
    [fined] = events_of("In December, Vivendi was fined 1m euros by the regulator.")
    assert shape(fined)[:2] == ("legal action", [("target", "vivendi")])
    # fines in general, and a hypothetical one, are no events
    assert events_of("Parents get fined if children miss school.") == []
    assert events_of("It could be fined up to 5,000 pounds, said Acme Ltd.") == []


def test_a_person_jailed_does_not_jail_the_organization_they_work_for() -> None:
    assert events_of("A China Construction Bank branch manager was jailed for life.") == []


def test_who_entered_office_in_a_reshuffle_is_its_appointee() -> None:
    [ev] = events_of(
        "Maria Dunmore entered the Cabinet in March in the reshuffle caused by the resignation"
        " of Owen Tate."
    )
    # the body she entered takes part too
    assert shape(ev)[:2] == (
        "appointment",
        [("target", "maria-dunmore"), ("participant", "cabinet")],
    )


def test_release_from_custody_of_someone_named_is_a_legal_action() -> None:
    [ev] = events_of("John Smith was freed on bail on Monday.")
    assert shape(ev) == (
        "legal action",
        [("target", "john-smith")],
        None,
        "2023-10-09",
        "Legal action against John Smith, 2023-10-09",
    )
    assert events_of("John Smith was released from hospital on Monday.") == []
    assert events_of("Acme Ltd released figures on Monday.") == []


def test_a_participle_names_the_object_of_its_verb() -> None:
    """ "The sanctions imposed on Iran": the sanctions are what was imposed."""
    [ev] = events_of("The sanctions imposed on Iran by the United States hurt.")
    assert shape(ev)[:2] == ("other", [("agent", "united-states"), ("target", "iran")])


def test_fire_from_an_organization_names_the_killer() -> None:
    [ev] = events_of("John Smith was killed by mortar fire from Hamas in Gaza.")
    assert shape(ev) == (
        "killing",
        [("agent", "hamas"), ("target", "john-smith")],
        "gaza",
        None,
        "Killing of John Smith by Hamas in Gaza",
    )


def test_a_short_quoted_phrase_in_the_reporters_sentence_still_tells_the_event() -> None:
    """ "has been in "lengthy talks"": the marks borrow words, the reporter tells the event."""
    [ev] = events_of('Lena Varga says she has been in "lengthy talks" with farm ministers.')
    assert shape(ev)[:2] == ("meeting", [("participant", "lena-varga")])
    # a whole quoted sentence stays the speaker's claim
    assert events_of('"We held talks with Acme Ltd in Paris," said John Smith.') == []


def test_who_was_not_at_a_meeting_took_no_part_in_it() -> None:
    [ev] = events_of("Piet Marsh was not at the Whitehall meeting.")
    assert shape(ev)[:3] == ("meeting", [], "whitehall")
