"""SPEC 15.6: shown as stated -- a key result without data reads "no data" in every
table, a measure's type only where the file states it, a derived red flag marked
also when it equals the target."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from .conftest import BASE, BASE_AS_OF, run_cli


def no_data_repo(tmp_path: Path) -> Path:
    """The base repo with a binary key result that has no `done` (S2.3) -- S1.2 has no
    check-in or `current` either."""
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    path = root / "okrs/2026/Q3/sales.yaml"
    text = path.read_text("utf-8")
    old = "{title: Reference customers, kind: binary, done: false}"
    assert old in text
    path.write_text(text.replace(old, "{title: Reference customers, kind: binary}"), "utf-8")
    return root


def rows(text: str, *ids: str) -> list[str]:
    return [line for line in text.splitlines() if any(re.search(rf"\b{i}\b", line) for i in ids)]


def test_a_key_result_without_data_reads_no_data_in_every_table(tmp_path: Path) -> None:
    root = no_data_repo(tmp_path)
    base = ("--repo", str(root), "--as-of", BASE_AS_OF)
    shown = {
        "score table": run_cli("score", "2026-Q3", *base).stdout,
        "score md": run_cli("score", "2026-Q3", "--format", "md", *base).stdout,
        "status": run_cli("status", "2026-Q3", *base).stdout,
    }
    out = tmp_path / "out"
    for fmt in ("md", "html"):
        proc = run_cli("report", "2026-Q3", "--format", fmt, "--out", str(out), *base)
        assert proc.returncode == 0, proc.stderr
        shown[f"report {fmt}"] = (out / f"2026-Q3.{fmt}").read_text("utf-8")
    for where, text in shown.items():
        found = rows(text, "S1.2", "S2.3")
        if where == "report html":  # a row spans several lines there: take the table body
            found = [
                text[text.index(f"<td>{i}</td>") :].split("</tr>")[0] for i in ("S1.2", "S2.3")
            ]
        assert found, where
        for line in found:
            # what a reader sees or hears: the text, and the bar's aria-label
            said = re.sub(r"<[^>]*>", " ", line) + " ".join(
                re.findall(r'aria-label="([^"]*)"', line)
            )
            assert "no data" in said, (where, said)
            assert "not done" not in said and not re.search(r"(?<!\d)0%", said), (where, said)


def card(tmp_path: Path, measures: list[dict[str, object]]) -> Path:
    (tmp_path / "okrbsc.yaml").write_text("organisation: T\n", encoding="utf-8")
    doc = {"kind": "scorecard", "objectives": [
        {"id": "F1", "perspective": "financial", "title": "Money", "measures": measures}]}  # fmt: skip
    (tmp_path / "scorecard.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), "utf-8")
    return tmp_path


def test_a_measures_type_is_shown_only_where_the_file_states_it(tmp_path: Path) -> None:
    repo = card(tmp_path, [
        {"id": "stated", "name": "Stated lag", "type": "lag", "target": 5, "actuals": {"2026": 5}},
        {"id": "silent", "name": "Silent", "target": 5, "actuals": {"2026": 5}},
    ])  # fmt: skip
    out = tmp_path / "out"
    proc = run_cli("report", "2026", "--format", "html", "--out", str(out), "--repo", str(repo),
                   "--as-of", "2027-01-10")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    html = (out / "2026.html").read_text("utf-8")
    assert "<td>Stated lag</td><td>lag</td>" in html
    assert "<td>Silent</td><td></td>" in html


def test_a_derived_red_flag_is_marked_even_when_it_equals_the_target(tmp_path: Path) -> None:
    # target 0 with measure_tolerance 0.1: 0 - 0.1 x |0| = 0, still derived
    repo = card(tmp_path, [
        {"id": "zero", "name": "Incidents", "target": 0, "direction": "down",
         "actuals": {"2026": 0}},
        {"id": "ten", "name": "Spend", "target": 50, "actuals": {"2026": 47}},
    ])  # fmt: skip
    proc = run_cli("score", "2026", "--format", "md", "--repo", str(repo), "--as-of", "2027-01-10")
    assert proc.returncode == 0, proc.stderr
    assert "| 0 | 0 (derived: target + 10%) | green |" in proc.stdout
    # 50 - 10% = 45; 47 is amber
    assert "| 50 | 45 (derived: target − 10%) | amber |" in proc.stdout
