"""SPEC 12.3: Markdown output is inert under GitHub's own renderer too. The hostile
repo's texts each gain an e-mail address, a `www.` name, URLs and strikethrough;
every Markdown output (`report`, `score`, `review`, `diff`, `history`: what the
action writes to the job summary and more) is rendered by cmark-gfm with its
autolink, table and strikethrough extensions (cmarkgfm) and by CommonMark
(markdown-it-py): no link, image or strikethrough, the same blocks as with plain
texts, and each text shown as itself."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import cmarkgfm
import pytest

from okrbsc.render.text import MD_BREAK, md_text, visible

from . import hostile_repos
from .test_markdown_inert import MD, OUTPUTS, _build, inline_texts, shape, walk

LINKY = (
    " mail dana.o+x@evil.example, mailto:eve@evil.example xmpp:bob@evil.example/r"
    " www.evil.example WWW.evil.example https://evil.example/p?q=1 ftp://evil.example"
    " ~~struck~~ ~one~ (www.evil.example/x) _a@b.co_"
)
TEXTS = {name: text.split("\n")[0] + LINKY for name, text in hostile_repos.TEXTS.items()}
TEXTS["author"] = hostile_repos.TEXTS["author"] + LINKY  # git keeps a name on one line


def gfm(md: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(md)


class _Text(HTMLParser):
    """The text a reader sees in HTML, and the tags it holds (comments are neither)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.text.append("\n")  # each element's text apart

    def handle_endtag(self, tag: str) -> None:
        self.text.append("\n")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def seen(html: str) -> tuple[list[str], Counter[str]]:
    """The lines of text a reader sees, and how many of each element."""
    parser = _Text()
    parser.feed(html)
    lines = [line.strip() for line in "".join(parser.text).split("\n")]
    return [line for line in lines if line], parser.tags


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _build(tmp_path_factory.mktemp("gfm"), TEXTS)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _build(tmp_path_factory.mktemp("plain"), hostile_repos.PLAIN)


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_github_renders_no_link_image_or_strikethrough(
    rendered: dict[str, str], plain: dict[str, str], name: str
) -> None:
    _, tags = seen(gfm(rendered[name]))
    assert not tags.keys() & {"a", "img", "del", "s", "script", "b", "u", "i"}, tags
    assert tags == seen(gfm(plain[name]))[1]  # every element is okrbsc's own


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_commonmark_renders_no_link_and_the_same_blocks(
    rendered: dict[str, str], plain: dict[str, str], name: str
) -> None:
    tokens = MD.parse(rendered[name])
    html = [t.content for t in walk(tokens) if t.type == "html_inline"]
    assert set(html) <= {MD_BREAK}, html  # only okrbsc's own empty comment
    assert not {t.type for t in walk(tokens)} & {"image", "link_open", "html_block", "s_open"}
    assert shape(tokens) == shape(MD.parse(plain[name]))


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_each_text_shows_as_itself_in_both(rendered: dict[str, str], name: str) -> None:
    lines, _ = seen(gfm(rendered[name]))
    texts = inline_texts(MD.parse(rendered[name]))
    for key in OUTPUTS[name][1]:
        shown = visible(TEXTS[key])
        assert any(shown in line for line in lines), (key, shown, lines)
        assert any(shown in text for text in texts), (key, shown, texts)


@pytest.mark.parametrize(
    "text",
    [
        "dana@evil.example",
        "a.b-c_d+e@sub.evil.example.",
        "mailto:x@evil.example xmpp:y@evil.example",
        "@handle and a@b and x@y.z",
        "www.evil.example www\\.evil.example Www.evil.example",
        "http://evil.example https://evil.example/a_(b) ftp://e.example",
        "~~gone~~ ~also~ ~~~fence",
        "<dana@evil.example> <https://evil.example>",
        "[x](mailto:a@b.co) ![i](http://e/i.png)",
        "50% @ 3.5 EUR, contact: ops@evil.example.",
        "joined a@\u2060b.example @dana",
    ],
)
def test_md_text_is_text_under_github_and_commonmark(text: str) -> None:
    for md in (md_text(text) + "\n", f"| a | b |\n|---|---|\n| {md_text(text)} | x |\n"):
        lines, tags = seen(gfm(md))
        assert not tags.keys() - {"p", "table", "thead", "tbody", "tr", "th", "td"}, (md, tags)
        assert visible(text).rstrip(" ") in lines, (md, lines)
        tokens = MD.parse(md)
        assert visible(text).rstrip(" ") in inline_texts(tokens)
        assert not {t.type for t in walk(tokens)} & {"image", "link_open", "s_open"}
