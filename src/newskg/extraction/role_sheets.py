"""Team sheets: paragraphs that list people each with a club in brackets.

Sports news ends a squad or results story with lines such as "60m: A Vance (Harbour Harriers),
B Lund (Kestrel and District)". Each name there belongs to the club in its brackets.

Why a reader of its own: the tagger reads such lines badly (an initial cut off a name, a club
called a person or a place, a club split at its "and"), so the names are read from the line's
shape, not from the mentions, and the mentions the tagger made inside a name or a club are
replaced by one person and one organization (the membership justifies the kinds, as in
:mod:`newskg.extraction.role_orgs`).

A line is a sheet line when nothing but such items, event labels ending in a colon and
separators is on it. Its brackets name clubs when the article's sheet lines hold at least
:data:`MIN_CUED` brackets with a club word (``role_sheet_clubs.txt``: "AC", "Harriers") or
:data:`MIN_ITEMS` items in all (a squad list names clubs by their towns: "Lund (Kestrel)").
A bracket that is a country is never a club: "(Kenya)" after a runner is where they come
from, and a national side in brackets is not told apart from a nationality.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spacy.tokens import Token

from newskg.extraction import datafiles
from newskg.extraction.gazetteer import load as load_gazetteer
from newskg.extraction.nlp import Para
from newskg.extraction.role_entities import EntityMaker
from newskg.text import fold

if TYPE_CHECKING:
    from newskg.extraction.memberships import MembershipFinder

RULE = "membership/team-sheet"
#: Fewest brackets with a club word that make an article's bracketed lines a team sheet.
MIN_CUED = 2
#: Fewest items that make them one with no club word ("Lund (Kestrel), Moss (Halden)": a
#: squad list names clubs by their towns).
MIN_ITEMS = 4
_FIRST = r"(?:[A-Z]\.?|[A-Z][a-z]+)"
_LAST = r"[A-Z][A-Za-z'\u2019]+(?:-[A-Z][A-Za-z'\u2019]+)?"
#: "A Vance (Harbour Harriers)", "Lund (Kestrel)": a surname after an initial or a first
#: name, or alone (squad lists), and a bracket of words with no digit (not a time:
#: "(3:45.86)"), perhaps with the player's post after a comma ("(Kestrel, capt)").
ITEM = re.compile(
    rf"(?<![\w'\u2019-])(?P<name>(?:{_FIRST} )?{_LAST}) "
    rf"\((?P<club>[A-Z][^()\d,]*(?:, [A-Z][^()\d,]*)*)(?:, [a-z][a-z -]*)?\)"
)
#: What may stand between the items of a sheet line: an event's label before a colon
#: ("60m:", "Pole vault:"), separators.
LABEL = re.compile(r"[\w'\u2019 ]{1,30}:")
FILLER = re.compile(r"[\s,.;&\u2013\u2014-]*")


@dataclass(frozen=True)
class Item:
    para: Para
    name: tuple[int, int]  # characters in the paragraph
    club: tuple[int, int]
    text: str  # the club as written


def club_words() -> frozenset[str]:
    return datafiles.word_set("role_sheet_clubs.txt")


def sheet_items(para: Para) -> list[Item]:
    """The items of a sheet line, or [] when the paragraph is prose."""
    text = para.text
    found = list(ITEM.finditer(text))
    if not found:
        return []
    rest = LABEL.sub("", ITEM.sub("", text))
    if not FILLER.fullmatch(rest):
        return []
    return [Item(para, m.span("name"), m.span("club"), m.group("club")) for m in found]


def is_country(name: str, finder: MembershipFinder) -> bool:
    """A bracket that is a country or a code for one ("(Kenya)", "(GB)", "(Eth)") is where a
    runner comes from, or a national side: no club. Towns are left, since squad lists name
    clubs by them ("(Kestrel)")."""
    words = name.split()
    if len(words) == 1 and len(name) <= 3:
        return True
    if finder.lex.demonym_length(words) or name.lower() in finder.data.nations:
        return True
    if fold(name) in {fold(n) for n in finder.data.nations.values()}:
        return True
    entry = load_gazetteer().lookup(name, "place")
    return entry is not None and entry.key in set(finder.lex.demonyms.values())


class SheetReader(EntityMaker):
    def read(self) -> None:
        items = [i for p in self.f.paras for i in sheet_items(p)]
        clubs = club_words()
        cued = [i for i in items if clubs & set(i.text.lower().replace(",", " ").split())]
        if len(cued) < MIN_CUED and len(items) < MIN_ITEMS:
            return
        found: list[tuple[str, str, Para, Token]] = []
        for item in items:
            if item not in cued and is_country(item.text, self.f):
                continue
            person = self.entity(item.para, item.name, "actor")
            club = self.entity(item.para, item.club, "organization")
            name = item.para.doc.char_span(*item.name, alignment_mode="contract")
            if person is not None and club is not None and name is not None:
                found.append((person, club, item.para, name[0]))
        clubs_of: dict[str, set[str]] = {}
        for person, club, _, _ in found:
            clubs_of.setdefault(person, set()).add(club)
        for person, club, para, first in found:
            # one name with two clubs is two people the article calls by one surname
            # ("Roberts (Kestrel), ... Roberts (Halden)"): which is which is unknown
            if len(clubs_of[person]) == 1:
                self.f.add(person, club, "member", para, first, RULE)
