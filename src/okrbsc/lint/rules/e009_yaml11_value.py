"""A plain value that YAML 1.1 reads differently from YAML 1.2.

okrbsc reads YAML 1.2 (the core schema, plus dates), as editors and its own
writer do. Older tools speak YAML 1.1 -- PyYAML, many CI systems, and
okrbsc before this rule -- and there `on`, `off`, `yes`, `no`, `y` and `n`
are true or false, `017` is 15 (octal), `12:30` is 750 (base 60), `1_000`
and `0b101` are numbers, while `1e3` and `0o17` are text. A file holding one
of these means one thing to okrbsc and another to the next tool that reads
it. Quote a value meant as text; write a number or true/false in a spelling
both versions read alike (`17`, `1000.0`, `true`). Keys are checked too.
A value okrbsc's own schema reads as one of its keywords (a severity `off`
under `lint.rules`, documented unquoted) means the same to both: it is not
reported.

Fails:

    note: off

Passes:

    note: "off"
"""

from __future__ import annotations

from collections.abc import Iterator

from okrbsc.lint.findings import Hit, Severity
from okrbsc.lint.rules.base import hit
from okrbsc.strategy.loader import Pos
from okrbsc.strategy.models import Config
from okrbsc.strategy.repo import Repo, SourceFile

CODE = "E009"
NAME = "yaml11-value"
SEVERITY = Severity.WARNING
PER_FILE = True


def check(repo: Repo) -> Iterator[Hit]:
    for file in repo.all_files:
        keywords = _keywords(file) if file.notes else set()
        for note in file.notes:
            if note.code == CODE and (note.line, note.column) not in keywords:
                yield hit(file, (note.line, note.column), note.message)


def _keywords(file: SourceFile) -> set[Pos]:
    """Where okrbsc.yaml holds a rule's severity: okrbsc reads `off` there as its
    keyword, whichever YAML version a reader speaks (SPEC 14.5)."""
    if not isinstance(file.model, Config):
        return set()
    lint = file.origin(file.model.lint)
    rules = lint.get("rules") if lint is not None else None
    vpos = getattr(rules, "vpos", None)
    return set(vpos.values()) if isinstance(vpos, dict) else set()
