"""What a rule is: metadata plus a generator of hits over the whole repo."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from okrbsc.lint.findings import Hit, Location, Severity

if TYPE_CHECKING:
    from okrbsc.strategy.loader import Pos
    from okrbsc.strategy.repo import SourceFile

Check = Callable[..., Iterator[Hit]]
"""``check(repo)``, or for a history rule ``check(repo, baseline)``."""

_EXAMPLE = re.compile(r"^(Fails|Passes):\s*\n\n?((?:    .*\n|\s*\n)+)", re.MULTILINE)


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    doc: str
    check: Check
    history: bool = False  # needs the repo at `lint --since REV`
    per_file: bool = False  # its findings in a file depend on that file alone
    fetches: bool = False  # reads the network: only with `lint --units-fresh`

    @classmethod
    def from_module(cls, module: ModuleType) -> Rule:
        doc = (module.__doc__ or "").strip()
        return cls(
            code=module.CODE,
            name=module.NAME,
            severity=module.SEVERITY,
            summary=doc.splitlines()[0].rstrip(".") if doc else module.NAME,
            doc=doc,
            check=module.check,
            history=getattr(module, "HISTORY", False),
            per_file=getattr(module, "PER_FILE", False),
            fetches=getattr(module, "FETCHES", False),
        )

    def examples(self) -> dict[str, str]:
        """The ``Fails:`` and ``Passes:`` YAML snippets of the docstring."""
        out: dict[str, str] = {}
        for match in _EXAMPLE.finditer(self.doc + "\n"):
            lines = match.group(2).rstrip().splitlines()
            out[match.group(1).lower()] = "\n".join(line[4:] for line in lines)
        return out

    @property
    def rationale(self) -> str:
        """The docstring without its examples."""
        return _EXAMPLE.sub("", self.doc + "\n").strip()


def hit(file: SourceFile, pos: Pos, message: str) -> Hit:
    return Hit(message, Location(file.path, pos[0], pos[1]))
