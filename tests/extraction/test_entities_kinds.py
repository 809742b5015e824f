"""What kind of entity a name is, where the tagger's labels disagree or mislead: a town the
tagger also calls a person, a town that opens a body's name, an abbreviation beside its own
council, a plural possessive inside a body's name, a nationality noun before a person, a
title after a work noun and a comma, two names glued by "and", a department named for several
portfolios, a race or a law named like a body, a party named short. Made-up sentences of the
shapes unseen news showed, through the real resolver."""

from __future__ import annotations

from newskg.extraction.entities import resolve
from newskg.extraction.mentions import Mention, span_text
from newskg.extraction.model import Entity
from newskg.extraction.nlp import parse_body
from newskg.extraction.org_spans import _glued_list
from newskg.extraction.person_cues import human_cue
from tests.extraction.test_entities_names import all_names, by_kind, entities
from tests.extraction.test_entities_orgs import _mention
from tests.extraction.texts import article_of


def test_a_plural_possessive_inside_a_body_name_keeps_it_whole() -> None:
    found = entities(
        "The Harbour Pilots' Association said the new rules would cost its members dearly.",
        "A spokesman for the Harbour Pilots' Association declined to comment further.",
    )
    assert "Harbour Pilots' Association" in by_kind(found, "organization")
    assert not {"Harbour Pilots", "Association"} & all_names(found)


def test_a_singular_possessive_still_splits_two_bodies() -> None:
    found = entities("The Kestrel League's Youth Wing held a rally in the square on Sunday.")
    assert "Kestrel League" in by_kind(found, "organization")
    assert not {"Kestrel League's Youth Wing", "Kestrel League' Youth Wing"} & all_names(found)


def test_an_abbreviation_is_not_merged_into_its_own_council() -> None:
    found = entities(
        "The ITSF, which runs the sport, met coaches in Vienna on Monday.",
        "The ITSF Council will report back in April, an ITSF spokesman said.",
    )
    orgs = by_kind(found, "organization")
    assert {"ITSF", "ITSF Council"} <= orgs


def test_an_abbreviation_still_joins_a_company_name_it_opens() -> None:
    found = entities(
        "Shares in KLM Holdings rose 4% after the results.",
        "KLM said profits were up in every region.",
    )
    assert by_kind(found, "organization") == {"KLM Holdings"}


def test_a_town_that_opens_a_body_name_stays_a_town() -> None:
    found = entities(
        "The party will hold its spring conference in Dunmore, not in Carrow.",
        "Ann Reyes of the Dunmore Traders Association said hotels in Dunmore were full.",
    )
    assert "Dunmore" in by_kind(found, "place")
    assert "Dunmore Traders Association" in by_kind(found, "organization")


def test_a_word_called_both_place_and_person_that_is_somewhere_is_a_place() -> None:
    # The small model calls "Harrowby" a person in the first two sentences and a place in
    # the third; "hotels in Harrowby" settles it.
    found = entities(
        "The union picked Harrowby over two rival towns.",
        "Organisers said Harrowby was ready.",
        "Delegates will stay in hotels in Harrowby.",
    )
    assert "Harrowby" in by_kind(found, "place")
    assert "Harrowby" not in by_kind(found, "actor")


def test_a_surname_is_not_made_a_place_by_the_town_rule() -> None:
    found = entities(
        "Tom Ferraby won the final in three sets.",
        "Ferraby said he was pleased. Ferraby now meets the champion in Rome.",
    )
    assert "Tom Ferraby" in by_kind(found, "actor")
    assert "Ferraby" not in by_kind(found, "place")


def test_a_nationality_noun_before_a_full_name_is_no_part_of_it() -> None:
    found = entities(
        "Briton Jo Maitland finished third, ahead of Dutchman Pieter Gansevoort.",
    )
    assert {"Jo Maitland", "Pieter Gansevoort"} <= by_kind(found, "actor")
    assert not {"Briton Jo Maitland", "Dutchman Pieter Gansevoort"} & all_names(found)


def test_a_title_after_a_work_noun_and_a_comma_is_no_entity() -> None:
    found = entities(
        "Ann Reyes said her second novel, Salt Road, had sold well.",
        "Salt Road is also to be adapted for television.",
    )
    assert "Salt Road" not in all_names(found)
    assert "Ann Reyes" in by_kind(found, "actor")


def test_a_name_after_a_comma_that_goes_on_is_not_taken_for_a_title() -> None:
    # "the novel, Ann Reyes said, ..." is a clause: the name does not close the phrase.
    found = entities("It is the best novel, Ann Reyes said, that she had read this year.")
    assert "Ann Reyes" in by_kind(found, "actor")


def test_two_bodies_named_alone_elsewhere_are_not_glued_by_and() -> None:
    alone = [_mention(name, "organization") for name in ("Duchy of Kelso", "Duchy of Arran")]
    alone.append(_mention("Roads", "place"))
    glued = _mention("Duchy of Kelso and Duchy of Arran", "organization")
    # Only one side is named alone: one body's name.
    whole = _mention("Department of Roads and Harbours", "organization")
    everything = [*alone, glued, whole]
    assert [m.text for m in everything if _glued_list(m, everything)] == [glued.text]


def test_a_body_whose_name_has_and_inside_stays_whole() -> None:
    found = entities(
        "The Department of Roads and Harbours said the bridge would reopen.",
        "Roads were closed for a week.",
    )
    assert "Department of Roads and Harbours" in by_kind(found, "organization")


def test_a_party_called_by_its_members_and_tagged_a_person_is_a_body() -> None:
    # The small model calls "Kellish Dems" a person here.
    found = entities("Ann Reyes said the Kellish Dems would oppose the bill.")
    assert "Kellish Dems" in by_kind(found, "organization")
    assert "Kellish Dems" not in by_kind(found, "actor")


def test_a_person_named_before_a_noun_after_the_stays_a_person() -> None:
    found = entities("Fans queued for the Tom Jennings show, and Tom Jennings sang for an hour.")
    assert "Tom Jennings" in by_kind(found, "actor")


def test_letters_after_a_name_are_no_role_before_the_next_name() -> None:
    found = entities("Orla Benning MP, Labour's spokeswoman on housing, said the plan was unfair.")
    assert "Labour Party" in by_kind(found, "organization")  # the gazetteer's label
    assert not {"Labour", "Labour Party"} & by_kind(found, "actor")


def test_a_role_and_a_comma_before_a_name_still_make_a_person() -> None:
    found = entities("The bakery's owner, Hamid Tavassoli, said trade was slow.")
    assert "Hamid Tavassoli" in by_kind(found, "actor")


def test_an_airport_named_after_a_person_is_a_place() -> None:
    found = entities(
        "The consortium was chosen to run the new Imam Reza International Airport near the city."
    )
    assert "Reza International Airport" in {
        label.removeprefix("Imam ") for label in by_kind(found, "place")
    }
    assert not by_kind(found, "actor")


def test_a_full_name_whose_surname_takes_a_title_is_a_person() -> None:
    # The small model calls "Ruth Cable" and "Mrs Cable" bodies.
    found = entities(
        "Ruth Cable of the Greens said the tax was unfair. Mrs Cable added that buyers suffered."
    )
    assert "Ruth Cable" in by_kind(found, "actor")
    assert "Ruth Cable" not in by_kind(found, "organization")


def test_a_name_after_an_indefinite_article_is_a_thing() -> None:
    found = entities(
        "Orla Benning won a Zephyr for her first film.",
        "Jo Ray said Orla Benning deserved the prize.",
    )
    assert "Zephyr" not in all_names(found)
    assert {"Orla Benning", "Jo Ray"} <= by_kind(found, "actor")


def test_an_initial_on_a_team_sheet_is_no_article() -> None:
    found = entities("Replacements: L Ferro, A Tressoldi, P Galli, M Vance.")
    assert "Tressoldi" in all_names(found)


def test_a_word_that_opens_one_body_name_written_two_ways_is_that_body() -> None:
    found = entities(
        "Delegates at the Harwell Party conference cheered. "
        "Mr Doyle said Harwell's spending plans were costed. "
        "The Harwell party said it would win."
    )
    assert by_kind(found, "organization") == {"Harwell Party"}
    assert "Harwell" not in by_kind(found, "actor")


def test_a_body_after_an_indefinite_article_stays_a_body() -> None:
    found = entities(
        "The Harwell Alliance said Ann Reyes had been a member of a HWA whose leaders "
        "had lost their way. The HWA said she was wrong."
    )
    assert "HWA" in all_names(found)


def test_a_kind_of_body_before_a_name_tagged_a_person_makes_it_a_body() -> None:
    # The small model calls both names persons.
    found = entities(
        "Fans of the band Harlow Drift queued all night.", "Shares in the carmaker Jo Benning rose."
    )
    assert {"Harlow Drift", "Jo Benning"} <= by_kind(found, "organization")
    assert not by_kind(found, "actor")


def test_a_group_named_by_initials_before_its_attacks_is_a_body() -> None:
    found = entities(
        "Nine men were wrongly convicted over UVA bomb attacks at bars in Carrow.",
        "The UVA bombs left five people dead.",
    )
    assert "UVA" in by_kind(found, "organization")


def test_initials_before_a_noun_that_is_no_act_of_theirs_are_no_body() -> None:
    found = entities("Sales of UVA cable boxes rose. UVA boxes are cheap.")
    assert "UVA" not in all_names(found)


def test_the_second_of_two_places_after_in_is_a_place() -> None:
    # The small model calls "Leon" a person here.
    found = entities("Bombs went off in pubs in Carrow and Leon in 1975.")
    assert {"Carrow", "Leon"} <= by_kind(found, "place")


def test_what_someone_starred_in_is_a_title() -> None:
    found = entities("Jo Ray has starred in Collateral Damage and Ray Of Light.")
    assert by_kind(found, "actor") == {"Jo Ray"}
    assert not by_kind(found, "place") | by_kind(found, "organization")


def test_a_department_named_for_several_portfolios_is_one_body() -> None:
    found = entities(
        "The Department for Transport and Skills said the scheme would run until May.",
        "Officials at the Department for Energy, Food and Rural Affairs disagreed.",
    )
    orgs = by_kind(found, "organization")
    assert {
        "Department for Transport and Skills",
        "Department for Energy, Food and Rural Affairs",
    } <= orgs
    assert not {"Skills", "Department for Transport"} & all_names(found)


def test_a_department_before_another_body_named_with_a_portfolio_stays_apart() -> None:
    found = entities("The Department for Transport and Skills Funding Agency officials met.")
    assert "Skills Funding Agency" in by_kind(found, "organization")
    assert "Department for Transport and Skills" not in all_names(found)


def test_a_double_portfolio_before_a_role_is_no_body() -> None:
    found = entities("Mira Kent, the Transport and Skills Secretary, opened the new depot.")
    assert not {"Transport", "Skills", "Transport and Skills"} & all_names(found)


def test_a_name_with_a_role_a_body_owns_in_apposition_is_a_person() -> None:
    # The small model tags some such names as bodies; the cue is read on an ORG mention.
    para = parse_body(
        article_of("Growth slowed, said Jean-Marc Delorme, the OECD's chief economist.")
    )[0]
    start = next(t.i for t in para.doc if t.text == "Jean")
    end = next(t.i for t in para.doc if t.text == "Delorme") + 1
    span, name = span_text(para, start, end)
    assert name == "Jean-Marc Delorme"
    assert human_cue(Mention(0, start, end, span, name, "ORG"), para)
    para = parse_body(article_of("Growth slowed, said Hale Trading, the OECD's chief rival."))[0]
    start = next(t.i for t in para.doc if t.text == "Hale")
    span, name = span_text(para, start, start + 2)
    assert not human_cue(Mention(0, start, start + 2, span, name, "ORG"), para)


def test_races_laws_and_games_named_like_bodies_are_no_bodies() -> None:
    found = entities(
        "Tom Vale will run at the Kestrel Insurance Grand Prix in Leeds on Sunday.",
        "He won bronze at the European Indoors and is the Athens Olympic champion.",
        "MEPs asked the Commission to redraft the Data Portability Directive.",
    )
    assert not {
        "Kestrel Insurance Grand Prix",
        "European Indoors",
        "Athens Olympic",
        "Data Portability Directive",
    } & by_kind(found, "organization")


def test_british_parties_named_short_are_one_body_each() -> None:
    found = entities(
        "The Tories said Labour had broken its promise on tuition fees.",
        "Lib Dem spokesman Ed Harte said the Conservatives had no plan either.",
    )
    orgs = by_kind(found, "organization")
    assert {"Conservative Party", "Labour Party", "Liberal Democrats"} <= orgs
    assert not {"Labour", "Lib Dem", "Tories"} & by_kind(found, "actor")


def test_a_holiday_named_after_a_party_is_no_party() -> None:
    found = entities("Labour Day parades were held in Toronto and Halifax.")
    assert "Labour Party" not in all_names(found)


def test_a_body_named_with_a_hyphenated_prefix_keeps_it() -> None:
    found = entities("The league contacted the US Anti-Piracy Agency on Monday.")
    orgs = by_kind(found, "organization")
    assert "Anti-Piracy Agency" in orgs
    assert not {"Agency", "Piracy Agency"} & orgs


def test_awards_parliament_members_and_nationalities_are_no_names() -> None:
    found = entities(
        "The Welshman, who won an Oscar in 2003, is up for two Grammys, say MPs.",
        "The Scots fear the plan will fail, said Ann Roe.",
    )
    assert not {"Welshman", "Oscar", "Grammys", "MPs", "Scots"} & all_names(found)
    assert "Ann Roe" in by_kind(found, "actor")


def test_names_joined_before_a_noun_after_an_stay_persons() -> None:
    # A guard for the rule that a name of one or two words after "a"/"an" is a thing's.
    found = entities("Tickets for an Ann Roe and Jo Ray show sold out in Leeds.")
    assert {"Ann Roe", "Jo Ray"} <= by_kind(found, "actor")


def test_a_two_word_name_after_a_is_a_thing() -> None:
    found = _tagged(
        "Her film was nominated for a Silver Lion, Ann Roe said.",
        {"Silver Lion": "GPE", "Ann Roe": "PERSON"},
    )
    assert "Silver Lion" not in all_names(found)
    assert "Ann Roe" in by_kind(found, "actor")


def test_a_party_adjective_is_the_party() -> None:
    found = entities("Liberal Democrat leader Ann Roe said the plan had failed.")
    assert "Liberal Democrats" in by_kind(found, "organization")
    assert not {"Liberal", "Democrat"} & all_names(found)


def test_a_tournament_the_tagger_also_calls_an_event_is_no_place() -> None:
    found = entities(
        "Ann Roe won the Tamsin Open on Sunday.",
        "Roe, who lost in the Tamsin Open final last year, beat Jo Ray.",
        "The Tamsin Open is played in March.",
    )
    assert "Tamsin Open" not in all_names(found)
    assert {"Ann Roe", "Jo Ray"} <= by_kind(found, "actor")


def test_a_name_with_shares_or_a_chief_executive_is_a_company() -> None:
    found = entities("Shares in Vantor fell 5% after Vantor's chief executive quit.")
    assert "Vantor" in by_kind(found, "organization")


def test_a_full_name_with_a_possessive_stays_a_person() -> None:
    found = entities("Ann Roe's profits from the sale went to charity, her agent said.")
    assert "Ann Roe" in by_kind(found, "actor")


def test_a_one_word_person_with_a_plural_verb_is_a_body() -> None:
    found = entities("Ann Roe said Selwyn have signed a new striker from Leeds.")
    assert "Selwyn" in by_kind(found, "organization")
    assert "Ann Roe" in by_kind(found, "actor")


def test_a_spaced_dash_parts_two_names_in_a_list() -> None:
    found = entities(
        "Best actor: Tom Vale - Harbour Lights. Best director: Ann Roe - Winter Field."
    )
    assert {"Tom Vale", "Ann Roe"} <= by_kind(found, "actor")
    assert not any(" - " in name for name in all_names(found))


def test_a_body_named_around_a_spaced_dash_stays_whole() -> None:
    found = entities("The Council on Arab - Irish Trade said the figures were wrong.")
    assert "Council on Arab - Irish Trade" in by_kind(found, "organization")


def _tagged(text: str, labels: dict[str, str]) -> list[Entity]:
    """The entities of a one-paragraph article whose tagger labels are ``labels`` (name ->
    label, set on the name's last occurrence), to test a rule on a label the small model
    gives only in some sentences."""
    article = article_of(text)
    paras = parse_body(article)
    doc = paras[0].doc
    ents = []
    for name, label in labels.items():
        at = text.rindex(name)
        ents.append(doc.char_span(at, at + len(name), label=label))
    doc.ents = ents
    return resolve(article, paras).entities


def test_an_initial_and_a_surname_tagged_a_place_is_a_person() -> None:
    found = _tagged("Kellish: R Vantley; L Orvane, M Bastoni.", {"L Orvane": "LOC"})
    assert "L Orvane" in by_kind(found, "actor")


def test_a_full_name_tagged_a_place_whose_surname_is_a_person_is_one() -> None:
    text = "Tomas Vanek beat Luis Orvelle in the final. Orvelle said he was tired."
    found = _tagged(text, {"Tomas Vanek": "PERSON", "Luis Orvelle": "GPE", "Orvelle": "PERSON"})
    assert "Luis Orvelle" in by_kind(found, "actor")
    text = "Farmers in South Kellen said Kellen was wet."
    found = _tagged(text, {"South Kellen": "GPE", "Kellen": "PERSON"})
    assert "South Kellen" in by_kind(found, "place")  # put "in" somewhere: a place


def test_a_devolved_nation_and_a_state_body_name_one_body() -> None:
    found = entities(
        "The Scottish Parliament will vote on the bill, a Welsh government source said.",
        "Ann Roe, who is Welsh, said the vote was close.",
    )
    assert {"Scottish Parliament", "Welsh government"} <= by_kind(found, "organization")
    assert "Welsh" not in all_names(found)


def test_a_saint_country_written_short_is_the_country() -> None:
    found = entities("The St Lucia sprinter Tom Vale won the race in Leeds.")
    assert "Saint Lucia" in by_kind(found, "place")


def test_an_event_named_after_its_town_is_no_place() -> None:
    found = _tagged(
        "Ann Roe beat Jo Ray to the title at the Harlow Games in Leeds.",
        {"Ann Roe": "PERSON", "Jo Ray": "PERSON", "Harlow Games": "GPE"},
    )
    assert "Harlow Games" not in all_names(found)
    assert {"Ann Roe", "Jo Ray"} <= by_kind(found, "actor")


def test_a_county_the_tagger_calls_a_person_is_a_place() -> None:
    found = _tagged(
        "Farms across Kellishire were hit by the floods, Tom Vale said.",
        {"Kellishire": "PERSON", "Tom Vale": "PERSON"},
    )
    assert "Kellishire" in by_kind(found, "place")


def test_a_name_with_a_company_head_is_a_company() -> None:
    found = _tagged(
        "Shares in Kellish Motors fell after Tom Vale left.",
        {"Kellish Motors": "PERSON", "Tom Vale": "PERSON"},
    )
    assert "Kellish Motors" in by_kind(found, "organization")
