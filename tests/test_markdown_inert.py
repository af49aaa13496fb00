"""SPEC 12.2: Markdown output carries only text. Each Markdown output of the
hostile repo is rendered with a CommonMark renderer (markdown-it-py, with GFM
tables) and must hold no image, no link, no raw HTML, exactly the blocks,
headings and table rows of the same repo with plain texts, and every hostile
text as itself (control characters shown escaped, as in text output)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from okrbsc.render.text import md_text, visible

from . import hostile_repos
from .conftest import BASE_AS_OF, run_cli

MD = MarkdownIt("commonmark").enable("table")
# output -> (command line, the hostile texts it shows)
OUTPUTS: dict[str, tuple[list[str], list[str]]] = {
    "report": (
        ["report", "2026-Q3", "--out", "{out}", "--format", "md"],
        [*hostile_repos.FIELDS, "perspective"],
    ),
    "score": (
        ["score", "2026-Q3", "--format", "md"],
        ["image", "link", "html", "heading", "lines", "ticks", "team", "perspective", "mermaid"],
    ),
    "review": (["review", "2026-Q3", "--format", "md"], ["org", "mermaid", "brackets"]),
    "diff": (["diff", "HEAD~1", "HEAD", "--format", "md"], ["renamed"]),
    "history": (["history", "S3.1", "--format", "md"], ["renamed", "author"]),
}


def _build(folder: Path, texts: dict[str, str]) -> dict[str, str]:
    root = hostile_repos.build(folder / "repo", texts=texts)
    out: dict[str, str] = {}
    for name, (args, _) in OUTPUTS.items():
        argv = [a.replace("{out}", str(folder / "out")) for a in args]
        proc = run_cli(*argv, "--repo", str(root), "--as-of", BASE_AS_OF)
        assert proc.returncode == 0, (name, proc.stderr)
        out[name] = proc.stdout
    out["report"] = (folder / "out" / "2026-Q3.md").read_text(encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _build(tmp_path_factory.mktemp("hostile"), hostile_repos.TEXTS)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _build(tmp_path_factory.mktemp("plain"), hostile_repos.PLAIN)


def walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        yield from walk(token.children or [])


def inline_texts(tokens: list[Token]) -> list[str]:
    """The text a reader sees in each inline run (a paragraph, a heading, a cell)."""
    out = []
    for token in tokens:
        if token.type == "inline":
            parts = [c.content for c in token.children or [] if c.type in ("text", "code_inline")]
            out.append("".join(parts))
    return out


def shape(tokens: list[Token]) -> list[str]:
    """Block structure: every block token but the mermaid fences' contents."""
    return [f"{t.type}:{t.tag}:{t.info}" for t in tokens if t.type != "inline"]


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_no_image_link_or_html(rendered: dict[str, str], name: str) -> None:
    tokens = MD.parse(rendered[name])
    kinds = {t.type for t in walk(tokens)}
    assert not kinds & {"image", "link_open", "html_inline", "html_block"}, kinds
    html = MD.render(rendered[name])
    assert "<img" not in html and "<a " not in html and "<script" not in html
    assert "<b>" not in html and "<u>" not in html and "<i>" not in html


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_no_extra_block_heading_or_row(
    rendered: dict[str, str], plain: dict[str, str], name: str
) -> None:
    assert shape(MD.parse(rendered[name])) == shape(MD.parse(plain[name]))


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_each_hostile_text_renders_as_itself(rendered: dict[str, str], name: str) -> None:
    texts = inline_texts(MD.parse(rendered[name]))
    for key in OUTPUTS[name][1]:
        shown = visible(hostile_repos.TEXTS[key])
        assert any(shown in t for t in texts), (key, shown, texts)


@pytest.mark.parametrize(
    "text",
    [
        "![x](http://e/x.png)",
        "[a](b) <http://e> <b>x</b> &amp; &#65; &copy;",
        "# h",
        "- item",
        "+ item",
        "1. first",
        "2) second",
        "> quote",
        "=== ",
        "---",
        "    indented code",
        "`a` ``b`` ```c",
        "*a* _b_ **c** ~~d~~ $e$",
        "a | b \\| c \\",
        "line\nbreak\r\nand\u2028more",
        "trailing backslash \\",
        "47.2 EUR m",
    ],
)
def test_md_text_renders_as_the_same_text_in_a_paragraph_and_a_cell(text: Any) -> None:
    paragraph = MD.parse(md_text(text) + "\n")
    table = MD.parse(f"| a | b |\n|---|---|\n| {md_text(text)} | x |\n")
    assert [t.type for t in paragraph if t.type != "inline"] == [
        "paragraph_open",
        "paragraph_close",
    ]
    assert inline_texts(paragraph) == [visible(text).rstrip(" ")]  # a line's end is trimmed
    cells = inline_texts(table)
    assert cells[2:] == [visible(text).rstrip(" "), "x"]
    assert not {t.type for t in walk(paragraph + table)} & {"image", "link_open", "html_inline"}
