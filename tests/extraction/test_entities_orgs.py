"""Organizations on news: the kinds of false organization that real news showed (time zones,
events tagged ORG, two names read as one, a place swallowed by the body it names, spans cut
mid-name, nationalities, lists glued into one name, names cut short), on made-up sentences
of those shapes, through the real resolver."""

from __future__ import annotations

from pathlib import Path

import pytest

from newskg.extraction import datafiles
from newskg.extraction.datafiles import DataFileError
from newskg.extraction.lists import listed_with_bodies
from newskg.extraction.mentions import Mention, span_text
from newskg.extraction.model import Span
from newskg.extraction.modifiers import versioned_names
from newskg.extraction.names import name_rules
from newskg.extraction.nlp import Para, parse_body
from newskg.extraction.org_spans import (
    EVENT_HEAD_COLUMNS,
    _extend_left,
    _extend_right,
    _glued_list,
    event_heads,
    time_zones,
)
from tests.extraction.test_entities_names import all_names, by_kind, entities
from tests.extraction.texts import article_of


def test_a_time_zone_is_no_organization() -> None:
    found = entities(
        "Shares fell sharply before trading closed at 16:30 GMT on Friday, "
        "the London Stock Exchange said."
    )
    assert by_kind(found, "organization") == {"London Stock Exchange"}
    assert "GMT" not in all_names(found)


def test_an_event_tagged_as_organization_is_dropped() -> None:
    found = entities("Tessa Brightwell won gold at the European Indoor Championships in Lisbon.")
    assert by_kind(found, "organization") == set()
    assert by_kind(found, "actor") == {"Tessa Brightwell"}
    assert by_kind(found, "place") == {"Lisbon"}


def test_organization_at_organization_is_two() -> None:
    found = entities(
        "Polaroids by Warhol are on show at the Harlow Museum of Art at Westfield University "
        "in Denton, Ohio, until May."
    )
    assert by_kind(found, "organization") == {"Harlow Museum of Art", "Westfield University"}
    assert by_kind(found, "place") == {"Denton", "Ohio"}


def test_a_person_speaking_for_a_body_is_split_off() -> None:
    found = entities(
        "Karen Whitfield for Food Safety Canada United States, says they are weighing new limits."
    )
    assert by_kind(found, "actor") == {"Karen Whitfield"}
    # (the countries after the body's name are part of it: a binational agency)
    assert by_kind(found, "organization") == {"Food Safety Canada United States"}


def test_a_body_named_with_for_stays_whole() -> None:
    found = entities("The Institute for Fiscal Studies said taxes would rise next year.")
    assert by_kind(found, "organization") == {"Institute for Fiscal Studies"}


def test_the_place_a_body_is_of_stays_a_place() -> None:
    found = entities("Pupils from the University of Western Ohio in Lima, Ohio, can visit it.")
    universities = [e for e in found if e.label == "University of Western Ohio"]
    assert [e.kind for e in universities] == ["organization"]
    assert universities[0].alt_labels == set()
    assert by_kind(found, "place") == {"Lima", "Ohio"}


def test_the_lists_are_read() -> None:
    assert {"GMT", "UTC", "EST"} <= time_zones()
    assert {"championships", "olympics", "expo"} <= event_heads()
    # An organization's own head is no event head.
    assert not {"conference", "league", "council", "program"} & event_heads()


def test_an_event_head_row_without_a_confidence_fails_loudly(tmp_path: Path) -> None:
    bad = tmp_path / "heads.tsv"
    bad.write_text("# heads\nexpo\tan event\n")
    with pytest.raises(DataFileError):
        datafiles.rows(bad, EVENT_HEAD_COLUMNS)


def _mention(text: str, kind: str) -> Mention:
    return Mention(0, 0, len(text.split()), Span(0, len(text)), text, "ORG", kind=kind)


def test_a_glued_list_is_no_organization() -> None:
    people = [_mention("Stilian Petrov", "actor"), _mention("Paul Scholes", "actor")]
    glued = [
        _mention("Petrov and Juninho", "organization"),
        _mention("Scholes, Djemba-Djemba", "organization"),
        _mention("Hellboy, Resident Evil", "organization"),
    ]
    kept = [
        _mention("Marks and Spencer", "organization"),  # no person of the article in it
        _mention("Acme, Inc.", "organization"),
        _mention("University of California, Berkeley", "organization"),
    ]
    everything = people + glued + kept
    assert [m.text for m in everything if _glued_list(m, everything)] == [m.text for m in glued]


def _parsed(sentence: str) -> list[Para]:
    return parse_body(article_of(sentence))


def _tagged(paras: list[Para], first: str, last: str, kind: str) -> Mention:
    """A mention over the words ``first``..``last`` of the first paragraph, as a tagger
    that cut the name there would give it."""
    doc = paras[0].doc
    start = next(t.i for t in doc if t.text == first)
    end = next(t.i for t in doc if t.text == last and t.i >= start) + 1
    span, text = span_text(paras[0], start, end)
    return Mention(0, start, end, span, text, "ORG", kind=kind)


def test_a_name_cut_on_the_left_takes_its_proper_nouns_back() -> None:
    paras = _parsed("Volunteers came from the Baker Street Society of Canada on Friday.")
    society = _tagged(paras, "Society", "Canada", "organization")
    _extend_left([society], paras)
    assert society.text == "Baker Street Society of Canada"
    assert paras[0].doc[society.start].text == "Baker"


def test_a_name_does_not_take_another_mention() -> None:
    paras = _parsed("Volunteers came from the Baker Street Society of Canada on Friday.")
    society = _tagged(paras, "Society", "Canada", "organization")
    street = _tagged(paras, "Baker", "Street", "place")
    _extend_left([society, street], paras)
    assert (society.text, street.text) == ("Society of Canada", "Baker Street")


def test_a_body_named_for_its_purpose_is_one_name() -> None:
    # The tagger cuts "<Foundation> for the <Purpose>" in two bodies.
    found = entities(
        "The grant came from the Harlan Pryce Foundation for the Performing Arts, "
        "which backs young painters."
    )
    assert by_kind(found, "organization") == {"Harlan Pryce Foundation for the Performing Arts"}


def test_a_day_after_a_body_is_no_part_of_its_name() -> None:
    found = entities("The Kestrel Broadcasting Corporation on Thursdays airs a debate.")
    assert by_kind(found, "organization") == {"Kestrel Broadcasting Corporation"}


def test_a_body_named_with_countries_keeps_them() -> None:
    # "<name> <place>" where every word of the name modifies the place's last word.
    found = entities("The labels were approved by Marine Standards Australia New Zealand in March.")
    assert by_kind(found, "organization") == {"Marine Standards Australia New Zealand"}
    assert by_kind(found, "place") == set()


def test_a_body_named_with_countries_keeps_them_where_the_parser_splits_it() -> None:
    # The parser hangs "Standards" on "for" and "Australia" on "Zealand": the run of proper
    # nouns is still one name.
    paras = _parsed(
        "Paula Brenner for Drug Standards Australia New Zealand, said the agency will publish "
        "new limits next spring."
    )
    assert paras[0].doc[4].head.text == "for"  # (the parse this test is about)
    body = _tagged(paras, "Drug", "Australia", "organization")
    place = _tagged(paras, "New", "Zealand", "place")
    _extend_right(mentions := [body, place], paras)
    assert [m.text for m in mentions] == ["Drug Standards Australia New Zealand"]


def test_a_place_before_a_noun_is_no_part_of_the_name() -> None:
    paras = _parsed("The Acme Ireland office closed in May.")
    body = _tagged(paras, "Acme", "Acme", "organization")
    place = _tagged(paras, "Ireland", "Ireland", "place")
    _extend_right(mentions := [body, place], paras)
    assert [m.text for m in mentions] == ["Acme", "Ireland"]


def test_a_plural_kind_before_two_names_makes_two_bodies() -> None:
    found = entities(
        "The tax applies to the companies Harlow Mining and Brent Steel, the court said."
    )
    assert by_kind(found, "organization") == {"Harlow Mining", "Brent Steel"}


def test_a_singular_kind_keeps_a_name_with_and() -> None:
    found = entities("The deal was drafted by the law firm Harlow Mining and Brent Steel in May.")
    assert by_kind(found, "organization") == {"Harlow Mining and Brent Steel"}


def test_a_product_written_with_versions_is_no_body() -> None:
    found = entities(
        "Nimbus 7 users were told to move to Nimbus 9 before May. "
        "Nimbus's share of the market fell to 40 percent, Acme Corp said."
    )
    assert by_kind(found, "organization") == {"Acme Corp"}


@pytest.mark.parametrize(
    ("text", "versioned"),
    [
        ("Nimbus 7 users moved to Nimbus 9 in May.", True),
        ("Nimbus7 users moved to Nimbus9 in May.", True),
        ("Nimbus 2-1 Brenton, then Nimbus 3 - 0 Kestrel in May.", False),  # scores
        ("Nimbus 7 users moved to Nimbus 7 Pro in May.", False),  # one version
    ],
)
def test_two_version_numbers_make_a_product(text: str, versioned: bool) -> None:
    paras = _parsed(text)
    nimbus = _tagged(paras, paras[0].doc[0].text, paras[0].doc[0].text, "organization")
    nimbus.text = "Nimbus"  # (as a later mention of the bare name would give it)
    assert versioned_names([nimbus], paras) == ({"nimbus"} if versioned else set())


def test_what_one_joins_with_the_is_a_body() -> None:
    found = entities("He joined the Ice Org at 16 and left in 1999.")
    assert by_kind(found, "organization") == {"Ice Org"}


def test_what_one_joins_before_a_noun_is_no_body() -> None:
    found = entities("He joined the Christmas rush at the shops in town.")
    assert by_kind(found, "organization") == set()


def test_an_unknown_place_listed_with_bodies_is_a_body() -> None:
    found = entities("Kestrova, Microsoft and Nintendo showed new games.")
    assert by_kind(found, "organization") == {"Kestrova", "Microsoft", "Nintendo"}
    # ... and ", Microsoft," after it is no region that locates it ("Dayton, Ohio")
    found = entities("Games came from Kestrova, Microsoft, and Sony.")
    assert by_kind(found, "organization") == {"Kestrova", "Microsoft", "Sony"}


def test_a_known_place_keeps_a_list_mixed() -> None:
    found = entities("Kestrova, Oslo and Nintendo were named.")
    assert by_kind(found, "place") == {"Kestrova", "Oslo"}


def test_one_member_only_the_tagger_calls_a_body_is_weak_company() -> None:
    # the small model tags "Wales" of "England and Wales" ORG now and then
    paras = _parsed("More than 9,000 women in Harlowshire and Wales were treated last year.")
    shire, wales = (_tagged(paras, w, w, "place") for w in ("Harlowshire", "Wales"))
    shire.label = "GPE"
    assert listed_with_bodies([shire, wales], paras) == []
    paras = _parsed("Teams came from Harlowshire, Acme and Wales.")
    shire, acme, wales = (_tagged(paras, w, w, "place") for w in ("Harlowshire", "Acme", "Wales"))
    shire.label = "GPE"
    assert listed_with_bodies([shire, acme, wales], paras) == [shire]


def test_the_members_a_plural_kind_includes_are_bodies() -> None:
    found = entities(
        "Other charity groups included The Ice Wardens, the Harbour Society of Leeds, "
        "and Tarn Rescue Group."
    )
    assert "Ice Wardens" in by_kind(found, "organization")


def test_a_purpose_that_is_a_gazetteer_place_stays_a_place() -> None:
    # (a body "for Norway" may be named so, or work for the country: the link is kept)
    found = entities("Money from the Harlan Foundation for Norway paid for the library.")
    assert by_kind(found, "organization") == {"Harlan Foundation"}
    assert by_kind(found, "place") == {"Norway"}


@pytest.mark.parametrize(
    ("sentence", "body"),
    [
        ("The finals saw US team Kestrel9 and Immortals, from Brazil, face off.", "Kestrel9"),
        ("The protest was staged by Uncles 4 Justice on Monday.", "Uncles 4 Justice"),
        ("Soldiers of the 407th Harbour Brigade crossed the river.", "407th Harbour Brigade"),
        # the tagger calls the last word a person: the whole numbered name is the body
        (
            "The motion came from the deputies of Partito 7 Colline in the regional council.",
            "Partito 7 Colline",
        ),
    ],
)
def test_a_body_with_a_number_in_its_name(sentence: str, body: str) -> None:
    assert body in by_kind(entities(sentence), "organization")


def test_a_score_or_an_amount_is_no_name() -> None:
    found = entities("Tallis United beat Norbury 2 - 1 after a bid of 1.1bn pounds by Acme X5.")
    assert not any(ch.isdigit() for name in all_names(found) for ch in name)


def test_a_short_name_with_a_plural_head_is_the_longer_name() -> None:
    found = entities(
        "Other groups included the Harbour Guards of Kent and the Tamsin Riders Club. "
        "The Harbour Guards brought their banners."
    )
    assert by_kind(found, "organization") == {"Harbour Guards of Kent", "Tamsin Riders Club"}


def test_two_names_after_one_noun_of_their_kind() -> None:
    found = entities("The final saw Danish team Kestrel9 and Ravenhold, from Norway, face off.")
    assert by_kind(found, "organization") == {"Kestrel9", "Ravenhold"}
    found = entities("The gig by rock band Kestrel9 and Mary Hale drew 300 fans.")
    assert by_kind(found, "actor") == {"Mary Hale"}  # a full name stays someone


def test_a_party_the_tagger_calls_a_nationality_is_an_organization() -> None:
    found = entities("The Progressive Democrats and Sunni Arabs met.")
    assert by_kind(found, "organization") == {"Progressive Democrats"}
    assert "Sunni Arabs" not in all_names(found)  # a people, not a body


def test_a_plural_short_name_ends_the_house_it_names() -> None:
    found = entities(
        "He took a seat in the House of Elders last year. Reformers must be inside the Elders "
        "to change it."
    )
    assert by_kind(found, "organization") == {"House of Elders"}


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        # a spaced dash before the rest of the sentence ends the name the tagger ran on
        (
            "He jumped 7.95m for the Kelford Athletic Club - good enough to win.",
            {"Kelford Athletic Club"},
        ),
        ("Crews could interview Tallis Records - one from each station.", {"Tallis Records"}),
        # "v" parts the two sides of a match
        ("Tickets for Wales v England sold out.", {"Wales", "England"}),
        # a sentence's "The" is no part of a state body's name
        ("The US government denied the claims.", {"US government"}),
    ],
)
def test_where_a_tagged_name_ends(sentence: str, names: set[str]) -> None:
    assert all_names(entities(sentence)) == names


# --- names that are no entity: an event's, a ship's, a people's (non_entities) ---------------


def test_an_event_that_takes_place_or_is_held_is_no_entity() -> None:
    assert all_names(entities("The Nordic Food Fair took place in Oslo last week.")) == {"Oslo"}
    found = entities("The Baltic Craft Fair was held in Riga last week, organisers said.")
    assert all_names(found) == {"Riga"}


def test_a_name_holding_or_held_in_another_sense_stays() -> None:
    found = entities("Acme Corp held talks with Globex Corp on Monday.")  # active: no event
    assert by_kind(found, "organization") == {"Acme Corp", "Globex Corp"}
    found = entities("Tom Vail was held in custody in Kabul for two days.")  # a person held
    assert by_kind(found, "actor") == {"Tom Vail"}
    found = entities("Tom Vail takes Ann Roe's place in the squad.")
    assert by_kind(found, "actor") == {"Tom Vail", "Ann Roe"}  # someone's place: no event


def test_a_ship_named_after_a_vessel_noun_is_no_entity() -> None:
    assert "tanker" in name_rules().vessel_noun  # the nouns are data
    found = entities("Passengers aboard the cruise ship Seawind were quarantined.")
    assert all_names(found) == set()
    assert all_names(entities("The tanker Maris Star sank off Malta.")) == {"Malta"}
    found = entities("The ship, Seawind, sailed from Piraeus, Acme Lines said.")
    assert all_names(found) == {"Piraeus", "Acme Lines"}


def test_a_name_near_a_vessel_noun_that_is_no_ship_stays() -> None:
    found = entities("Survivors were rescued by the Acme-owned cruise ship, Seawind.")
    assert by_kind(found, "organization") == {"Acme"}  # the owner, not the ship
    found = entities("The hard-liner Ebrahim Karimi won the vote.")  # no ferry "liner"
    assert by_kind(found, "actor") == {"Ebrahim Karimi"}


def test_a_people_in_apposition_to_a_minority_is_no_entity() -> None:
    found = entities("The Varani, an ethnic minority, were driven out by the Northern Army.")
    assert all_names(found) == {"Northern Army"}
    found = entities("The Kessari, a landless minority of farmers from the north, fled.")
    assert "Kessari" not in all_names(found)


def test_a_body_that_holds_a_minority_stake_stays() -> None:
    found = entities("Acme Corp, a minority shareholder in Globex Ltd, said it would sell.")
    assert by_kind(found, "organization") == {"Acme Corp", "Globex Ltd"}


def test_a_nation_adjective_alone_is_no_organization() -> None:
    # the nations of role_nations.tsv ("Welsh") are nationalities like those of demonyms.tsv
    found = entities("The flanker believes the Welsh forwards lack power.")
    assert by_kind(found, "organization") == set()
