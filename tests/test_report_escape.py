"""The report's templates escape exactly as Jinja's own HTML autoescape does."""

from __future__ import annotations

import enum
import math

from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from okrbsc.render.report import environment


class Level(enum.IntEnum):
    two = 2


class Html:
    def __html__(self) -> str:
        return "<b>safe</b>"


VALUES = [
    "<a href='x'>&amp; \"q\"</a>",
    "",
    "plain",
    3,
    -0.0,
    1e300,
    math.inf,
    math.nan,
    True,
    None,
    Level.two,
    Markup("<i>kept</i>"),
    Html(),
    ["<x>", 1.5],
]


def test_the_same_text_as_jinja_s_escape() -> None:
    source = "{% for v in values %}[{{ v }}]{% endfor %}"
    env = environment(None)
    env.autoescape = True  # as for a report.html.j2 (a string has no template name)
    ours = env.from_string(source)
    theirs = SandboxedEnvironment(autoescape=True).from_string(source)
    assert ours.render(values=VALUES) == theirs.render(values=VALUES)
    assert "&lt;a href=&#39;x&#39;&gt;" in ours.render(values=VALUES)
