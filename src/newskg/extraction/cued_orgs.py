"""Organizations the tagger left untagged, named next to a noun that says what they are.

News introduces a small body with the common noun of its kind: before the name ("US team
Kestrel9", "news agency Sana"), in an apposition after it ("Instituto Rialto, a catholic
school in Turin"), as an example of a plural kind ("bands such as The Velvet Hours",
"groups included The Ice Wardens"), or as what one joins ("joined the Sea Guard").
The nouns are ``org_nouns.txt`` and ``org_cue_nouns.txt``; the name is a run of
capitalised words no mention covers. Read by :func:`newskg.extraction.entities.resolve`.
:func:`company_cue` reads the words around a name that only a company takes ("shares in X",
``company_cues.tsv``) for the kinds vote (:mod:`newskg.extraction.kinds`).
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Doc, Token

from newskg.extraction import datafiles
from newskg.extraction.lexicon import Lexicon
from newskg.extraction.mentions import Mention, trimmed_mentions
from newskg.extraction.names import cue_nouns
from newskg.extraction.nlp import Para

#: Longest run of capitalised words taken as one name.
MAX_NAME = 5
_EXAMPLES = ("such as", "like", "including", "include", "includes", "included")


def kind_noun(tok: Token, plural: bool = False) -> bool:
    """A lower-case noun for a kind of organization ("team", "schools"); with ``plural``,
    only its plural."""
    if tok.pos_ != "NOUN" or not tok.text.islower():
        return False
    lemma = tok.lemma_.lower()
    if plural and lemma == tok.lower_:
        return False
    return lemma in cue_nouns()


def _capital(tok: Token) -> bool:
    """A capitalised word of a name ("Velvet", "Kestrel9"; the tagger calls some nouns)."""
    return (
        tok.text[:1].isupper()
        and tok.text.isalnum()
        and (tok.pos_ == "PROPN" or (tok.pos_ == "NOUN" and not tok.is_sent_start))
    )


def _run_after(doc: Doc, i: int, taken: set[int]) -> tuple[int, int] | None:
    """The run of capitalised proper nouns starting at ``i`` (a leading "The" skipped),
    none taken by a mention, ended by a word that is not one."""
    if i < len(doc) and doc[i].text == "The":
        i += 1
    end = i
    while end < len(doc) and end - i < MAX_NAME and _capital(doc[end]) and end not in taken:
        end += 1
    if end == i or (end < len(doc) and _capital(doc[end])):
        return None
    return i, end


def _run_before(doc: Doc, end: int, taken: set[int]) -> tuple[int, int] | None:
    """The run of capitalised proper nouns ending before ``end``, none taken."""
    start = end
    while (
        start > 0 and end - start < MAX_NAME and _capital(doc[start - 1]) and start - 1 not in taken
    ):
        start -= 1
    if start == end or (start > 0 and _capital(doc[start - 1])):
        return None
    return start, end


def _apposition_cue(doc: Doc, comma: int) -> bool:
    """ ", a|an <lower-case words>" right after ``comma`` whose head (its last noun) is a
    cue noun: "X, a catholic school in Y", not "X, a school teacher"."""
    if comma + 2 >= len(doc) or doc[comma + 1].lower_ not in {"a", "an"}:
        return False
    head = None
    for tok in doc[comma + 2 : comma + 7]:
        if not tok.text.islower() or tok.pos_ not in {"ADJ", "NOUN"}:
            break
        if tok.pos_ == "NOUN":
            head = tok
    return head is not None and kind_noun(head)


def cued_orgs(paras: list[Para], found: list[Mention], lex: Lexicon) -> list[Mention]:
    """Organization mentions for untagged names next to a noun of their kind; a tagged
    name in such an apposition is relabelled an organization in place."""
    made: list[Mention] = []
    for para in paras:
        doc = para.doc
        taken = {i for m in found if m.para == para.index for i in range(m.start, m.end)}
        ends = {m.end: m for m in found if m.para == para.index}
        starts = {m.start: m for m in found if m.para == para.index}
        runs: list[tuple[int, int]] = []
        for tok in doc:
            nxt = tok.i + 1
            candidates = []
            noun = tok.pos_ == "NOUN"  # (what a cue is first: asked once, not twice)
            # "US team Kestrel9"
            if noun and kind_noun(tok) and nxt < len(doc) and nxt not in taken:
                run = _run_after(doc, nxt, taken)
                if run is None and doc[nxt].text == "the":
                    # "its ruling body the KAF, which ...": an apposition closed by punctuation
                    run = _run_after(doc, nxt + 1, taken)
                    if run is not None and run[1] < len(doc) and not doc[run[1]].is_punct:
                        run = None
                candidates.append(run)
                if run is not None and run[1] + 1 < len(doc) and doc[run[1]].lower_ == "and":
                    # "team Kestrel9 and Ravens": the noun is shared by both names, the
                    # second tagged as a person or a place (one word: "and Mary Hale" is
                    # someone) or not at all
                    other = starts.get(run[1] + 1)
                    if other is not None and other.gaz is None and len(other.words) == 1:
                        other.label = "ORG"
                    candidates.append(_run_after(doc, run[1] + 1, taken))
            if tok.lemma_ == "join" and tok.pos_ == "VERB" and doc[nxt : nxt + 1].text == "the":
                # "she joined the Sea Guard at 14": what one joins with "the" and a
                # proper name is a body (a person is joined without "the")
                run = _run_after(doc, nxt + 1, taken)
                if run is not None and doc[run[1] - 1].head.i == tok.i:  # not "the Xmas rush"
                    candidates.append(run)
            if tok.text == "," and _apposition_cue(doc, tok.i):  # "X, a catholic school"
                owner = ends.get(tok.i)
                if owner is not None and owner.gaz is None:
                    owner.label = "ORG"  # tagged as a person or a place: the school
                candidates.append(_run_before(doc, tok.i, taken))
            if noun and kind_noun(tok, plural=True):  # "bands such as The Velvet Hours"
                rest = " ".join(t.lower_ for t in doc[nxt : nxt + 2])
                if tok.i > 0 and doc[tok.i - 1].lower_ == "such":  # "such bands as X"
                    rest = "such " + rest
                for phrase in _EXAMPLES:
                    if rest == phrase or rest.startswith(phrase + " "):
                        candidates.append(_run_after(doc, nxt + len(phrase.split()), taken))
            runs += [run for run in candidates if run is not None]
        for start, end in runs:
            if any(i in taken for i in range(start, end)):
                continue
            taken.update(range(start, end))
            made += trimmed_mentions(para, start, end, "ORG", lex)
    return made


COMPANY_CUE_COLUMNS = ("where", "words", "reason", "confidence")


@lru_cache(maxsize=1)
def _company_cues() -> dict[str, frozenset[tuple[str, ...]]]:
    """The rows of ``company_cues.tsv`` by where they stand ("before", "after")."""
    found: dict[str, set[tuple[str, ...]]] = {"before": set(), "after": set()}
    for row in datafiles.rows("company_cues.tsv", COMPANY_CUE_COLUMNS):
        where = row.cells[0].strip()
        if where not in found:
            row.fail(f"where {where!r} is not before or after", "write before or after")
        row.confidence(row.cells[3])  # checked: a malformed table fails loudly
        found[where].add(tuple(row.cells[1].lower().split()))
    return {k: frozenset(v) for k, v in found.items()}


def company_cue(doc: Doc, start: int, end: int) -> bool:
    """Do the words around ``doc[start:end]`` say it is a company ("shares in Vantor",
    "Vantor's chief executive"; ``company_cues.tsv``)?"""
    cues = _company_cues()
    before = tuple(t.lower_ for t in doc[max(0, start - 3) : start])
    if any(before[-len(c) :] == c for c in cues["before"] if len(c) <= len(before)):
        return True
    if end + 1 >= len(doc) or doc[end].text not in {"'s", "'"}:
        return False
    after = tuple(t.lower_ for t in doc[end + 1 : end + 4])
    return any(after[: len(c)] == c for c in cues["after"])
