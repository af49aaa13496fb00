"""Findings: what lint reports, with a code, a severity and a place."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


@dataclass(frozen=True, slots=True, order=True)
class Location:
    path: str  # repo-relative, "/" separators
    line: int = 1
    column: int = 1


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule's raw report, before configuration decides its severity."""

    message: str
    location: Location
    escalate: bool = False  # a warning-level rule reports this one as an error


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    path: str
    line: int
    column: int
    code: str
    message: str
    name: str = field(compare=False)
    severity: Severity = field(compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
        }
