"""People and organizations that a membership's wording names where the tagger found none,
or found the wrong thing.

Why: a role statement is itself evidence about the words around it. On a team sheet the
words before a bracketed club are a person's name and the words in the brackets a club's
("A Vance (Harbour Harriers)"), whatever the tagger made of them. The rule that reads that
shape (:mod:`newskg.extraction.role_sheets`) makes the entities here, as
:mod:`newskg.extraction.role_orgs` does for organizations named by an adjective.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newskg.extraction.mentions import Mention
from newskg.extraction.model import Entity
from newskg.extraction.nlp import Para
from newskg.text import fold
from newskg.vocab import entity_key

if TYPE_CHECKING:
    from newskg.extraction.memberships import MembershipFinder


class EntityMaker:
    def __init__(self, finder: MembershipFinder) -> None:
        self.f = finder
        self.res = finder.res

    def entity(self, para: Para, chars: tuple[int, int], kind: str) -> str | None:
        """The key of the ``kind`` entity that the characters ``chars`` of ``para`` name: the
        mention that covers them exactly if it has that kind, else a new mention (the tagger's
        mentions inside it dropped) of an entity of that name and kind, new if need be."""
        res = self.res
        span = para.doc.char_span(*chars, alignment_mode="contract")
        if span is None or len(span) == 0:
            return None
        start, end = span.start, span.end
        inside = [m for m in res.in_para(para.index) if m.start < end and m.end > start]
        if len(inside) == 1 and (inside[0].start, inside[0].end) == (start, end):
            m = inside[0]
            if res.kinds.get(m.key or "") == kind:
                return m.key
        if any(m.start < start or m.end > end or not self.droppable(m) for m in inside):
            return None  # a mention that runs on past the name, or that a pronoun needs
        for m in inside:
            self.drop(m)
        text = " ".join(span.text.split())
        place = para.chars(span)
        key = next(
            (e.key for e in res.entities if e.kind == kind and fold(e.label) == fold(text)),
            None,
        )
        if key is None:
            used = {e.key for e in res.entities}
            key = base = entity_key(text)
            n = 2
            while key in used:
                key, n = f"{base}--{kind}-{n}", n + 1
            res.entities.append(Entity(key, kind, text, set(), None, []))  # type: ignore[arg-type]
        entity = next(e for e in res.entities if e.key == key)
        entity.mentions.append(place)
        entity.mentions.sort()
        res.mentions.append(
            Mention(para.index, start, end, place, text, "ROLE", kind=kind, key=key)
        )
        res.mentions.sort(key=lambda m: m.span)
        res.entities.sort(key=lambda e: (e.mentions[0], e.key))
        res.index()
        return key

    def droppable(self, mention: Mention) -> bool:
        """Can the tagger's mention go: its entity keeps another mention, or no pronoun
        stands for it (then the entity goes with it)?"""
        entity = next((e for e in self.res.entities if e.key == mention.key), None)
        if entity is None or len(entity.mentions) > 1:
            return True
        return mention.key not in self.f.pronouns.values()

    def drop(self, mention: Mention) -> None:
        """Take the tagger's mention out, and its entity when it has no other mention."""
        res = self.res
        res.mentions.remove(mention)
        entity = next((e for e in res.entities if e.key == mention.key), None)
        if entity is not None:
            if mention.span in entity.mentions:
                entity.mentions.remove(mention.span)
            if not entity.mentions:
                res.entities.remove(entity)
        res.index()
