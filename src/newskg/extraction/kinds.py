"""Step 3 of :func:`newskg.extraction.entities.resolve`: the kind of each mention.

Kinds are voted per name over the article; a token equal to the surname of a full person
name is that person whatever spaCy tagged it (the small model often calls surnames GPE/ORG);
a place-named side with a team cue (``team_cues.txt``) is an organization; a full name
after "<body>'s" or whose surname the article uses alone as a person is a person; a name
cut short before the rest of a person's full name takes it back; a title after a work noun
or before ", a <work noun>" (``work_nouns.txt``), a people before ", an ethnic minority"
(``group_nouns.txt``) and an event that "took place" or "was held" are no entity
(:mod:`newskg.extraction.non_entities`).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from newskg.extraction import datafiles
from newskg.extraction.bodies import party_name
from newskg.extraction.cued_orgs import company_cue
from newskg.extraction.lexicon import lexicon
from newskg.extraction.lists import listed_with_bodies
from newskg.extraction.mentions import KIND_OF_LABEL, Mention, span_text
from newskg.extraction.modifiers import (
    adherent_names,
    product_names,
    qualifier_names,
    versioned_names,
)
from newskg.extraction.names import (
    head_word,
    lower_words,
    name_rules,
    occupation_before,
    org_noun_before,
    place_heads,
)
from newskg.extraction.nlp import Para
from newskg.extraction.non_entities import (
    people_after,
    starred_in,
    tagged_events,
    took_place,
    was_held,
    work_after,
    work_before,
)
from newskg.extraction.person_cues import (
    human_cue,
    in_person_list,
    initialled,
    member_of_body,
    person_shaped,
    speaks_for_body,
    who_follows,
)
from newskg.extraction.place_cues import (
    in_place,
    located,
    plural_subject,
    settlement_cue,
    team_cue,
)
from newskg.text import fold

# --- 3. kinds ------------------------------------------------------------------------------


def vote_kinds(mentions: list[Mention], paras: list[Para]) -> None:
    _complete_person_names(mentions, paras)
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    lex = lexicon()
    for m in mentions:
        if m.gaz is not None:
            votes[fold(m.text)]["gaz:" + m.gaz.kind] += 100
        elif m.label == "NORP":  # a people, unless a party's name ("Liberal Democrats")
            votes[fold(m.text)]["organization" if party_name(m.words, lex) else "norp"] += 1
        else:
            votes[fold(m.text)][KIND_OF_LABEL[m.label]] += 1
    # One word the tagger calls both a place and a person, and that some sentence puts "in"
    # somewhere, is the place ("Dunmore chose ...", "a hotel in Dunmore"). A person's
    # surname is named in full somewhere, and then the surname cue below outvotes this one.
    for name in {fold(m.text) for m in mentions if len(m.words) == 1 and in_place(m, paras)}:
        counter = votes[name]
        if counter["place"] and counter["actor"] and not counter["organization"]:
            counter["place"] += counter["actor"]
    # Groups named with "the" that spaCy called persons ("the Rangers", "the Free Dems") are
    # organizations.
    for m in mentions:
        doc = paras[m.para].doc
        if (
            m.label == "PERSON"
            and (
                len(m.words) == 1
                and m.text.endswith("s")
                # "the Tom Jones show": a person's show
                or party_name(m.words, lex)
                and doc[m.end - 1].dep_ != "compound"
            )
            and m.start > 0
            and doc[m.start - 1].lower_ == "the"
        ):
            votes[fold(m.text)]["organization"] += 3
    # "news agency Sana", "localist group Civic Passion": the organization a noun announces.
    for m in mentions:
        placed = m.label in {"PERSON", "GPE", "LOC", "FAC"}  # "monitoring firm Netfold"
        if m.gaz is None and placed and org_noun_before(paras[m.para].doc, m.start):
            votes[fold(m.text)]["organization"] += 100
    # "shares in Vantor", "Vantor's chief executive": a company (``company_cues.tsv``); not a
    # full name the tagger calls a person ("Ann Roe's chairman at the club").
    for m in mentions:
        single = len(m.words) == 1 or m.label != "PERSON"
        if (
            m.gaz is None
            and m.label != "ORG"
            and single
            and company_cue(paras[m.para].doc, m.start, m.end)
        ):
            votes[fold(m.text)]["organization"] += 100
    # "fashion designer Orsola", "athletes Tomas Verbeek": the person an occupation names.
    for m in mentions:
        if m.gaz is None and m.label != "PERSON" and occupation_before(paras[m.para].doc, m.start):
            votes[fold(m.text)]["actor"] += 100
    # Names with a human cue (title before, role apposition, "and other officials") are persons.
    for m in mentions:
        if m.gaz is None and m.label != "PERSON" and human_cue(m, paras[m.para]):
            votes[fold(m.text)]["actor"] += 100
    # A name whose head says what it is: "Kestrel Stadium" a place, "Saudi Gazette" or
    # "Municipality of Livorno" an organization (``place_heads.txt``, ``org_heads.txt``).
    org_heads, places = lexicon().org_heads, place_heads()
    for m in mentions:
        if m.gaz is None and len(m.words) > 1:
            head_name = head_word(m.words)
            if head_name in places:
                votes[fold(m.text)]["place"] += 3
            elif head_name in org_heads:
                votes[fold(m.text)]["organization"] += 3
    # "New Civic Party's Mona Lau": a full name owned by a named body is its member.
    lower = lower_words(paras)
    for m in mentions:
        if m.gaz is None and m.label == "ORG" and member_of_body(m, paras[m.para], lower):
            votes[fold(m.text)]["actor"] += 3
    # "T Brankin", "K. Vosse": an initial and a surname (tagged a body or a place on team
    # sheets); "Jo Ray, who": a person's name.
    for m in mentions:
        para = paras[m.para]
        if m.gaz is None and (
            m.label in {"ORG", "GPE", "LOC", "FAC"}
            and initialled(m, para, lower)
            or m.label == "ORG"
            and who_follows(m, para, lower)
        ):
            votes[fold(m.text)]["actor"] += 3
    # "Ann Lee, for the Green Party, said": a full name that speaks for a named body.
    for m in mentions:
        if m.gaz is None and m.label == "ORG" and speaks_for_body(m, paras[m.para]):
            votes[fold(m.text)]["actor"] += 3
    # "Norway's Erik Lindqvist" tagged ORG, then "said Lindqvist" tagged PERSON: a full name
    # whose last word the article uses alone as a person (or with a title: "Mr Lindqvist"),
    # and never alone as anything else, is that person (the small model often misses
    # athletes' full names); a first word used alone as a body is a brand ("Mozilla
    # Firefox").
    alone: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if len(m.words) == 1:
            alone[m.words[0]].add(m.label)
    cued = {name for name, counter in votes.items() if counter["actor"] >= 100}  # "Mr Vail"
    # A place keeps its name ("South Yorkshire"), unless the article never puts it "in"
    # somewhere and its last word alone is a person's subject ("Tom Vane" tagged a place on
    # a results table, then "Vane won").
    located_names = {fold(m.text) for m in mentions if in_place(m, paras)}
    subjects = {  # "Vane said": a lone name a verb takes as its subject
        m.words[0]
        for m in mentions
        if len(m.words) == 1 and paras[m.para].doc[m.start].dep_ in {"nsubj", "nsubjpass"}
    }
    for m in mentions:
        if (
            m.gaz is None
            and (
                m.label == "ORG"
                or m.label in {"GPE", "LOC"}
                and fold(m.text) not in located_names
                and alone.get(m.words[-1]) == {"PERSON"}
                and m.words[-1] in subjects
            )
            and 2 <= len(m.words) <= 3
            and (alone.get(m.words[-1]) == {"PERSON"} or fold(m.words[-1]) in cued)
            and alone.get(m.words[0], {"PERSON"}) == {"PERSON"}  # not "Mozilla Firefox"
            and person_shaped(m.words)
            and not set(m.words) & (org_heads | places)
        ):
            votes[fold(m.text)]["actor"] += 3
    # A full name in a list of persons is a person ("Ann Reyes, Lou Park, Tom ...").
    persons = {(m.para, m.end - 1) for m in mentions if m.label == "PERSON" and len(m.words) > 1}
    for m in mentions:
        if m.gaz is None and m.label in {"ORG", "GPE"} and in_person_list(m, paras, persons):
            votes[fold(m.text)]["actor"] += 3
    # "Ubivox, Microsoft and Sony": a "place" unknown to the gazetteer listed with bodies.
    for m in listed_with_bodies(mentions, paras):
        votes[fold(m.text)]["organization"] += 3
    # "the village of X", "X, an area outside Y": a place (``settlement_nouns.txt``).
    for m in mentions:
        if m.gaz is None and m.label != "GPE" and settlement_cue(m, paras[m.para]):
            votes[fold(m.text)]["place"] += 100
    # "Dayton, Ohio", "Livorno, Tuscany": a name and the region that locates it.
    for m, region in located(mentions, paras):
        votes[fold(m.text)]["place"] += 3
        votes[fold(region.text)]["place"] += 3
    # A lone "person" word as the object of a locative preposition is a place ("in Marivan"),
    # and so is one with a place's ending ("Harwickshire", ``place_suffixes.txt``).
    suffixes = tuple(datafiles.word_set("place_suffixes.txt"))
    for m in mentions:
        if m.label == "PERSON" and len(m.words) == 1 and in_place(m, paras):
            votes[fold(m.text)]["place"] += 2
        if m.label == "PERSON" and len(m.words) == 1 and m.text.lower().endswith(suffixes):
            votes[fold(m.text)]["place"] += 2
    # A place-named side in a sports sentence is a team: an organization. A country of the
    # gazetteer with such a cue is its national team all through the article ("Sweden
    # beat Mexico 3 - 0"): the team, not the country, so not the country's entry.
    teams = set()
    for m in mentions:
        placed = m.gaz is None or m.gaz.kind == "place"
        if placed and m.label in {"GPE", "LOC", "FAC", "GAZ"} and team_cue(m, paras[m.para]):
            teams.add(fold(m.text))
    # A one-word "person" with a plural verb ("Kestrel have signed"): a side, band or firm.
    for m in mentions:
        single = m.gaz is None and m.label == "PERSON" and len(m.words) == 1
        if single and plural_subject(m, paras[m.para]):
            votes[fold(m.text)]["organization"] += 3  # a title elsewhere ("Mr X") outvotes
    for m in mentions:
        if fold(m.text) in teams and (m.gaz is None or m.gaz.kind == "place"):
            m.gaz = None
            votes[fold(m.text)] = Counter({"organization": 100})
    # Full person names decide their surnames and partial names.
    full_names = {
        m.words for m in mentions if len(m.words) > 1 and _best(votes[fold(m.text)]) == "actor"
    }
    short = {name_rules().without_suffix(f) for f in full_names}  # "Whitlock" of "... IV"
    endings = {f[k:] for f in short for k in range(1, len(f))}
    for m in mentions:
        if m.gaz is None and m.words in endings:
            votes[fold(m.text)]["actor"] += 100
    # ... even where the surname is also a place of the gazetteer: "Paris" after "Florence
    # Paris" is she, not the city (a one-word surname only, never a longer place name).
    surnames = {f[-1:] for f in short}
    for m in mentions:
        if m.gaz is not None and m.gaz.kind == "place" and m.words in surnames:
            m.gaz = None
            votes[fold(m.text)] = Counter({"actor": 100})
    # "the game Super Marvin", "Firefox, a web browser": a work or product's title, no
    # entity wherever the article names it (``work_nouns.txt``).
    works = {
        fold(m.text)
        for m in mentions
        if m.gaz is None
        and (
            work_before(paras[m.para].doc, m.start, m.end)
            or starred_in(paras[m.para].doc, m.end)
            or work_after(paras[m.para].doc, m.end)
        )
    }
    # "the French Open": a tournament the tagger also calls an event.
    events = tagged_events([p.doc for p in paras])
    works |= {fold(m.text) for m in mentions if m.gaz is None and fold(m.text) in events}
    # "the Varani, an ethnic minority": a people, not a body (``group_nouns.txt``).
    works |= {
        fold(m.text) for m in mentions if m.gaz is None and people_after(paras[m.para].doc, m.end)
    }
    # "Nordic Food Fair took place", "Harbour Forum was held in Oslo": an event, not a body. A
    # person is held too ("Tom Vail was held in custody"): the passive asks only names the
    # votes do not make persons.
    for m in mentions:
        doc = paras[m.para].doc
        if m.gaz is None and (
            took_place(doc, m.start, m.end)
            or (was_held(doc, m.start, m.end) and _best(votes[fold(m.text)]) != "actor")
        ):
            works.add(fold(m.text))
    # "bought a Mac", "up for a Silver Bear": a name of one or two words the tagger called a
    # person or a place after "a" or "an" is a thing's ("a Nimbus laptop" is not, nor "an
    # Ann Roe and Jo Ray show": the name only qualifies the noun). Not a body's: "a member of
    # a Harwell whose leaders ..." speaks of the party.
    for m in mentions:
        doc = paras[m.para].doc
        if (
            m.gaz is None
            and m.label != "ORG"
            and len(m.words) <= 2
            and m.start > 0
            and doc[m.start - 1].text in {"a", "an"}  # not "A Vail", an initial
            and doc[m.end - 1].head.i <= m.end - 1  # not a modifier of a noun after it
            and (m.end == len(doc) or doc[m.end].lower_ not in {"and", "or", "&"})
        ):
            works.add(fold(m.text))
    # "the Vails" after "Tom Vail" and "Ruth Vail": a family, people, not a body.
    families = {(f[-1] + "s",) for f in short}
    works |= {fold(m.text) for m in mentions if m.gaz is None and m.words in families}
    works |= product_names(mentions, paras)  # "tied with Chrome" after "Google Chrome"
    works |= versioned_names(mentions, paras)  # "Nimbus" beside "Nimbus 7" and "Nimbus8"
    works |= adherent_names(mentions, paras)  # "a former Scientologist": a person's noun
    # "the Acme system", "HARC studies": a tagged name that only ever qualifies a noun.
    works |= {
        name for name in qualifier_names(mentions, paras) if _best(votes[name]) == "organization"
    }
    for m in mentions:
        best = _best(votes[fold(m.text)])
        if m.gaz is not None:
            best = m.gaz.kind
        elif fold(m.text) in works:
            best = None
        elif best == "actor" and len(m.words) > 2 and head_word(m.words) in places:
            best = "place"  # "Imam Reza International Airport": named after a person
        m.kind = best


def _complete_person_names(mentions: list[Mention], paras: list[Para]) -> None:
    """A name the tagger cut short on the right ("Joost" ORG before "Verhaegen", "Ana" before
    "Ruiz", when the article names "Joost Verhaegen", "Ana Ruiz" as persons elsewhere) takes
    the rest of that full name back, and the votes of that name decide its kind. In place;
    the words taken must be right after the mention and held by no other mention."""
    full = {m.words for m in mentions if m.label == "PERSON" and len(m.words) > 1}
    covered = {(m.para, i) for m in mentions for i in range(m.start, m.end)}
    for m in mentions:
        if m.gaz is not None or len(m.words) > 2:
            continue
        longer = {f for f in full if len(f) > len(m.words) and f[: len(m.words)] == m.words}
        if not longer:
            continue
        doc = paras[m.para].doc
        for end in range(m.end + 1, min(len(doc), m.end + 4) + 1):
            if (m.para, end - 1) in covered:
                break
            span, text = span_text(paras[m.para], m.start, end)
            if tuple(text.split()) in longer:
                covered.update((m.para, i) for i in range(m.end, end))
                m.span, m.text, m.end = span, text, end
                break


def _best(counter: Counter[str]) -> str | None:
    if not counter:
        return None
    for kind, _ in counter.most_common():
        if kind.startswith("gaz:"):
            return kind[4:]
    top = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    for kind, _ in top:
        if kind == "norp":
            continue
        return kind
    return None  # only ever a demonym / nationality: not an entity
