"""json_text writes exactly what json.dumps(indent=..., ensure_ascii=False) writes."""

from __future__ import annotations

import enum
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okrbsc.render.text import json_text

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
)
KEYS = st.one_of(st.text(), st.integers(), st.floats(), st.booleans(), st.none())
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(KEYS, inner, max_size=4),
    ),
    max_leaves=30,
)


class Colour(enum.StrEnum):
    red = "red"


class Level(enum.IntEnum):
    two = 2


@settings(max_examples=300, deadline=None)
@given(VALUES, st.sampled_from([0, 1, 2, 4]))
def test_the_json_module_s_text(data: object, indent: int) -> None:
    # (st.text() makes no lone surrogates, which json_text alone writes as \\xff)
    assert json_text(data, indent) == json.dumps(data, indent=indent, ensure_ascii=False)


@pytest.mark.parametrize(
    "data",
    [
        {Colour.red: Level.two, "x": [Colour.red, (Level.two, math.inf, -0.0)]},
        {True: 1, None: 2, 1.5: 3, '\u2028"\\': {}},
        [[], {}, [[]], {"a": {}}],
    ],
)
def test_subclasses_and_odd_keys(data: object) -> None:
    assert json_text(data) == json.dumps(data, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("data", [object(), {"a": {1, 2}}, {(1, 2): 1}])
def test_what_json_refuses_it_refuses_alike(data: object) -> None:
    with pytest.raises(TypeError) as ours:
        json_text(data)
    with pytest.raises(TypeError) as theirs:
        json.dumps(data, indent=2)
    assert str(ours.value) == str(theirs.value)
