"""A key result's title starts with an activity verb: it reads like an initiative.

"Launch the partner portal" is work to do; the key result is what that work
should change ("Partner-sourced pipeline from 0.5 to 1.5 EUR m"). The verbs
are configurable with `lint.activity_verbs`.

The first word is read after an owner prefix, as published sets write them:
a leading tag in brackets (`[Eng]`, `(PMM)`) or up to four words and a colon
(`Legal:`, `Sales ops:`). A verb directly followed by a number, in digits or
words, counts an outcome ("Deliver 500 MQLs", "Hire six engineers") and is not
reported.

Fails:

    key_results:
      - {title: Launch the partner portal, kind: binary, done: false}
      - {title: "Legal: Implement a contract template", kind: binary, done: false}

Passes:

    key_results:
      - {title: Partner-sourced pipeline, start: 0.5, target: 1.5}
      - {title: "(PMM) Deliver 500 marketing-qualified leads", start: 0, target: 500}
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules._common import key_results
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.repo import Repo

CODE = "O106"
NAME = "kr-is-activity"
SEVERITY = Severity.WARNING
PER_FILE = True

# `[Eng] `, `(PMM) `, `{Ops} `; or up to four words and a colon: `Sales ops: `
_TAG = re.compile(r"^\s*(?:\[[^\]]*\]|\([^)]*\)|\{[^}]*\})\s*[:\-–—]?\s*")
_LABEL = re.compile(r"^\s*(?:[^\s:]+\s+){0,3}[^\s:]+:\s+")
_NUMBER = re.compile(r"^[~≈<>≥≤+\-−$€£¥#]*\d")
_NUMBER_WORDS = frozenset(
    [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "fifteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "hundred",
        "dozen",
    ]
)


def _is_number(word: str) -> bool:
    return bool(_NUMBER.match(word)) or word.strip(",.;") in _NUMBER_WORDS


def without_owner(title: str) -> str:
    """The title after an optional owner prefix (one tag, or a label with a colon)."""
    rest = _TAG.sub("", title, count=1)
    if rest == title:
        rest = _LABEL.sub("", title, count=1)
    return rest.strip()


VerbIndex = dict[str, list[tuple[str, list[str]]]]
"""Activity verbs by their first word, lowercased: each verb with its words, in order."""


def verb_index(verbs: list[str]) -> VerbIndex:
    out: VerbIndex = {}
    for verb in verbs:
        parts = verb.lower().split()
        if parts:
            out.setdefault(parts[0], []).append((verb, parts))
    return out


def leading_verb(title: str, verbs: list[str], index: VerbIndex | None = None) -> str | None:
    """The activity verb ``title`` starts with, as a whole word, if any.

    Not when the verb, or the verbs joined to it by `and`, `or` or commas, is
    directly followed by a number: `Create and publish 5 documents` counts an
    output (SPEC 15.6). ``index`` is ``verb_index(verbs)``, made once for many titles.
    """
    words = without_owner(title).lower().split()
    index = index if index is not None else verb_index(verbs)
    found = _verb_at(words, 0, index)
    if found is None:
        return None
    verb, i = found
    while i < len(words):
        joined = words[i - 1].endswith(",")
        if words[i] in _JOINERS:
            i, joined = i + 1, True
        more = _verb_at(words, i, index) if joined else None
        if more is None:
            break
        i = more[1]
    return None if i < len(words) and _is_number(words[i]) else verb


_JOINERS = frozenset(["and", "or", "&"])


def _verb_at(words: list[str], start: int, index: VerbIndex) -> tuple[str, int] | None:
    """The activity verb at ``words[start]`` (a trailing comma ignored) and where it ends."""
    if start >= len(words):
        return None
    for verb, parts in index.get(words[start].rstrip(","), ()):
        end = start + len(parts)
        if [w.rstrip(",") for w in words[start:end]] == parts:
            return verb, end
    return None


def check(repo: Repo) -> Iterator[Hit]:
    verbs = repo.config.lint.activity_verbs
    index = verb_index(verbs)
    for ref, i, kr in key_results(repo):
        verb = leading_verb(kr.title, verbs, index)
        if verb is not None:
            msg = (
                f"key result {ref.objective.kr_id(i)!r} starts with {verb!r}: "
                "it reads like an initiative; state the outcome it should change"
            )
            yield hit(ref.file, ref.file.at(kr, "title"), msg)
