"""SPEC 12.2: Mermaid labels carry only text. Every Mermaid block okrbsc writes
(the report's strategy map, the review's map, history's chart) of the hostile
repo is parsed by Mermaid's own parser (tests/tools/mermaid_check.mjs), which
gives back each label as a browser shows it: each hostile text comes back as
itself, and no `%%{init}%%` in a title changes the theme."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from okrbsc.render.text import mermaid_label, visible

from . import hostile_repos
from .conftest import BASE_AS_OF, run_cli
from .test_report import mermaid_check

TEXTS = hostile_repos.TEXTS


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_repos.build(tmp_path_factory.mktemp("hostile") / "repo")


def blocks(md: Path) -> list[dict[str, Any]]:
    checked = mermaid_check(md, "--labels")
    assert checked.returncode == 0, checked.stderr
    out: list[dict[str, Any]] = json.loads(checked.stdout)
    return out


def assert_labels(found: list[dict[str, Any]], keys: list[str]) -> None:
    labels = [label for block in found for label in block["labels"]]
    for key in keys:
        shown = visible(TEXTS[key])
        assert any(shown in label for label in labels), (key, shown, labels)
    for block in found:  # the init directives in the titles were not obeyed
        assert (block["theme"], block["themeCSS"]) == ("default", None), block


def test_the_report_strategy_map(repo: Path, tmp_path: Path) -> None:
    proc = run_cli(
        "report", "2026-Q3", "--format", "md", "--out", str(tmp_path), "--repo", str(repo),
        "--as-of", BASE_AS_OF,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    found = blocks(tmp_path / "2026-Q3.md")
    assert [b["type"] for b in found] == ["flowchart-v2"]
    assert_labels(found, ["mermaid", "mermaid2", "brackets", "perspective"])
    assert len(found[0]["labels"]) == 4 + 4  # four boxes, four bands: nothing added


def test_the_review_map(repo: Path, tmp_path: Path) -> None:
    proc = run_cli(
        "review", "2026-Q3", "--format", "md", "--repo", str(repo), "--as-of", BASE_AS_OF
    )
    assert proc.returncode == 0, proc.stderr
    (tmp_path / "review.md").write_text(proc.stdout, encoding="utf-8")
    found = blocks(tmp_path / "review.md")
    assert_labels(found, ["mermaid", "mermaid2", "brackets", "perspective"])


def test_the_history_chart(repo: Path, tmp_path: Path) -> None:
    sales = repo / hostile_repos.SALES
    unit = hostile_repos.yaml_text(TEXTS["mermaid2"])
    text = sales.read_text(encoding="utf-8")
    sales.write_text(text.replace("target: 3.5", f"target: 3.5\n    unit: {unit}", 1), "utf-8")
    proc = run_cli("history", "S1.1", "--format", "md", "--repo", str(repo), "--as-of", BASE_AS_OF)
    assert proc.returncode == 0, proc.stderr
    (tmp_path / "history.md").write_text(proc.stdout, encoding="utf-8")
    found = blocks(tmp_path / "history.md")
    assert [b["type"] for b in found] == ["xychart"]
    assert_labels(found, ["mermaid2"])  # the unit, on the y axis
    assert "S1.1 over time" in found[0]["labels"]


@pytest.mark.parametrize(
    "text",
    [
        '%%{init: {"theme": "dark"}}%%',
        'a"] --> evil["b',
        "x\n%%{init: {'theme':'forest'}}%%\nclick n0 call alert(1)",
        "r\r```\n# out of the fence",
        "`**md string**`",
        "&lt;b&gt; #35; #quot; <b>x</b>",
        "A ::: red {x} (y) [z] classDef red fill:#f00",
        "$$\\href{javascript:alert(1)}{click}$$ and $x^2$",
        "Revenue $$\\htmlStyle{color:red}{47}$$ USD $ 5",
    ],
)
def test_mermaid_label_gives_back_the_text(tmp_path: Path, text: str) -> None:
    md = tmp_path / "one.md"
    md.write_text(f"```mermaid\nflowchart LR\n  n0[{mermaid_label(text)}]\n```\n", "utf-8")
    found = blocks(md)
    assert found[0]["labels"] == [visible(text)]
    assert (found[0]["theme"], found[0]["themeCSS"]) == ("default", None)
    assert "$" not in found[0]["raw"][0]  # SPEC 12.3: no `$$` for KaTeX when Mermaid renders


def test_math_in_a_title_reaches_the_strategy_map_as_text(base_repo: Path, tmp_path: Path) -> None:
    """SPEC 12.3: `$` in text that reaches a Mermaid label is written `#36;`."""
    title = "Grow $$\\href{https://evil.example}{ARR}$$ to $5m"
    card = base_repo / "scorecard.yaml"
    text = card.read_text(encoding="utf-8")
    first = text.split("title: ", 1)[1].split("\n", 1)[0]
    card.write_text(text.replace(first, hostile_repos.yaml_text(title), 1), encoding="utf-8")
    proc = run_cli(
        "report", "2026-Q3", "--format", "md", "--out", str(tmp_path), "--repo", str(base_repo),
        "--as-of", BASE_AS_OF,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "#36;#36;\\href" in (tmp_path / "2026-Q3.md").read_text(encoding="utf-8")
    found = blocks(tmp_path / "2026-Q3.md")
    assert f"F1 {title} (amber)" in found[0]["labels"]
    assert not any("$" in label for label in found[0]["raw"])
