"""YAML text for the values okrbsc writes, read back as what they were (SPEC 12.2).

Every scalar the writers emit goes through :func:`scalar`: the text reads back
as the same value, of the same type, in YAML 1.1 readers (PyYAML, okrbsc's
own) and YAML 1.2 readers alike. Numbers keep a ``.`` and a signed exponent
(``1.0e+20``); text that a reader could take for anything else (``no``,
``2026-01-01``, ``null``, ``1e5``) is quoted; control characters, DEL, C1 and
the Unicode line separators are escaped in double quotes.
"""

from __future__ import annotations

import datetime as dt
import math
import re

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 _.%()/&+-]*")  # no `,`: it ends a flow scalar
_PERIOD = re.compile(r"[0-9]{4}-(?:Q[1-4]|H[12])")  # text in YAML 1.1 and 1.2 alike
_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x1b": "\\e"}
_SINGLE_OK = re.compile(  # printable in every reader, and no line break
    r"[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*"
)

LARGEST_WHOLE = 10**15
"""The largest whole number okrbsc reads as one (SPEC 12.1): larger ones are written as floats."""


class NotWritable(ValueError):
    """A value that no YAML text reads back as (NaN, infinities, lone surrogates)."""


def scalar(value: object) -> str:
    """The YAML text of one scalar, for a block or a flow context alike."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return real(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return text(value)
    raise NotWritable(f"cannot write a {type(value).__name__} as YAML")


def real(value: float) -> str:
    """A float as YAML 1.1 and 1.2 both read it: ``2.5``, ``3.0``, ``1.0e+20``."""
    if not math.isfinite(value):
        raise NotWritable(f"value {value} is not a finite number")
    shown = repr(value)
    if "e" in shown:
        mantissa, exponent = shown.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        sign = "" if exponent.startswith(("-", "+")) else "+"
        return f"{mantissa}e{sign}{exponent}"
    return shown


def text(value: str) -> str:
    """Text as a scalar: plain when no reader can take it for anything else, else quoted."""
    if _PLAIN.fullmatch(value) and value.lower() not in _WORDS and not value.endswith(" "):
        return value
    if _PERIOD.fullmatch(value):
        return value
    if _SINGLE_OK.fullmatch(value):
        return "'" + value.replace("'", "''") + "'"
    return '"' + "".join(_escaped(ch) for ch in value) + '"'


def _escaped(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        raise NotWritable(f"text holds \\u{code:04x}, which is not a Unicode character")
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"\\x{code:02x}"
    if code in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF):
        return f"\\u{code:04x}"
    return ch
