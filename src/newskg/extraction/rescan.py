"""Step 4 of :func:`newskg.extraction.entities.resolve` (after the kinds are voted,
:mod:`newskg.extraction.kinds`): every accepted name is searched again in the body to recover
mentions the model missed ("Varga funeral"), and a person's surname alone ("Keating" of
"Charles H. Keating IV") wherever it stands as a whole name.
"""

from __future__ import annotations

from collections import defaultdict

from newskg.extraction.lexicon import Lexicon
from newskg.extraction.mentions import Mention, span_text
from newskg.extraction.names import name_rules
from newskg.extraction.nlp import Para

# --- 4. re-scan ----------------------------------------------------------------------------


def rescan(mentions: list[Mention], paras: list[Para], lex: Lexicon) -> list[Mention]:
    names: dict[tuple[str, ...], Mention] = {}
    for m in mentions:
        if m.kind is None:
            continue
        names.setdefault(m.words, m)
        surname = name_rules().without_suffix(m.words)[-1]
        if m.kind == "actor" and len(m.words) > 1 and surname[:1].isupper():
            names.setdefault((surname,), m)
    # Names by first word, in the order above: each token is compared with the names that
    # start with it, not with every name (that was tokens x names, quadratic in the article).
    by_first: dict[str, list[tuple[tuple[str, ...], Mention]]] = defaultdict(list)
    for words, model in names.items():
        if words:
            by_first[words[0]].append((words, model))
    added = []
    rules = name_rules()
    taken = {(m.para, i) for m in mentions for i in range(m.start, m.end)}
    for para in paras:
        toks = para.words
        for i in range(len(toks)):
            for words, model in by_first.get(toks[i], ()):
                n = len(words)
                if tuple(toks[i : i + n]) != words:
                    continue
                if any((para.index, j) in taken for j in range(i, i + n)):
                    continue
                # Whole names only: not part of a longer capitalised name.
                if (
                    i + n < len(toks)
                    and toks[i + n][:1].isupper()
                    and not para.doc[i + n].is_sent_start
                ):
                    continue
                if (
                    i > 0
                    and toks[i - 1][:1].isupper()
                    and not para.doc[i].is_sent_start
                    and (not lex.is_title([toks[i - 1]]))
                ):
                    continue
                if rules.glued_prefix(para.doc, i):  # "pro-Beijing"
                    continue
                span, text = span_text(para, i, i + n)
                mention = Mention(
                    para.index, i, i + n, span, text, "SCAN", gaz=model.gaz, kind=model.kind
                )
                added.append(mention)
                taken.update((para.index, j) for j in range(i, i + n))
    return sorted(mentions + added, key=lambda m: m.span)
