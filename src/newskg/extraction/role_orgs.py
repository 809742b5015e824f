"""The organization side of a membership, when the text names it in a way the entity layer
did not type as an organization.

Why: a role statement is itself evidence about the names around it. In "Skyline Air deputy chief
executive X" the word before the title is an organization even when the tagger
called it a person; in "Conservative health spokesman X" the party is named only by its
adjective; in "finance minister X" the organization is the country the article names (FORMAT.md:
the country is the organization of a government post when no department is named). Each
helper here changes the extraction only when a membership rule has justified it.
"""

from __future__ import annotations

from newskg.extraction.entities import Resolution
from newskg.extraction.gazetteer import load as load_gazetteer
from newskg.extraction.lexicon import Lexicon
from newskg.extraction.mentions import Mention
from newskg.extraction.model import Entity
from newskg.extraction.nlp import Para, SpacySpan
from newskg.extraction.role_data import Post, RoleData
from newskg.text import fold
from newskg.vocab import entity_key


def names(entity: Entity) -> set[str]:
    return {fold(n) for n in {entity.label, *entity.alt_labels}} - {""}


def mentions_of(res: Resolution, key: str) -> list[Mention]:
    return [m for m in res.mentions if m.key == key]


def actor_as_org(
    res: Resolution, paras: list[Para], lex: Lexicon, key: str, role: str, data: RoleData
) -> bool:
    """Retype the actor ``key`` as an organization, because it stands where an organization
    names a title's holder ("Skyline Air deputy chief executive X"). Refused when the name looks
    like a person's: a personal title before any of its mentions, several surface forms
    ("Tony Blair" and "Blair"), more than three words, or a role held for a person ("Trump
    lawyer X", "Blair spokesman Y")."""
    entity = next((e for e in res.entities if e.key == key), None)
    words = role.split()
    if entity is None or entity.kind != "actor":
        return False
    # a name the article also writes with a plural "s" is a group's ("Lib Dem spokesman"
    # beside "the Lib Dems"): a person's name takes none
    plural = {entity.label + "s", entity.label + "es"}
    group = any(e.label in plural or e.alt_labels & plural for e in res.entities)
    person_role = words[-1] in data.person_roles and all(w in data.modifiers for w in words[:-1])
    if person_role and not group:
        return False  # "Blair spokesman", "Blair's official spokesman" (not "home affairs")
    ms = mentions_of(res, key)
    if len({m.text for m in ms}) != 1 or len(entity.label.split()) > 3:
        return False
    by_index = {p.index: p for p in paras}
    for m in ms:
        para = by_index.get(m.para)
        if para is None or m.start == 0:
            continue
        before = para.doc[max(0, m.start - 2) : m.start]
        if lex.title_length([t.text for t in before][-1:]) or lex.title_length(
            [t.text for t in before]
        ):
            return False
    entity.kind = "organization"
    for m in ms:
        m.kind = "organization"
    res.kinds[key] = "organization"
    return True


def named_org(
    res: Resolution, para: Para, start: int, end: int, generic: frozenset[str] = frozenset()
) -> str | None:
    """The organization a name no entity claims (tokens ``start:end``: a party adjective,
    "Liberal Democrat", or a firm, "Harbour Capital Markets") stands for before a title: an
    organization entity whose name begins with it ("Liberal Democrats", "Conservative Party"),
    else a new organization entity with these words as its name. A single word of
    ``generic`` (heads such as "Committee") is no name."""
    doc = para.doc
    words = fold(doc[start:end].text)
    if not words:
        return None
    found = existing_org(res, words)
    if found is not None:
        return found
    # "State Department spokesman X" after "the US State Department": the name another
    # organization of the article holds after its country is that organization.
    qualified = [
        e.key
        for e in res.entities
        if e.kind == "organization"
        and any(n.endswith(" " + words) and is_place(res, n[: -len(words) - 1]) for n in names(e))
    ]
    if len(qualified) == 1:
        return qualified[0]
    if len(words.split()) == 1:
        # "Committee chairman X" after "the Constitutional Affairs Select Committee": the head
        # word of one named organization refers back to it; never a name of its own.
        heads = [
            e.key
            for e in res.entities
            if e.kind == "organization" and any(n.endswith(" " + words) for n in names(e))
        ]
        if len(heads) == 1:
            return heads[0]
        if doc[start].text in generic:
            return None
    span = para.chars(list(doc[start:end]))
    text = " ".join(doc[start:end].text.split())
    used = {e.key for e in res.entities}
    key, n = entity_key(text), 2
    base = key
    while key in used:
        key, n = f"{base}--organization-{n}", n + 1
    mention = Mention(para.index, start, end, span, text, "ROLE", kind="organization", key=key)
    # the possessive as written is a surface form of the name ("Waterstone's" is the firm)
    nxt = doc[end] if end < len(doc) else None
    glued = nxt is not None and nxt.text in {"'s", "\u2019s"} and not doc[end - 1].whitespace_
    alt = {text + nxt.text} if glued and nxt is not None else set()
    res.entities.append(Entity(key, "organization", text, alt, None, [span]))
    res.entities.sort(key=lambda e: (e.mentions[0], e.key))
    res.mentions.append(mention)
    res.mentions.sort(key=lambda m: m.span)
    res.index()
    return key


def existing_org(res: Resolution, words: str) -> str | None:
    """The organization entity whose name is, or begins with, the folded ``words`` ("liberal
    democrat" is "Liberal Democrats")."""
    for entity in res.entities:
        if entity.kind == "organization" and any(
            n == words or n.startswith(words + " ") or n == words + "s" for n in names(entity)
        ):
            return entity.key
    return None


def is_place(res: Resolution, name: str) -> bool:
    """Whether the folded ``name`` is a place: one of the article's, or a place of the
    gazetteer ("us" is the United States)."""
    return any(e.kind == "place" and name in names(e) for e in res.entities) or (
        load_gazetteer().lookup(name, "place") is not None
    )


def place_named(
    res: Resolution, lex: Lexicon, data: RoleData, words: list[str], whole: bool = False
) -> str | None:
    """The place entity a country adjective names ("South African", "US" as a word is a
    mention, not an adjective), or None when the article has no such entity. ``whole``: the
    adjective must be all of ``words``."""
    n = lex.demonym_length(words)
    if whole and n != len(words) and not (len(words) == 1 and words[0].lower() in data.nations):
        return None
    if n:
        key = lex.demonyms.get(tuple(w.lower() for w in words[:n]))
        if key and key in res.kinds and res.kinds[key] == "place":
            return key
        return None
    name = data.nations.get(words[0].lower()) if words else None
    if name:
        for entity in res.entities:
            if entity.kind == "place" and fold(name) in names(entity):
                return entity.key
    return None


def countries(res: Resolution, lex: Lexicon, data: RoleData) -> set[str]:
    """Keys of the article's place entities that are countries (or nations of
    ``role_nations.tsv``)."""
    known = {k for k in lex.demonyms.values() if k}
    nations = {fold(n) for n in data.nations.values()}
    return {
        e.key for e in res.entities if e.kind == "place" and (e.key in known or names(e) & nations)
    }


def department(res: Resolution, post: Post) -> str | None:
    """The organization entity that is the post's department, when the article names it."""
    wanted = {fold(d) for d in post.departments}
    for entity in res.entities:
        if entity.kind == "organization" and any(
            n in wanted or any(n.endswith(" " + w) for w in wanted) for n in names(entity)
        ):
            return entity.key
    return None


def country_named(res: Resolution, name: str) -> str | None:
    """The article's place entity that is the country ``name`` (by any of its names)."""
    wanted = fold(name)
    return next((e.key for e in res.entities if e.kind == "place" and wanted in names(e)), None)


def main_country(
    res: Resolution, lex: Lexicon, data: RoleData, paras: list[Para], para: int
) -> str | None:
    """The one country named in paragraph ``para`` or, if it names none, the one country the
    article names, by name or by adjective ("Kenyan officials"); None when there are several
    (a post's country is then unknown: news names the countries its officials deal with, not
    only their own) or when the one country is named only by its adjective."""
    keys = countries(res, lex, data)

    def named(scope: list[Para]) -> set[str]:
        found = {m.key or "" for p in scope for m in res.in_para(p.index) if m.key in keys}
        for p in scope:
            words = [t.text for t in p.doc]
            for i in range(len(words)):
                n = lex.demonym_length(words[i : i + 3])
                if n and (key := lex.demonyms.get(tuple(w.lower() for w in words[i : i + n]))):
                    found.add(key)
        return found

    here = named([p for p in paras if p.index == para])
    if not here:
        here = named(paras)
    key = here.pop() if len(here) == 1 else None
    return key if key in keys else None


def context_org(res: Resolution, para: Para, tok_i: int, pronoun: bool = False) -> str | None:
    """The organization the text was speaking of at token ``tok_i``: for a ``pronoun``
    ("its"), the subject of the sentence when a name is (None if that is not an
    organization); else the last organization
    mentioned before it in the same sentence, else before it in the article."""
    sent_start = para.doc[tok_i].sent.start
    at = para.tok_span(para.doc[tok_i]).begin
    before = [
        m for m in res.mentions if m.span.end <= at and res.kinds.get(m.key or "") == "organization"
    ]
    subject = next(
        (
            m
            for t in para.doc[sent_start:tok_i]
            if t.dep_ in {"nsubj", "nsubjpass"}
            and (m := res.mention_at(para.index, t.i)) is not None
        ),
        None,
    )
    if pronoun and subject is not None:
        # "Yukos claims its downfall ...": "its" is the sentence's subject, if that is one
        return subject.key if res.kinds.get(subject.key or "") == "organization" else None
    if not before:
        return None
    in_sent = [m for m in before if m.para == para.index and m.start >= sent_start]
    return (in_sent or before)[-1].key


def subject_org(res: Resolution, para: Para) -> str | None:
    """The one organization that is a grammatical subject in the paragraph (the company the
    paragraph is about), or None when there is none or several."""
    found = {
        m.key
        for m in res.in_para(para.index)
        if m.key
        and res.kinds.get(m.key) == "organization"
        and any(t.dep_ in {"nsubj", "nsubjpass"} for t in para.doc[m.start : m.end])
    }
    return found.pop() if len(found) == 1 else None


def sentences_around(paras: list[Para], para: Para, tok_i: int) -> list[tuple[Para, SpacySpan]]:
    """The sentence of token ``tok_i`` with the sentence before and the one after it, across a
    paragraph break."""
    seq = [(p, s) for p in paras for s in p.doc.sents]
    here = next(
        k for k, (p, s) in enumerate(seq) if p.index == para.index and s.start <= tok_i < s.end
    )
    return seq[max(0, here - 1) : here + 2]


def party_near(res: Resolution, lex: Lexicon, window: list[tuple[Para, SpacySpan]]) -> str | None:
    """The one party named in the ``window`` of sentences ("The Tories attacked ... Shadow
    chancellor X said"): an organization whose name the tagger calls a group (NORP: "Tories",
    "Liberal Democrat", not a nationality) or that ends in "Party". None when none or
    several."""
    found: set[str] = set()
    weak: set[str] = set()  # named only as a modifier ("the Tory plan", "a Commons vote")
    for para, sent in window:
        doc = para.doc
        i = sent.start
        while i < sent.end:
            m = res.mention_at(para.index, i)
            tok = doc[i]
            if m is not None:
                group = any(t.ent_type_ == "NORP" for t in doc[m.start : m.end])
                party = group or m.text.split()[-1] in {"Party", "party"}
                if party and res.kinds.get(m.key or "") == "organization":
                    # a name before a noun may be a tagger's NORP ("a Commons vote"):
                    # it only makes the party ambiguous
                    # (a party of the gazetteer is one whatever it qualifies: "the new
                    # Liberal Democrat approach")
                    modifier = m.gaz is None and m.end < len(doc) and doc[m.end].pos_ == "NOUN"
                    (weak if modifier else found).add(m.key or "")
                i = max(m.end, i + 1)
                continue
            if (
                tok.ent_type_ == "NORP"
                and tok.text[:1].isupper()
                and not lex.demonym_length([tok.text])
            ):
                start = i
                while start > sent.start and doc[start - 1].pos_ == "PROPN":
                    start -= 1
                if res.mention_at(para.index, start) is None:
                    key = named_org(res, para, start, i + 1)
                    if key:
                        found.add(key)
            i += 1
    return found.pop() if len(found) == 1 and not weak - found else None
