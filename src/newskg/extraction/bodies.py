"""Organizations the tagger misses because news names them by description, found by rules
over the parse and the word lists of ``src/newskg/extraction/data`` (never by naming an entity):

* *state bodies*: a country adjective or a country's name and a state-body head noun
  (``demonyms.tsv``, ``state_bodies.txt``): "the Kenyan parliament", "the French government",
  "the Chilean army" (not "Kenyan forces", "French officials", "the French team");
* *led collectives*: "<Name>-led" and a collective head (``collective_heads.txt``):
  "a Somali-led coalition", "the NATO-led mission";
* *named collectives*: a lower-case collective with a naming cue, either "the <noun> <head>"
  or "the <head> of <noun>" led, headed or backed by someone ("the opposition alliance led by
  Kowal"), or the same in quotation marks after "what X called", "so-called", "known as",
  "dubbed" (what she called "the front of hope");
* *proper names with an organizational head*: a run of capitalised proper nouns no entity
  covers that ends with a word of ``org_heads.txt`` ("the anti-junta Orange Front"); the
  same run ending with a word of ``place_heads.txt`` is a place ("the Al-Ghaza Hotel");
* *bare heads*: "the parliament" or "parliament vote" once the article names exactly one
  state body with that head: another mention of it;
* *party names*: a name the tagger calls a nationality (NORP) that is a party's
  ("the Liberal Democrats": :func:`party_name`).

Each rule returns token ranges ``(start, end)`` of one paragraph's Doc; the caller
(:mod:`newskg.extraction.entities`) turns them into organization mentions.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc, Token

from newskg.extraction import datafiles
from newskg.extraction.lexicon import Lexicon
from newskg.extraction.names import HYPHENS

QUOTES = {'"', "\u201c", "\u201d", "\u2018", "\u2019", "'"}


def naming_verbs() -> frozenset[str]:
    """Verbs that announce a quoted name ("dubbed"): ``naming_verbs.txt``."""
    return datafiles.word_set("naming_verbs.txt")


def leading_verbs() -> frozenset[str]:
    """Verbs of running a body ("led by"): ``leading_verbs.txt``."""
    return datafiles.word_set("leading_verbs.txt")


def _match(table: dict[tuple[str, ...], str], doc: Doc, i: int) -> int:
    low = tuple(t.lower_ for t in doc[i : i + 5])
    for phrase in table:
        if low[: len(phrase)] == phrase:
            return len(phrase)
    return 0


def state_bodies(
    doc: Doc, lex: Lexicon, is_country: Callable[[str], bool]
) -> list[tuple[int, int]]:
    """ "<country adjective|country> <state body>" ranges ("the Kenyan foreign ministry
    spokesman" names the ministry too)."""
    found = []
    texts = [t.text for t in doc]  # once, not four tokens' for every capitalised one
    i = 0
    while i < len(doc):
        if not texts[i][:1].isupper() or doc[i].lower_ == "the":  # "The US government"
            i += 1
            continue
        words = texts[i : i + 4]
        n = lex.demonym_length(words) or next(
            (k for k in (3, 2, 1) if k <= len(words) and is_country(" ".join(words[:k]))), 0
        )
        if not n:
            i += 1
            continue
        m = _match(lex.state_bodies, doc, i + n)
        if m:
            head = doc[i + n + m - 1]
            if head.pos_ in {"NOUN", "PROPN"}:
                found.append((i, i + n + m))
                i += n + m
                continue
        i += n
    return found


def _led_prefix(tok: Token) -> bool:
    text = tok.text
    return text.lower().endswith("-led") and len(text) > 4 and text[:1].isupper()


def led_collectives(doc: Doc, lex: Lexicon) -> list[tuple[int, int]]:
    """ "<Name>-led [adjective] <collective head>" ranges."""
    found = []
    for i, tok in enumerate(doc):
        start = None
        if _led_prefix(tok):
            start = i
        elif (
            tok.lower_ == "led"
            and i >= 2
            and doc[i - 1].text in {"-", "\u2010"}
            and doc[i - 2].text[:1].isupper()
            and not doc[i - 2].whitespace_
            and not doc[i - 1].whitespace_
        ):
            start = i - 2
        if start is None:
            continue
        j = i + 1
        while j < len(doc) and j <= i + 2 and doc[j].pos_ == "ADJ" and doc[j].is_lower:
            j += 1
        if j < len(doc) and doc[j].lower_ in lex.collective_heads and doc[j].tag_ == "NN":
            found.append((start, j + 1))
    return found


def _collective(doc: Doc, lex: Lexicon, head: Token) -> tuple[int, int] | None:
    """ "the <noun> <head>" or "the <head> of <noun>" around ``head`` (lower case, singular)."""
    if head.lower_ not in lex.collective_heads or head.tag_ != "NN" or not head.is_lower:
        return None
    i = head.i
    if (
        i >= 2
        and doc[i - 1].dep_ == "compound"
        and doc[i - 1].tag_ == "NN"
        and doc[i - 1].is_lower
        and doc[i - 2].lower_ == "the"
    ):
        return i - 1, i + 1
    if (
        i >= 1
        and doc[i - 1].lower_ == "the"
        and i + 2 < len(doc)
        and doc[i + 1].lower_ == "of"
        and doc[i + 2].tag_ == "NN"
        and doc[i + 2].is_lower
        and not (i + 3 < len(doc) and doc[i + 3].pos_ in {"NOUN", "PROPN"})
    ):
        return i, i + 3
    return None


def named_collectives(doc: Doc, lex: Lexicon) -> list[tuple[int, int]]:
    """Lower-case collectives with a naming cue (led/headed/backed by X; a quoted name)."""
    found = []
    for tok in doc:
        rng = _collective(doc, lex, tok)
        if rng is None:
            continue
        start, end = rng
        led = any(
            c.dep_ == "acl"
            and c.lemma_.lower() in leading_verbs()
            and any(g.dep_ == "agent" for g in c.children)
            for c in tok.children
        )
        before = doc[max(0, start - 5) : start - 1]  # up to "the"
        after = doc[end : end + 2]
        quoted = any(t.text in QUOTES for t in before[-2:]) and any(
            t.text in QUOTES or t.text == "," and end + 1 < len(doc) and doc[end + 1].text in QUOTES
            for t in after
        )
        words = [t.lower_ for t in before]
        cue = (
            any(t.lemma_.lower() in naming_verbs() for t in before)
            or "so-called" in words
            or ("so" in words and "called" in words)
            or ("known" in words and "as" in words)
        )
        if led or (quoted and cue):
            found.append((start, end))
    return found


def proper_orgs(doc: Doc, lex: Lexicon, covered: set[int]) -> list[tuple[int, int]]:
    """Runs of capitalised proper nouns (not covered by another mention) ending with an
    organizational head word, two words at least."""
    return proper_runs(doc, lex.org_heads, covered)


def proper_runs(doc: Doc, heads: frozenset[str], covered: set[int]) -> list[tuple[int, int]]:
    """Runs of capitalised proper nouns no mention covers that end with a word of ``heads``
    (organization heads, or place heads: "Mecca's Grand Mosque", "the Al-Ghaza Hotel"),
    two words at least; a hyphen glued inside a word ("Al-Ghaza") stays in the run."""
    found = []
    for tok in doc:
        if tok.text not in heads or tok.pos_ != "PROPN" or tok.i in covered:
            continue
        start = tok.i
        while start > 0 and start - 1 not in covered and not doc[start - 1].is_sent_start:
            before = doc[start - 1]
            if before.pos_ == "PROPN" and before.text[:1].isupper():
                start -= 1
            elif (
                before.text in HYPHENS
                and start >= 2
                and not before.whitespace_
                and not doc[start - 2].whitespace_
                and doc[start - 2].text[:1].isupper()
                and start - 2 not in covered
            ):
                start -= 2
            else:
                break
        if start < tok.i and not (tok.i + 1 < len(doc) and doc[tok.i + 1].pos_ == "PROPN"):
            found.append((start, tok.i + 1))
    return found


def bare_heads(doc: Doc, heads: set[tuple[str, ...]], covered: set[int]) -> list[tuple[int, int]]:
    """ "the <head>" / "<head> <noun>" for the state-body heads named once in the article."""
    found = []
    for tok in doc:
        if tok.i in covered or not tok.is_lower:
            continue
        for head in heads:
            end = tok.i + len(head)
            if tuple(t.lower_ for t in doc[tok.i : end]) != head:
                continue
            last = doc[end - 1]
            if any(i in covered for i in range(tok.i, end)):
                continue
            det = tok.i > 0 and doc[tok.i - 1].lower_ == "the"
            modifier = last.dep_ == "compound" and (
                tok.i == 0 or doc[tok.i - 1].pos_ not in {"ADJ", "PROPN", "NOUN", "DET"}
            )
            if det or modifier:
                found.append((tok.i, end))
    return found


def party_name(words: tuple[str, ...], lex: Lexicon) -> bool:
    """Two or three capitalised words ending in a plural, none a country adjective, a faith
    or a people (``demonyms.tsv``, ``not_party_adjectives.txt``): a party or a movement
    named by its members, which the tagger calls a nationality.

    >>> from newskg.extraction.lexicon import lexicon
    >>> [party_name(tuple(n.split()), lexicon()) for n in
    ...  ("Liberal Democrats", "Native Americans", "Roman Catholics", "Sunni Arabs", "Democrats")]
    [True, False, False, False, False]
    """
    if not 2 <= len(words) <= 3 or not all(w[:1].isupper() and w.isalpha() for w in words):
        return False
    last = words[-1]
    if len(last) < 4 or not last.endswith("s") or last.endswith("ss"):
        return False
    singular = (*words[:-1], last[:-1])
    if any(lex.demonym_length(w[i:]) for w in (words, singular) for i in range(len(w))):
        return False  # "South Koreans", "Native Americans": a people
    faiths = datafiles.word_set("not_party_adjectives.txt")  # "Roman Catholics": a faith
    return not any(w.lower() in faiths for w in (*words, singular[-1]))
