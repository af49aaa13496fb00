"""The reader: positions, and every oddity of the input as a problem, never an exception."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrbsc.strategy.loader import MAX_DEPTH, PosDict, PosList, load_bytes, load_text


def codes(text: str) -> list[tuple[str, int]]:
    return [(p.code, p.line) for p in load_text(text).problems]


def test_positions_of_keys_values_and_items() -> None:
    data = load_text("kind: okrs\nobjectives:\n  - id: S1\n    title: Win\n").data
    assert isinstance(data, PosDict)
    assert data.kpos["objectives"] == (2, 1)
    items = data["objectives"]
    assert isinstance(items, PosList)
    assert items.ipos == [(3, 5)]
    assert items[0].vpos["title"] == (4, 12)


def test_scalars_are_typed_safely() -> None:
    data = load_text("a: 1\nb: 2.5\nc: true\nd: ~\ne: 2026-07-06\nf: '3'\ng: 2025\n").data
    assert data == {
        "a": 1,
        "b": 2.5,
        "c": True,
        "d": None,
        "e": dt.date(2026, 7, 6),
        "f": "3",
        "g": 2025,
    }


def test_syntax_error_is_positioned() -> None:
    assert codes("a: [1, 2\nb: 3\n") == [("E001", 2)]


def test_duplicate_key_points_at_second_occurrence() -> None:
    result = load_text("a: 1\nb: 2\na: 3\n")
    assert [(p.code, p.line, p.column) for p in result.problems] == [("E003", 3, 1)]
    assert "first defined on line 1" in result.problems[0].message
    assert result.data["a"] == 3


def test_non_utf8_reports_line_of_bad_byte() -> None:
    result = load_bytes(b"kind: okrs\nteam: sales\ntitle: caf\xe9\n")
    assert [(p.code, p.line, p.column) for p in result.problems] == [("E001", 3, 11)]


def test_utf8_bom_is_accepted() -> None:
    assert load_bytes("\ufeffkind: okrs\n".encode()).data == {"kind": "okrs"}


def test_python_tags_never_construct_objects() -> None:
    result = load_text("a: !!python/object/apply:os.system [echo pwned]\n")
    assert [p.code for p in result.problems] == ["E002"]
    assert "unsupported YAML tag" in result.problems[0].message


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    result = load_text("\n".join(lines) + "\n")
    assert result.data is None
    assert [p.code for p in result.problems] == ["E001"]
    assert "aliases expand" in result.problems[0].message


def test_small_aliases_are_fine() -> None:
    data = load_text("base: &b {x: 1}\nother: *b\n").data
    assert data["other"] == {"x": 1}


def test_deep_flow_nesting_is_refused_without_crashing() -> None:
    result = load_text("a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert [(p.code, p.line) for p in result.problems] == [("E001", 1)]
    assert f"deeper than {MAX_DEPTH}" in result.problems[0].message
    # at the bracket that opens level MAX_DEPTH + 1 (the top mapping is level
    # 1), whatever libyaml's own limit
    assert result.problems[0].column == len("a: ") + MAX_DEPTH


def test_nesting_finding_is_ours_past_libyaml_own_limit() -> None:
    # PyYAML 6.0.4's libyaml stops at 1,000 flow levels with its own words;
    # the finding must still be ours, at the same place, on every version.
    for depth in (MAX_DEPTH + 1, 999, 1_001, 5_000):
        text = "k:\n  - " + "{a: " * depth + "1" + "}" * depth + "\n"
        result = load_text(text)
        assert [(p.code, p.line, p.column) for p in result.problems] == [
            # levels 1 and 2 are the block mapping and sequence
            ("E001", 2, len("  - ") + len("{a: ") * (MAX_DEPTH - 2) + 1)
        ], depth
        assert result.problems[0].message == f"YAML nested deeper than {MAX_DEPTH} levels"


def test_deep_block_nesting_is_refused_at_the_level_past_the_limit() -> None:
    # libyaml 0.2.5 overflows the C stack composing 50,000 levels of `- - -`;
    # 0.2.6 stops at 1,000 with its own words: the finding is ours on both
    for depth in (MAX_DEPTH + 1, 999, 1_001, 50_000):
        result = load_text("k:\n" + "- " * depth + "x\n")
        assert result.data is None
        assert [(p.code, p.line, p.column) for p in result.problems] == [
            ("E001", 2, 1 + 2 * (MAX_DEPTH - 1))  # the mapping is level 1, its value 2
        ], depth
        assert result.problems[0].message == f"YAML nested deeper than {MAX_DEPTH} levels"


def test_deep_block_nesting_after_any_line_break() -> None:
    # libyaml also breaks lines at \r, NEL, LS and PS: a run of `- ` there opens a line too
    for brk in ("\r", "\r\n", "\x85", "\u2028", "\u2029"):
        result = load_text("- a" + brk + "- " * 5_000 + "x")
        assert [(p.code, p.line, p.column) for p in result.problems] == [
            ("E001", 2, 1 + 2 * MAX_DEPTH)
        ], repr(brk)


def test_deep_explicit_keys_and_indentation_are_refused() -> None:
    result = load_text("? " * 5_000 + "x\n")
    assert [(p.code, p.line, p.column) for p in result.problems] == [("E001", 1, 1 + 2 * MAX_DEPTH)]
    indented = "".join(" " * i + "-\n" for i in range(2_000)) + " " * 2_000 + "x\n"
    result = load_text(indented)
    assert [(p.code, p.line, p.column) for p in result.problems] == [
        ("E001", MAX_DEPTH + 1, MAX_DEPTH + 1)
    ]


def test_block_and_flow_nesting_count_together() -> None:
    text = "- " * 40 + "[" * 5_000 + "]" * 5_000 + "\n"
    result = load_text(text)
    # levels 1..40 are sequences at columns 1, 3, ... 79; flow opens level 41 at 81
    assert [(p.code, p.line, p.column) for p in result.problems] == [
        ("E001", 1, 81 + (MAX_DEPTH + 1 - 41))
    ]


def test_stray_closers_in_plain_scalars_do_not_hide_deep_flow() -> None:
    text = "a: x" + "]" * 5_000 + "\nb: " + "[" * 5_000 + "]" * 5_000 + "\n"
    result = load_text(text)
    assert [(p.code, p.line, p.column) for p in result.problems] == [
        ("E001", 2, len("b: ") + MAX_DEPTH)
    ]


def test_brackets_in_quotes_and_comments_do_not_count_as_nesting() -> None:
    noise = "[" * 2_000
    text = f"a: '{noise}'\nb: \"{noise}\"  # {noise}\nc: [1, [2]]\n"
    result = load_text(text)
    assert result.problems == []
    assert result.data["c"] == [1, [2]]


def test_moderate_nesting_is_fine() -> None:
    assert load_text("a: " + "[" * 30 + "]" * 30).problems == []


def test_nan_infinity_and_huge_integers_are_schema_problems() -> None:
    assert codes("a: .nan\nb: -.inf\nc: " + "9" * 5000 + "\n") == [
        ("E002", 1),
        ("E002", 2),
        ("E002", 3),
    ]


def test_impossible_date_is_a_problem() -> None:
    assert codes("d: 2026-02-30\n") == [("E002", 1)]


def test_two_documents_are_one_too_many() -> None:
    result = load_text("a: 1\n---\nb: 2\n")
    assert [p.code for p in result.problems] == ["E001"]
    assert "single YAML document" in result.problems[0].message


def test_control_character_is_positioned() -> None:
    assert codes("a: 1\nb: \x01\n") == [("E001", 2)]


def test_empty_and_comment_only_files_have_no_data() -> None:
    assert load_text("").data is None
    assert load_text("# nothing here\n").data is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes_never_raise(raw: bytes) -> None:
    result = load_bytes(raw)
    unreadable = any(p.code == "E001" for p in result.problems)
    assert not (unreadable and result.data is not None)  # E001 means no data at all
    for problem in result.problems:
        assert problem.line >= 1 and problem.column >= 1


YAMLISH = st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!#'\"\n ,?|>.01~%@`\t")), max_size=200)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=200), YAMLISH))
def test_any_text_never_raises(text: str) -> None:
    result = load_text(text)
    unreadable = any(p.code == "E001" for p in result.problems)
    assert not (unreadable and result.data is not None)
    for problem in result.problems:
        assert problem.code in {"E001", "E002", "E003"}
        assert problem.line >= 1 and problem.column >= 1


# YAML 1.2 core schema: what each plain value means to okrbsc, and whether
# YAML 1.1 reads it otherwise (an E009 note at its position).
YAML12 = [
    ("yes", "yes", True),
    ("No", "No", True),
    ("ON", "ON", True),
    ("off", "off", True),
    ("y", "y", True),
    ("N", "N", True),
    ("017", 17, True),
    ("-017", -17, True),
    ("08", 8, True),
    ("0o17", 15, True),
    ("1e3", 1000.0, True),
    ("1.5e3", 1500.0, True),
    ("12:30", "12:30", True),
    ("1_000", "1_000", True),
    ("0b101", "0b101", True),
    ("+0x1F", "+0x1F", True),
    ("=", "=", True),
    ("true", True, False),
    ("FALSE", False, False),
    ("~", None, False),
    ("null", None, False),
    ("0x1F", 31, False),
    ("007", 7, False),
    ("1.5", 1.5, False),
    ("2.5e+1", 25.0, False),
    (".5", 0.5, False),
    ("2026-07-06", dt.date(2026, 7, 6), False),
    ("yEs", "yEs", False),
    ("'yes'", "yes", False),
    ('"017"', "017", False),
]


def test_plain_values_mean_what_yaml_1_2_says_and_1_1_differences_are_noted() -> None:
    for written, meaning, noted in YAML12:
        loaded = load_text(f"kind: okrs\nvalue: {written}\n")
        assert loaded.problems == [], written
        assert loaded.data["value"] == meaning and type(loaded.data["value"]) is type(meaning)
        notes = [(n.code, n.line, n.column) for n in loaded.notes]
        assert notes == ([("E009", 2, 8)] if noted else []), written


def test_a_1_1_note_names_both_meanings_and_a_spelling_both_read_alike() -> None:
    (octal,) = load_text("a: 017\n").notes
    assert "17" in octal.message and "15" in octal.message and "write 17" in octal.message
    (word,) = load_text("a: on\n").notes
    assert 'quote it ("on")' in word.message and "write true" in word.message
    (small,) = load_text("a: 1e-7\n").notes
    assert "write 1.0e-07" in small.message
    assert load_text("a: 1.0e-07\n").notes == []


def test_keys_and_anchored_values_are_noted_once() -> None:
    loaded = load_text("on: 1\nb: &x off\nc: *x\n")
    assert loaded.data == {"on": 1, "b": "off", "c": "off"}
    assert [(n.line, n.column) for n in loaded.notes] == [(1, 1), (2, 4)]


def test_a_refused_number_is_one_finding_not_also_a_note() -> None:
    loaded = load_text("a: 1e400\n")
    assert [p.code for p in loaded.problems] == ["E002"] and loaded.notes == []
