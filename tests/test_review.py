"""`okrbsc review` (SPEC 9.1): verdicts, lagged agreement of strategy-map links and
calibration, computed by hand on constructed repos, and the command end to end."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app
from okrbsc.scoring.review import Verdict, brier, lagged_agreement, review, verdict
from okrbsc.strategy.periods import Period
from okrbsc.strategy.repo import Repo

from .conftest import EXAMPLES, run_cli
from .test_report import GOLDEN, _png_pixels, chromium, hostile_repo, mermaid_check, vnu

GREEN = 0.7


# --- the verdict, branch by branch --------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "achievement", "movement", "okr_score", "expected"),
    [
        ("green", 1.0, 0.0, None, Verdict.STEADY),
        ("amber", 0.5, 0.1, None, Verdict.UNADDRESSED),
        ("unknown", None, None, None, Verdict.UNADDRESSED),
        ("unknown", None, None, 0.9, Verdict.UNKNOWN),
        ("amber", 0.5, None, 0.9, Verdict.UNKNOWN),
        ("amber", 0.6, 0.2, 0.8, Verdict.WORKING),
        ("amber", 0.5, 0.0, 0.8, Verdict.ASSUMPTION_IN_QUESTION),
        ("amber", 0.4, -0.1, 0.9, Verdict.ASSUMPTION_IN_QUESTION),
        ("amber", 0.6, 0.15, 0.5, Verdict.IMPROVING),
        ("red", 0.4, -0.1, 0.3, Verdict.EXECUTION_GAP),
        ("amber", 0.5, 0.0, 0.5, Verdict.EXECUTION_GAP),
        # tolerance: 0.7 - 1e-12 is green, a movement of 1e-12 is no movement
        ("amber", 0.5, 1e-12, GREEN - 1e-12, Verdict.ASSUMPTION_IN_QUESTION),
        ("amber", 0.5, 0.3 - 0.2 - 0.1, 0.4, Verdict.EXECUTION_GAP),
    ],
)
def test_verdict(
    status: str,
    achievement: float | None,
    movement: float | None,
    okr_score: float | None,
    expected: Verdict,
) -> None:
    assert verdict(status, achievement, movement, okr_score, GREEN) is expected


# --- lagged agreement ------------------------------------------------------------------


def test_link_that_disagrees_three_times_is_weak() -> None:
    cause = [None, 0.1, 0.2, 0.3, 0.2, 0.3]
    effect = [None, 0.5, 0.5, 0.4, 0.3, 0.4]
    # t=1: cause's movement is null; t=2: +0.1 then effect -0.1; t=3: +0.1 / -0.1;
    # t=4: -0.1 / +0.1 -> 3 observations, none agreeing
    assert lagged_agreement(cause, effect) == (3, 0.0)


def test_link_that_agrees() -> None:
    cause = [None, 0.1, 0.2, 0.3, 0.2, 0.3]
    effect = [None, 0.5, 0.5, 0.6, 0.7, 0.6]
    assert lagged_agreement(cause, effect) == (3, 1.0)


def test_zero_and_null_movements_are_not_observations() -> None:
    cause = [None, 0.1, 0.1, 0.3, None, 0.3]
    effect = [None, 0.5, 0.5, 0.6, 0.4, 0.6]
    # t=2: cause did not move; t=3: +0.2 then -0.2 (one observation); t=4: null
    assert lagged_agreement(cause, effect) == (1, 0.0)
    assert lagged_agreement([None, 0.1], [None, 0.2]) == (0, None)


def test_brier_by_hand() -> None:
    assert brier([(0.8, 1), (0.9, 1), (0.6, 0)]) == pytest.approx((0.04 + 0.01 + 0.36) / 3)
    assert brier([]) is None


# --- a constructed repo ------------------------------------------------------------------


def measure(ident: str, actuals: dict[str, float]) -> str:
    pairs = ", ".join(f"{k}: {v}" for k, v in actuals.items())
    return f"{{id: {ident}, name: {ident}, baseline: 0, target: 100, actuals: {{{pairs}}}}}"


SCORECARD = f"""\
kind: scorecard
objectives:
  - id: W
    perspective: financial
    title: Working objective
    measures: [{measure("W-m", {"2026-Q1": 40, "2026-Q2": 60})}]
  - id: A
    perspective: financial
    title: Assumption objective
    measures: [{measure("A-m", {"2026-Q1": 50, "2026-Q2": 50})}]
  - id: I
    perspective: customer
    title: Improving objective
    drives: [W]
    measures: [{measure("I-m", {"2026-Q1": 30, "2026-Q2": 45})}]
  - id: E
    perspective: customer
    title: Execution gap objective
    drives: [A]
    measures: [{measure("E-m", {"2026-Q1": 50, "2026-Q2": 40})}]
  - id: U
    perspective: process
    title: Unaddressed objective
    measures: [{measure("U-m", {"2026-Q2": 0})}]
  - id: S
    perspective: process
    title: Steady objective
    measures: [{measure("S-m", {"2026-Q2": 100})}]
  - id: K
    perspective: learning
    title: Unknown objective
    drives: [U]
    measures: [{{id: K-m, name: K-m, baseline: 0, target: 100}}]
"""


def okr_file(team: str, period: str, objectives: list[tuple[str, str, float]]) -> str:
    lines = [f"kind: okrs\nteam: {team}\nperiod: {period}\nobjectives:\n"]
    for ident, aligns, score in objectives:
        lines.append(
            f"  - id: {ident}\n    title: Objective {ident}\n    aligns_to: [{aligns}]\n"
            f"    score: {score}\n    key_results:\n"
            f"      - {{title: Key result, start: 0, target: 10, score: {score}}}\n"
        )
    return "".join(lines)


CALIBRATED = """\
kind: okrs
team: product
period: 2026-Q1
objectives:
  - id: PQ1
    title: Calibration objective
    aligns_to: [W]
    key_results:
      - id: PQ1.1
        title: Reaches target
        start: 0
        target: 10
        checkins:
          - {date: 2026-01-05, value: 5, confidence: 0.8}
          - {date: 2026-03-02, value: 10, confidence: 0.9}
      - id: PQ1.2
        title: Falls short
        start: 0
        target: 10
        checkins:
          - {date: 2026-01-05, value: 2, confidence: 0.6}
          - {date: 2026-02-02, value: 2}
"""


def write_repo(root: Path) -> Path:
    files = {
        "okrbsc.yaml": textwrap.dedent(
            """\
            organisation: Review Co
            teams:
              - {id: sales, name: Sales}
              - {id: product, name: Product}
              - {id: people, name: People}
            """
        ),
        "scorecard.yaml": SCORECARD,
        "okrs/2026/Q2/sales.yaml": okr_file(
            "sales",
            "2026-Q2",
            [("S1", "W", 0.8), ("S2", "A", 0.9), ("S3", "I", 0.5), ("S4", "E", 0.3)],
        ),
        "okrs/2026/Q2/product.yaml": okr_file("product", "2026-Q2", [("P1", "E", 0.4)]),
        "okrs/2026/Q2/people.yaml": okr_file("people", "2026-Q2", [("H1", "K", 0.9)]),
        "okrs/2026/Q1/product.yaml": CALIBRATED,
        "okrs/2026/Q3/people.yaml": okr_file("people", "2026-Q3", [("H9", "U", 0.9)]),
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def constructed(tmp_path: Path) -> Path:
    return write_repo(tmp_path / "repo")


def _review(root: Path, period: str = "2026-Q2", as_of: str = "2026-07-15") -> dict[str, object]:
    result = CliRunner().invoke(
        app, ["review", period, "--repo", str(root), "--as-of", as_of, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    payload: dict[str, object] = json.loads(result.output)
    return payload


def test_every_verdict_on_a_constructed_repo(constructed: Path) -> None:
    payload = _review(constructed)
    assert payload["period"] == "2026-Q2" and payload["previous"] == "2026-Q1"
    rows = {o["id"]: o for o in payload["objectives"]}  # type: ignore[attr-defined]
    assert list(rows) == ["W", "A", "I", "E", "U", "S", "K"]  # scorecard file order
    assert {k: r["verdict"] for k, r in rows.items()} == {
        "W": "working",
        "A": "assumption-in-question",
        "I": "improving",
        "E": "execution-gap",
        "U": "unaddressed",
        "S": "steady",
        "K": "unknown",
    }
    w = rows["W"]
    assert w["achievement"] == pytest.approx(0.6)
    assert w["previous_achievement"] == pytest.approx(0.4)
    assert w["movement"] == pytest.approx(0.2)
    assert w["okrs"] == ["S1"] and w["okr_score"] == pytest.approx(0.8)
    # E is reached by sales (S4, 0.3) and product (P1, 0.4): teams in config order
    assert rows["E"]["okrs"] == ["S4", "P1"]
    assert rows["E"]["okr_score"] == pytest.approx(0.35)
    assert rows["E"]["movement"] == pytest.approx(-0.1)
    assert rows["U"]["status"] == "red" and rows["U"]["okrs"] == []
    assert rows["U"]["okr_score"] is None and rows["U"]["previous_achievement"] is None
    assert rows["K"]["achievement"] is None and rows["K"]["movement"] is None
    assert set(w) == {
        "id",
        "perspective",
        "status",
        "achievement",
        "previous_achievement",
        "movement",
        "okrs",
        "okr_score",
        "verdict",
    }
    assert set(payload) == {
        "period",
        "previous",
        "running",
        "elapsed",
        "objectives",
        "links",
        "calibration",
    }


def test_calibration_by_hand(constructed: Path) -> None:
    payload = _review(constructed)
    # Q1 product: PQ1.1 ends at 10 (green): (0.8-1)^2 + (0.9-1)^2; PQ1.2 ends at 0.2
    # (red): (0.6-0)^2; the check-in without confidence does not count. Q2 KRs have
    # recorded scores and no check-ins; Q3 (people's H9) ends after Q2: left out.
    assert payload["calibration"] == [
        {"team": "sales", "checkins": 0, "brier": None},
        {"team": "product", "checkins": 3, "brier": pytest.approx(0.41 / 3)},
        {"team": "people", "checkins": 0, "brier": None},
    ]


def test_links_with_too_few_observations(constructed: Path) -> None:
    links = _review(constructed)["links"]
    # I -> W: I moves +15 in Q2, W's Q3 is not there yet (Q2 is the end): no observation
    assert links == [
        {"from": "I", "to": "W", "observations": 0, "agreement": None, "weak": False},
        {"from": "E", "to": "A", "observations": 0, "agreement": None, "weak": False},
        {"from": "K", "to": "U", "observations": 0, "agreement": None, "weak": False},
    ]


LINKED = """\
kind: scorecard
objectives:
  - id: X
    perspective: customer
    title: Cause
    drives: [Y, Z]
    measures: [{x}]
  - id: Y
    perspective: financial
    title: Effect that disagrees
    measures: [{y}]
  - id: Z
    perspective: financial
    title: Effect that agrees
    measures: [{z}]
"""


def test_weak_and_strong_links_over_five_quarters(tmp_path: Path) -> None:
    root = tmp_path / "linked"
    root.mkdir()
    (root / "okrbsc.yaml").write_text("organisation: Linked\n")
    quarters = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]
    series = {
        "x": [10, 20, 30, 20, 30],
        "y": [50, 50, 40, 30, 40],  # moves against X a quarter later, three times
        "z": [50, 50, 60, 70, 60],  # moves with X a quarter later, three times
    }
    card = LINKED.format(
        **{k: measure(f"{k}-m", dict(zip(quarters, v, strict=True))) for k, v in series.items()}
    )
    (root / "scorecard.yaml").write_text(card)
    payload = _review(root, "2027-Q1", "2027-04-10")
    assert payload["links"] == [
        {"from": "X", "to": "Y", "observations": 3, "agreement": 0.0, "weak": True},
        {"from": "X", "to": "Z", "observations": 3, "agreement": 1.0, "weak": False},
    ]
    # no OKR file at all: the scorecard alone is reviewed (SPEC 10.1)
    assert [o["verdict"] for o in payload["objectives"]] == ["unaddressed"] * 3  # type: ignore[index]
    md = (
        CliRunner()
        .invoke(app, ["review", "2027-Q1", "--repo", str(root), "--as-of", "2027-04-10"])
        .output
    )
    assert "X -.->" not in md  # node keys, not ids, in Mermaid
    assert "-.->|weak|" in md and "| X → Y | 2026-Q1 to 2027-Q1 | 3 | 0% | **weak** |" in md
    assert "Is this link of the strategy map real?" in md


def test_review_matches_score_at_the_same_as_of(constructed: Path) -> None:
    repo = Repo.open(constructed, dt.date(2026, 7, 15))
    result = review(repo, Period(2026, 2))
    assert result.as_of_score.period == Period(2026, 2)
    scores = {o.id: o.score for o in result.as_of_score.objectives()}
    by_id = {o.id: o for o in result.objectives}
    assert by_id["E"].okr_score == pytest.approx((scores["S4"] + scores["P1"]) / 2)


# --- the command ------------------------------------------------------------------------


def test_markdown_worst_first_to_stdout(constructed: Path) -> None:
    result = CliRunner().invoke(
        app, ["review", "Q2", "--repo", str(constructed), "--as-of", "2026-07-15"]
    )
    assert result.exit_code == 0, result.output
    md = result.output
    order = [
        "### E Execution gap objective — execution gap",
        "### A Assumption objective — assumption in question",
        "### U Unaddressed objective — unaddressed",
        "### K Unknown objective — unknown",
        "### I Improving objective — improving",
        "### W Working objective — working",
        "### S Steady objective — steady",
    ]
    positions = [md.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert "## Questions for the board" in md
    assert "U Unaddressed objective is red and no OKR aims at it." in md


def test_out_writes_the_named_file(constructed: Path, tmp_path: Path) -> None:
    out = tmp_path / "new" / "folder"
    for fmt in ("md", "html", "json"):
        proc = run_cli(
            "review", "2026-Q2", "--repo", str(constructed), "--as-of", "2026-07-15",
            "--format", fmt, "--out", str(out),
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == f"wrote {out}/review-2026-Q2.{fmt}\n"
    assert sorted(p.name for p in out.iterdir()) == [
        "review-2026-Q2.html",
        "review-2026-Q2.json",
        "review-2026-Q2.md",
    ]
    assert json.loads((out / "review-2026-Q2.json").read_text())["period"] == "2026-Q2"


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2031-Q2", "nothing to review in 2031-Q2: no OKR files and no scorecard actual"),
        ("2031", "nothing to review in 2031: no OKR files and no scorecard actual"),
        ("Q4", "no Q4 with OKR files or actuals starts on or before 2026-07-15"),
        ("2026-Q7", "not a period"),
    ],
)
def test_periods_that_cannot_be_reviewed(constructed: Path, period: str, message: str) -> None:
    proc = run_cli("review", period, "--repo", str(constructed), "--as-of", "2026-07-15")
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_a_quarter_with_actuals_and_no_okrs_is_reviewed(constructed: Path) -> None:
    (constructed / "okrs/2026/Q1/product.yaml").unlink()
    payload = _review(constructed, "2026-Q1", "2026-07-15")
    assert payload["period"] == "2026-Q1"
    assert all(o["okrs"] == [] for o in payload["objectives"])  # type: ignore[attr-defined]


def test_a_repo_with_errors_is_refused(constructed: Path) -> None:
    (constructed / "okrs/2026/Q2/people.yaml").write_text("kind: okrs\nteam: [\n")
    proc = run_cli("review", "2026-Q2", "--repo", str(constructed), "--as-of", "2026-07-15")
    assert proc.returncode == 1
    assert "okrs/2026/Q2/people.yaml:" in proc.stderr and "Traceback" not in proc.stderr


# --- the documents, judged by their real consumers --------------------------------------


EXAMPLES_AS_OF = "2026-11-20"
EXAMPLES_PERIOD = "2026-Q3"


@pytest.fixture(scope="module")
def examples_review(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("review")
    for fmt in ("md", "html", "json"):
        proc = run_cli(
            "review", EXAMPLES_PERIOD, "--repo", str(EXAMPLES), "--as-of", EXAMPLES_AS_OF,
            "--format", fmt, "--out", str(out),
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.parametrize("suffix", ["md", "html", "json"])
def test_golden_review_of_the_examples(examples_review: Path, suffix: str) -> None:
    actual = (examples_review / f"review-{EXAMPLES_PERIOD}.{suffix}").read_text(encoding="utf-8")
    path = GOLDEN / f"review-{EXAMPLES_PERIOD}.{suffix}"
    if os.environ.get("OKRBSC_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


def test_review_html_passes_the_nu_checker(examples_review: Path) -> None:
    page = examples_review / f"review-{EXAMPLES_PERIOD}.html"
    proc = subprocess.run([*vnu(), str(page)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "<link" not in html.lower()


def test_review_mermaid_parses(examples_review: Path) -> None:
    proc = mermaid_check(examples_review / f"review-{EXAMPLES_PERIOD}.md")
    assert proc.returncode == 0, proc.stderr


def test_review_renders_in_chromium(examples_review: Path, tmp_path: Path) -> None:
    shot = tmp_path / "review.png"
    page = (examples_review / f"review-{EXAMPLES_PERIOD}.html").resolve()
    subprocess.run(
        [
            chromium(), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--no-first-run", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}", "--window-size=1400,2400", page.as_uri(),
        ],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert shot.is_file()
    assert len(set(_png_pixels(shot.read_bytes())[::7])) > 50


def test_hostile_titles_stay_text_in_the_review(tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    root = tmp_path / "repo"
    hostile_repo(root)
    out = tmp_path / "out"
    for fmt in ("md", "html"):
        proc = run_cli(
            "review", EXAMPLES_PERIOD, "--repo", str(root), "--as-of", EXAMPLES_AS_OF,
            "--format", fmt, "--out", str(out),
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
    html = (out / f"review-{EXAMPLES_PERIOD}.html").read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    proc = subprocess.run([*vnu(), str(out / f"review-{EXAMPLES_PERIOD}.html")],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    md = (out / f"review-{EXAMPLES_PERIOD}.md").read_text(encoding="utf-8")
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    assert "<script" not in rendered and "<img" not in rendered
    parsed = mermaid_check(out / f"review-{EXAMPLES_PERIOD}.md")
    assert parsed.returncode == 0, parsed.stderr
    row = next(line for line in md.splitlines() if "| L2 a \\# b" in line)
    assert "\\[d\\] (e) {f} \\<g\\>" in row  # a # b ; c [d] (e) {f} <g>, escaped in the cell
