"""Memberships (person, organization, role) on small made-up sentences, one per rule kind
(``membership/...`` in ``data/rules.tsv``): titles before names, appositions, government
posts, party adjectives, credit lines. Each test asserts the exact triples found (labels, not
keys)."""

from __future__ import annotations

import pytest

from newskg.extraction.extract import extract
from newskg.extraction.graph import to_graph
from newskg.extraction.model import Extraction
from newskg.extraction.role_data import role_data
from newskg.extraction.rules import confidence
from newskg.vocab import NKG, Iris
from tests.extraction.texts import article_of


def article(*paragraphs: str) -> Extraction:
    return extract(article_of(*paragraphs, headline="Headline"))


def triples(x: Extraction) -> set[tuple[str, str, str]]:
    return {
        (x.entity(m.member).label, x.entity(m.organization).label, m.role) for m in x.memberships
    }


def rules(x: Extraction) -> set[str]:
    return {m.rule for m in x.memberships}


def test_organization_before_title() -> None:
    x = article("Lufthansa deputy chief executive Tom Harker told reporters on Monday.")
    assert triples(x) == {("Tom Harker", "Lufthansa", "deputy chief executive")}
    assert rules(x) == {"membership/org-title-person"}
    # the rule's reason makes the word before the title an organization
    assert next(e for e in x.entities if e.label == "Lufthansa").kind == "organization"


def test_person_role_keeps_the_person() -> None:
    """A name before a role held for a person ("Blair spokesman") is not an organization."""
    x = article("Tony Blair met voters. Blair spokesman Tom Kelly said nothing had changed.")
    assert triples(x) == set()
    assert next(e for e in x.entities if e.label == "Tony Blair").kind == "actor"


def test_party_adjective_before_title() -> None:
    x = article(
        "The Conservative Party won the vote in Leeds.",
        "Conservative housing spokesman Gareth Lindqvist said rents were rising too fast.",
    )
    assert triples(x) == {("Gareth Lindqvist", "Conservative Party", "housing spokesman")}
    assert rules(x) == {"membership/name-title-person"}


def test_country_adjective_government_post() -> None:
    x = article(
        "Talks in Pretoria went on all day. South Africa said little.",
        "South African finance minister Themba Dlamaro said the tax plan was sound.",
    )
    assert triples(x) == {("Themba Dlamaro", "South Africa", "finance minister")}
    assert rules(x) == {"membership/country-title-person"}


def test_former_is_kept_and_country_mention() -> None:
    x = article("Also present was former US president Walter Brandt, who spoke briefly.")
    assert triples(x) == {("Walter Brandt", "United States", "former president")}


def test_post_takes_its_named_department() -> None:
    x = article(
        "The Home Office announced a review of sentencing on Monday.",
        "Home Secretary David Blunkett said he regretted the timing.",
    )
    assert triples(x) == {("David Blunkett", "Home Office", "home secretary")}
    assert rules(x) == {"membership/department-post"}


def test_post_without_department_takes_the_one_country() -> None:
    x = article("The prime minister praised Chancellor Miriam Oakes's report on the UK economy.")
    assert triples(x) == {("Miriam Oakes", "United Kingdom", "chancellor")}
    assert rules(x) == {"membership/country-post"}


def test_no_country_when_several_are_named() -> None:
    """An official visiting other countries: the post's own country is unknown."""
    x = article("Chancellor Miriam Oakes flew to Peru and Chile after visiting Bolivia.")
    assert triples(x) == set()


def test_shadow_post_is_no_government_post() -> None:
    x = article("The UK economy grew. Shadow home secretary Owen Farrant welcomed the ruling.")
    assert triples(x) == set()


def test_portfolio_is_not_an_organization() -> None:
    x = article("Trade and Industry Secretary Helen Marsh announced the scheme in Madrid.")
    assert {(p, r) for p, _, r in triples(x)} <= {("Helen Marsh", "trade and industry secretary")}
    assert all(o != "Trade and Industry" for _, o, _ in triples(x))


def test_apposition_of_organization() -> None:
    x = article(
        "Ann Lee, executive vice president of the Hale Institute, said the study was flawed."
    )
    assert triples(x) == {("Ann Lee", "Hale Institute", "executive vice president")}


def test_apposition_with_title_after_comma() -> None:
    x = article(
        "Acme Corp reported a loss on Tuesday.",
        "John Doe, the company's chief executive, said the loss was expected.",
    )
    assert triples(x) == {("John Doe", "Acme Corp", "chief executive")}
    assert rules(x) == {"membership/context-title-person"}


def test_affiliation_without_role_word_is_member() -> None:
    x = article("Nadia Korver, from the Institute for Rural Studies, said the estimate was brave.")
    assert triples(x) == {("Nadia Korver", "Institute for Rural Studies", "member")}
    assert rules(x) == {"membership/affiliation"}


def test_affiliation_keeps_the_title_before_the_name() -> None:
    x = article(
        "Transport analyst Pieter Vansen, from the Northern Institute for Roads and Public "
        "Transport, described the goals as modest."
    )
    assert triples(x) == {
        ("Pieter Vansen", "Northern Institute for Roads and Public Transport", "transport analyst")
    }


def test_predicate_through_conjoined_verbs() -> None:
    x = article(
        "Elena Marchetti proved herself as chief conductor of the Bergamo Opera and then went "
        "on to serve as chief conductor of the Lisbon Chamber Orchestra."
    )
    assert triples(x) == {
        ("Elena Marchetti", "Bergamo Opera", "chief conductor"),
        ("Elena Marchetti", "Lisbon Chamber Orchestra", "chief conductor"),
    }


def test_object_of_as_holds_the_role() -> None:
    """ "keep Lynch as attorney general": Lynch holds it, not the subject."""
    x = article(
        "The United States Senate met. Hillary Clinton could keep Loretta Lynch as chairman "
        "of the Federal Reserve Board."
    )
    assert triples(x) == {("Loretta Lynch", "Federal Reserve Board", "chairman")}


def test_role_inside_a_quote_is_a_claim() -> None:
    x = article('Victor Halden claimed Mira Solberg was "the founder of the Iron Brotherhood".')
    assert triples(x) == set()
    # the same words outside quotation marks are a membership
    x = article("Victor Halden claimed Mira Solberg was the founder of the Iron Brotherhood.")
    assert triples(x) == {("Mira Solberg", "Iron Brotherhood", "founder")}


def test_credit_line() -> None:
    x = article(
        "Reuters reported the vote on Monday.",
        "(Reporting by Amanda Becker; Editing by Eric Beech)",
    )
    assert triples(x) == {
        ("Amanda Becker", "Reuters", "reporter"),
        ("Eric Beech", "Reuters", "editor"),
    }
    assert rules(x) == {"membership/credit-line"}


def test_one_membership_per_person_and_organization() -> None:
    x = article(
        "Mike Jones, director of the Hale Institute, spoke first. Later Mike Jones, "
        "director of the Hale Institute, spoke again."
    )
    assert triples(x) == {("Mike Jones", "Hale Institute", "director")}
    assert len(x.memberships[0].evidence) == 2


def test_country_organization_is_typed_organization_in_the_graph() -> None:
    x = article("Also present was former US president Walter Brandt, who spoke briefly.")
    g = to_graph(x, Iris("http://example.org/"))
    orgs = set(g.objects(None, NKG.organization))
    assert len(orgs) == 1
    assert (next(iter(orgs)), None, None) in g
    assert set(g.objects(next(iter(orgs)), __import__("rdflib").RDF.type)) >= {
        NKG.Organization,
        NKG.Place,
    }


def test_a_membership_takes_its_rules_confidence() -> None:
    """The confidence is the rule's row of rules.tsv, times the post's for a government post
    (gov_posts.tsv: "chancellor" 0.9)."""
    x = article("Halberd Capital chief executive Robert Smith resigned.")
    assert [(m.rule, m.confidence) for m in x.memberships] == [
        ("membership/org-title-person", confidence("membership/org-title-person"))
    ]
    x = article("Chancellor Robert Smith visited Germany and spoke of Germany.")
    assert [(m.rule, m.confidence) for m in x.memberships] == [
        ("membership/country-post", pytest.approx(confidence("membership/country-post") * 0.9))
    ]


def test_predicate_verbs_are_data_with_who_holds_the_role() -> None:
    data = role_data()
    assert data.copulas == {"be", "become", "serve", "remain", "name", "appoint", "elect", "make"}
    assert data.appoint == {"name", "appoint", "elect", "make"}
    assert data.verbs["quit"] == ("former member", "membership/join-leave")


def test_join_and_leave() -> None:
    x = article(
        "Robert Smith, who recently quit the Hale Institute, joined the Acme Foundation in May."
    )
    assert triples(x) == {
        ("Robert Smith", "Hale Institute", "former member"),
        ("Robert Smith", "Acme Foundation", "member"),
    }
    assert rules(x) == {"membership/join-leave"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Chelsea manager Jose Mourinho said the title race was over.",
            ("Jose Mourinho", "Chelsea", "manager"),
        ),
        (
            "Secretary of State Jane Roe arrived in Berlin. The State Department said she "
            "would stay.",
            ("Jane Roe", "State Department", "secretary of state"),
        ),
        (
            "Israeli Prime Minister Benjamin Netanyahu spoke to reporters about Israel.",
            ("Benjamin Netanyahu", "Israel", "prime minister"),
        ),
        (
            "Acme Corp opened a shop. The chain's founder John Doe said sales were strong.",
            ("John Doe", "Acme Corp", "founder"),
        ),
        ("Brightloom founder Maya Ferro left the board.", ("Maya Ferro", "Brightloom", "founder")),
        (
            "Arsenal's boss Arsene Wenger praised his players after the match.",
            ("Arsene Wenger", "Arsenal", "boss"),
        ),
    ],
)
def test_titles_of_the_issue(text: str, expected: tuple[str, str, str]) -> None:
    assert triples(article(text)) == {expected}


def test_countries_named_by_adjective_count() -> None:
    """ "Kenyan officials" name Kenya: with Somalia also named, a bare "Prime Minister" has
    no known country."""
    x = article(
        "Kenyan officials met rebels backed by Somalia.",
        "Prime Minister Ilse Marek said the vote showed the country was united.",
    )
    assert triples(x) == set()


def test_title_qualifiers_and_days_are_not_organizations() -> None:
    assert triples(article("General secretary Brendan Barber warned of the costs.")) == set()
    x = article("But on Wednesday Prime Minister Yulia Tymoshenko said Ukraine would act.")
    assert triples(x) == {("Yulia Tymoshenko", "Ukraine", "prime minister")}


def test_predicate_roles_go_to_the_subject_unless_the_verb_appoints() -> None:
    """predicate_verbs.tsv: "became" gives the role to its subject; "appointed" gives it to
    its object, so an appointment that names no holder makes no membership of its subject."""
    x = article("Robert Smith became treasurer of the Hale Institute in 2019.")
    assert triples(x) == {("Robert Smith", "Hale Institute", "treasurer")}
    assert rules(x) == {"membership/predicate"}
    x = article("Robert Smith was named chairman of the Acme Foundation on Monday.")
    assert triples(x) == {("Robert Smith", "Acme Foundation", "chairman")}
    x = article("Robert Smith appointed a treasurer of the Hale Institute in 2019.")
    assert triples(x) == set()


@pytest.mark.parametrize("tagged_as", ["a person", "a body"])
def test_letters_after_a_name_are_no_part_of_it(tagged_as: str) -> None:
    # The tagger calls "Tom Meadows QC" a person and "Guy Talbot QC" a body; the letters
    # (``name_rules.tsv`` "post-nominal") are trimmed either way.
    name = "Tom Meadows" if tagged_as == "a person" else "Guy Talbot"
    x = article(
        f"The new chairman of the Harlow Law Society, {name} QC warned that costs would rise."
    )
    assert triples(x) == {(name, "Harlow Law Society", "chairman")}


@pytest.mark.parametrize("name", ["Ann Veltman", "Helen Cable"])  # tagged a person, a body
def test_someone_speaking_for_a_body_is_a_person_and_its_member(name: str) -> None:
    x = article(f"{name}, for the Green Alliance, called on the minister to resign.")
    assert triples(x) == {(name, "Green Alliance", "member")}


def test_a_role_right_before_a_name_the_tagger_called_a_body() -> None:
    x = article("Kestrel boss Helen Cable said the deal was done.")
    assert triples(x) == {("Helen Cable", "Kestrel", "boss")}
    # a body's name after a role a body holds stays a body
    x = article("Celtic host Dundee United on Saturday.")
    assert {e.label: e.kind for e in x.entities}["Dundee United"] == "organization"


def test_a_team_named_by_its_head_first() -> None:
    # The tagger calls "Team Norway" a person.
    x = article("Ann Reyes and Tom Vail will represent Team Norway at the event in Oslo.")
    assert triples(x) == {
        ("Ann Reyes", "Team Norway", "member"),
        ("Tom Vail", "Team Norway", "member"),
    }


def test_an_organization_in_apposition_to_its_kind() -> None:
    # "body the KAF," names a body nobody tagged (``org_cue_nouns.txt``)
    x = article(
        "Tom Hale, spokesman for the sport's ruling body the KAF, which handed out the bans, "
        "said nothing."
    )
    assert triples(x) == {("Tom Hale", "KAF", "spokesman")}


def test_who_speaks_for_a_body_at_the_head_of_a_sentence() -> None:
    x = article("For the Green Alliance, Ann Veltman called the target unambitious.")
    assert triples(x) == {("Ann Veltman", "Green Alliance", "member")}
    assert rules(x) == {"membership/speaks-for"}
    assert (
        triples(article("For the first time, Ann Veltman called the target unambitious.")) == set()
    )


def test_affiliation_without_a_comma() -> None:
    x = article("Lena Varga of the Harbour Trust said the plan would fail.")
    assert triples(x) == {("Lena Varga", "Harbour Trust", "member")}
    assert rules(x) == {"membership/affiliation"}
    # the title before the name is the role
    x = article('"Rates will rise," said economist Piet Amsel of Corvane Securities.')
    assert triples(x) == {("Piet Amsel", "Corvane Securities", "economist")}


def test_affiliation_without_a_comma_needs_an_organization() -> None:
    # a country after "of" is where the person comes from, not a membership
    assert triples(article("Tomas Verhagen of Norway won the race in Bergen.")) == set()


def test_an_organization_in_brackets_after_a_name() -> None:
    x = article("Tom Marsh (Harbour Harriers) won the hill race near Leeds on Sunday.")
    assert ("Tom Marsh", "Harbour Harriers", "member") in triples(x)
    assert rules(x) == {"membership/affiliation"}


def test_a_team_sheet_makes_each_name_a_member_of_its_club() -> None:
    """Initials the tagger cuts off and clubs with no club word ("Kestrel and District")
    are read from the sheet's shape."""
    x = article(
        "The selectors named their squad for the indoor meeting on Friday.",
        "60m: K Varga (Corvane Harriers), T Lund (Kestrel and District).",
        "Pole vault: M Ostrow (Halden AC).",
    )
    assert triples(x) == {
        ("K Varga", "Corvane Harriers", "member"),
        ("T Lund", "Kestrel and District", "member"),
        ("M Ostrow", "Halden AC", "member"),
    }
    assert rules(x) == {"membership/team-sheet"}


def test_a_country_in_brackets_on_a_sheet_is_no_club() -> None:
    x = article(
        "3000m: K Varga (Kenya), T Lund (Ethiopia), P Ostrow (Halden AC), "
        "R Mele (Corvane Harriers)."
    )
    assert triples(x) == {
        ("P Ostrow", "Halden AC", "member"),
        ("R Mele", "Corvane Harriers", "member"),
    }


def test_a_squad_list_names_clubs_by_their_towns() -> None:
    x = article(
        "Coach Ivo Brandt kept faith with the side that lost in the autumn.",
        "Backs: Lund (Kestrel), Moss (Halden, capt), Pell (Corvane), Tarr (Kestrel).",
    )
    assert triples(x) == {
        ("Lund", "Kestrel", "member"),
        ("Moss", "Halden", "member"),
        ("Pell", "Corvane", "member"),
        ("Tarr", "Kestrel", "member"),
    }


def test_one_surname_with_two_clubs_on_a_sheet_is_no_membership() -> None:
    x = article("Squad: Lund (Kestrel), Moss (Halden), Pell (Corvane), Lund (Tarrow Vale).")
    assert ("Moss", "Halden", "member") in triples(x)
    assert not {t for t in triples(x) if t[0] == "Lund"}


def test_brackets_without_club_words_are_no_team_sheet() -> None:
    x = article("Shortlist: K Varga (Kestrel and District), T Lund (Halden Vale).")
    assert "membership/team-sheet" not in rules(x)


def test_an_acronym_in_brackets_is_no_membership() -> None:
    x = article("Corvane Motors (CM) is recalling 20,000 cars, regulators said.")
    assert triples(x) == set()


def test_an_organizations_possessive_before_a_name() -> None:
    x = article("The Harbour Trust's Lena Varga said the plan would fail.")
    assert triples(x) == {("Lena Varga", "Harbour Trust", "member")}
    assert rules(x) == {"membership/affiliation"}


def test_a_possessive_before_a_product_is_no_membership() -> None:
    # the name modifies a noun: a product's, not a member's
    x = article("Zentrix Systems said sales of Zentrix's Quasar Pad handheld had doubled.")
    assert triples(x) == set()


def test_ex_glued_to_a_party_before_a_title() -> None:
    x = article("Ex-Labour minister Tom Harker wrote to the council about the budget.")
    assert triples(x) == {("Tom Harker", "Labour", "ex-minister")}
    assert rules(x) == {"membership/name-title-person"}


def test_a_post_of_one_country_among_several() -> None:
    # gov_posts.tsv: a foreign secretary is a UK post; the article names Britain and Poland
    x = article(
        "Foreign Secretary Tom Harker flies to Warsaw on Monday for two days of talks.",
        "Britain and Poland will hold talks on trade next week.",
    )
    assert triples(x) == {("Tom Harker", "United Kingdom", "foreign secretary")}
    assert rules(x) == {"membership/country-post"}


def test_a_post_of_one_country_needs_that_country_named() -> None:
    x = article(
        "Foreign Secretary Tom Harker flies to Warsaw on Monday for two days of talks.",
        "Poland will hold talks on trade next week.",
    )
    assert triples(x) == set()


def test_an_undersecretary_of_state_with_the_country_in_the_phrase() -> None:
    x = article("US Undersecretary of State Tom Harker arrives in Lima on Friday.")
    assert triples(x) == {("Tom Harker", "United States", "undersecretary of state")}


def test_a_shadow_post_takes_the_party_named_beside_it() -> None:
    x = article(
        "The Tories attacked the budget at once. Shadow chancellor "
        'Tom Harker said: "It is too late."'
    )
    assert triples(x) == {("Tom Harker", "Conservative Party", "shadow chancellor")}
    assert rules(x) == {"membership/context-title-person"}


def test_a_shadow_post_with_no_party_or_two_parties_beside_it() -> None:
    assert triples(article("Shadow chancellor Tom Harker said it was too late.")) == set()
    x = article(
        "The Tories and the Liberal Democrats both attacked the plan. Shadow chancellor Tom "
        "Harker said it was too late."
    )
    assert triples(x) == set()


def test_a_party_adjective_right_before_a_name() -> None:
    x = article(
        "Voters in Leeds backed the Liberal Democrats on Thursday.",
        "Liberal Democrat Lena Varga, the newest MP, called the vote overdue.",
    )
    assert triples(x) == {("Lena Varga", "Liberal Democrats", "member")}


def test_a_people_right_before_a_name_is_no_party() -> None:
    # only an organization the article names: "Swede" is a people; no org before a name
    # without the possessive either ("Green Alliance Lena Varga" is one name split in two)
    assert triples(article("He could face Swede Jonas Berglund in the second round.")) == set()
    x = article("The Green Alliance backed it.", "Green Alliance Lena Varga spoke first.")
    assert triples(x) == set()


def test_a_group_name_with_a_plural_before_a_persons_role() -> None:
    # "Lib Dem" is also written "Lib Dems": a group, not a person with a spokesman
    x = article(
        "The Lib Dems demanded an inquiry.",
        "Lib Dem spokesman Tom Harker called the reply thin.",
    )
    assert triples(x) == {("Tom Harker", "Liberal Democrats", "spokesman")}


def test_a_participle_that_gives_the_role() -> None:
    x = article(
        "Zentrix Holdings went bust last year.",
        "Lena Varga, the specialist appointed by the government as Zentrix's chief executive, "
        "addressed the shareholders.",
    )
    assert triples(x) == {("Lena Varga", "Zentrix Holdings", "chief executive")}
    assert rules(x) == {"membership/predicate"}


def test_a_participle_without_a_role_is_no_membership() -> None:
    x = article(
        "Zentrix Holdings went bust last year.",
        "Lena Varga, the specialist appointed by Zentrix Holdings in May, spoke to lawmakers.",
    )
    assert triples(x) == set()


def test_a_strategist_and_a_lecturer_are_roles() -> None:
    x = article('"Prices will rise," said Piet Amsel, a strategist at Corvane Bank.')
    assert triples(x) == {("Piet Amsel", "Corvane Bank", "strategist")}
    x = article("Ann Lutz, a law lecturer at Harbourside University, said it was unfair.")
    assert triples(x) == {("Ann Lutz", "Harbourside University", "law lecturer")}


def test_a_role_said_by_a_verb() -> None:
    x = article("Ann Lutz, who chairs the Harbour Rowing Club, called the plan timid.")
    assert triples(x) == {("Ann Lutz", "Harbour Rowing Club", "chair")}
    x = article("Piet Amsel founded Corvane Systems in 1991 with two friends.")
    assert triples(x) == {("Piet Amsel", "Corvane Systems", "founder")}


def test_a_header_is_no_role() -> None:
    x = article("Dario Fenn almost headed Harbour United in front in extra time.")
    assert triples(x) == set()


def test_a_comparative_opening_a_sentence_is_no_organization() -> None:
    x = article(
        "Kestrel police chief Tom Varga warned that late bars would bring trouble.",
        "Earlier this year doctors opposed the plan. Earlier chief constable Varga doubted "
        "that his force could enforce the new rules at night.",
    )
    assert triples(x) == {("Tom Varga", "Kestrel", "police chief")}


def test_a_party_before_a_peer() -> None:
    x = article("Labour peer Baroness Lindqvist said the bill was flawed.")
    assert triples(x) == {("Baroness Lindqvist", "Labour Party", "peer")}


def test_a_bare_peer_names_no_body() -> None:
    assert triples(article("Hereditary peer Lord Varga said the bill was flawed.")) == set()


def test_a_bare_chief_economist_belongs_to_the_company_of_the_paragraph() -> None:
    x = article(
        "Kestrel Bank raised its forecast on Monday, and chief economist Ann Lindqvist said "
        "growth would pick up."
    )
    assert triples(x) == {("Ann Lindqvist", "Kestrel Bank", "chief economist")}
    assert rules(x) == {"membership/subject-company-title"}


def test_a_band_before_a_members_title() -> None:
    x = article("Former Harbour Lights singer Ann Lindqvist has released a solo album.")
    assert triples(x) == {("Ann Lindqvist", "Harbour Lights", "former singer")}


def test_a_kind_of_music_before_a_title_is_no_band() -> None:
    assert triples(article("Pop singer Ann Lindqvist said so.")) == set()
    assert triples(article("Soul singer Ann Lindqvist is touring Europe.")) == set()


def test_a_comparative_before_a_party_is_left_out() -> None:
    x = article("Earlier Tory leader Ian Moss sent his warmest congratulations to the winner.")
    assert triples(x) == {("Ian Moss", "Conservative Party", "leader")}


def test_a_named_department_holds_its_secretary() -> None:
    x = article(
        "Britain wants a deal. The Department of Health said nothing on Monday.",
        "Health Secretary Ann Lindqvist launched the plan in Leeds.",
    )
    assert triples(x) == {("Ann Lindqvist", "Department of Health", "health secretary")}
    assert rules(x) == {"membership/department-post"}


def test_a_secretary_without_a_named_department_is_the_countrys() -> None:
    x = article("Britain wants a deal.", "Health Secretary Ann Lindqvist launched the plan.")
    assert triples(x) == {("Ann Lindqvist", "United Kingdom", "health secretary")}


def test_a_body_before_president_heads_it() -> None:
    """ "president" is a post only with a country named: before it a body is its own."""
    x = article("Zentrix Labs president Tom Varga hopes the deal is signed this year.")
    assert triples(x) == {("Tom Varga", "Zentrix Labs", "president")}


def test_a_portfolio_before_secretary_is_no_body() -> None:
    x = article(
        "Britain wants a deal.",
        "Trade and Industry Secretary Ann Lindqvist said the talks would go on.",
    )
    assert triples(x) == {("Ann Lindqvist", "United Kingdom", "trade and industry secretary")}


def test_boss_before_a_country_names_its_team() -> None:
    x = article("Norway boss Tom Varga said the side had done well.")
    assert triples(x) == {("Tom Varga", "Norway", "boss")}


def test_the_boss_of_a_countrys_firm_is_not_the_teams() -> None:
    x = article("Tom Varga, the boss of Norway's biggest bank, said profits had risen.")
    assert not {t for t in triples(x) if t[1] == "Norway"}


def test_an_honorific_between_title_and_name() -> None:
    x = article("Kestrel Bank director-general Sir Tom Varga said profits rose.")
    assert triples(x) == {("Tom Varga", "Kestrel Bank", "director-general")}


def test_a_post_that_is_a_title_is_not_skipped_as_an_honorific() -> None:
    x = article("Chancellor Gordon Lee met bankers in Britain.")
    assert triples(x) == {("Gordon Lee", "United Kingdom", "chancellor")}


def test_a_professor_after_a_body_keeps_the_role() -> None:
    # "Professor" is a role when no other title ends at the name
    x = article("Kestrel Research Council Professor Ann Lee said the views mattered.")
    assert triples(x) == {("Ann Lee", "Kestrel Research Council", "professor")}


def test_the_lord_chancellor_is_no_treasury_post() -> None:
    x = article(
        "Britain and Northern Ireland talks went on.",
        "The Lord Chancellor Lord Varga praised the retiring judge in a short speech.",
    )
    assert triples(x) == {("Varga", "United Kingdom", "lord chancellor")}


def test_praise_before_a_title_is_no_body() -> None:
    assert triples(article("Distinguished lawyer Lord Varga has died aged 93.")) == set()


def test_a_party_and_portfolio_read_as_one_name() -> None:
    """The tagger takes "Lib Dem Culture" for one name: a party and a portfolio."""
    x = article(
        "On Tuesday the Lib Dems asked for more time.",
        "Lib Dem Culture spokesman Tom Varga called the bill rushed and unfair.",
    )
    assert triples(x) == {("Tom Varga", "Liberal Democrats", "culture spokesman")}


def test_a_party_and_a_name_are_no_portfolio() -> None:
    x = article("The Lib Dems want the vote put off. Lib Dem Tom Varga said the plan was rushed.")
    assert not {t for t in triples(x) if t[2] != "member"}


def test_a_noun_for_the_kind_of_body_between_of_and_its_name() -> None:
    x = article("Tom Harker of IT firm Vantor said the deal was done.")
    assert triples(x) == {("Tom Harker", "Vantor", "member")}
    assert triples(article("Tom Harker of the new firm said the deal was done.")) == set()
