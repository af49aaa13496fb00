"""Benchmark okrbsc as whole processes, side by side with reference tools.

    python benchmarks/run.py                 # 10, 100, 1000 teams (generated under /tmp)
    python benchmarks/run.py --sizes 10 100  # smaller
    python benchmarks/run.py --out benchmarks/results.json

Runs go in rounds: each round runs the reference once and then every command
of ours once, so each ratio ours / reference pairs runs made moments apart on
a machine whose load may change. The table gives the median ratio over the
rounds and its spread (lowest to highest), wall seconds (median) and peak RSS
of the child (from wait4). What we track (the targets of issue 14):

* `okrbsc lint` cold (`--no-cache`), lint filling an empty cache, lint warm
  with nothing changed, lint warm with one file changed, `score --format
  json`, `report --format html` and `status` (all cold) against a bare
  `yaml.load(..., Loader=yaml.CSafeLoader)` of the same files, and the peak
  memory of cold lint per MiB of YAML;
* `okrbsc --help` against a minimal one-command Typer app's `--help`, and
  `okrbsc lint` on examples/ against that app's command;
* yamllint on the same files, when it is installed;
* `okrbsc export` (xlsx, csv) against `score --format json`, and `okrbsc
  import` of that unchanged export against the bare C load;
* `okrbsc history ID` over a git history of N commits against `git log -p`
  of the same history (what a reviewer reads without okrbsc);
* `okrbsc pull 2026-Q3` of N sourced key results (one per team, each its own
  query; a DuckDB file, and a CSV DuckDB reads), a dry run and a pull writing
  one check-in into each of N files, against the bare C load (`--pull N`);
* `okrbsc pull 2026-Q3` of N GitHub-fed key results (`--trackers N`, default
  100) against the tests' fake GitHub on 127.0.0.1, each a milestone of 150
  issues in two pages: a dry run and a pull writing N files.

Issue 32 adds: `status` on a terminal (FORCE_COLOR=1 COLUMNS=120) beside the
piped one; warm lint after a value edit (not a comment); cold lint of a repo
where one team file in ten carries a finding, and of one where every team file
leaves the fast reader (a tab in a comment); `remind` and `digest` (against
`score`'s seconds); the peak memory of `import` per MiB of YAML. Every ratio to
the bare C load is shown beside its ratio to the same load with the collector
off and to the bare fast reader (yaml-rs), all three run in each round.

SPEC 18.3: `score --format json` of a group of N units of M teams (`--units N M`,
default 20 100), each a git repository locked and synced, against a cold `lint`
of one unit: with an empty cache (every unit read and scored at its commit) and
with the units' commits already cached.

Before and after, in one run: `--baseline VENV` (a virtual environment holding an
earlier okrbsc) runs every command of ours a second time in each round with that
okrbsc, right after the current one and against the same references, with its own
cache folders, so both are measured on the same machine under the same load. Each
round also records the machine's load average (1 minute) before it starts. A case
that edits the repo before its run edits it once a round: both versions run on the
same edit. `--only NAME...` runs only the cases whose names begin so.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

PY = sys.executable
BIN = Path(PY).parent
BARE = (
    "import glob, sys, yaml\n"
    "root = sys.argv[1]\n"
    "files = [root + '/okrbsc.yaml', root + '/scorecard.yaml']\n"
    "files += glob.glob(root + '/okrs/**/*.yaml', recursive=True)\n"
    "for f in files:\n"
    "    with open(f, encoding='utf-8') as h:\n"
    "        yaml.load(h.read(), Loader=yaml.CSafeLoader)\n"
)
# the same load with the cycle collector off: on the generator's one 5 MB file the
# collector takes about a fifth of the bare load, which flatters every ratio
BARE_NO_GC = "import gc\ngc.disable()\n" + BARE
# the floor okrbsc stands on: the fast reader (yaml-rs) of the same files
BARE_FAST = (
    "import glob, sys, yaml_rs\n"
    "root = sys.argv[1]\n"
    "files = [root + '/okrbsc.yaml', root + '/scorecard.yaml']\n"
    "files += glob.glob(root + '/okrs/**/*.yaml', recursive=True)\n"
    "for f in files:\n"
    "    with open(f, encoding='utf-8') as h:\n"
    "        yaml_rs.loads(h.read(), parse_datetime=True)\n"
)
TARGETS = {  # issue 14: ratio to the bare C load (1,000 teams), or to the Typer app
    "lint cold": 0.30,
    "lint warm, one file changed": 0.10,
    "lint warm, nothing changed": 0.05,
    "score --format json": 0.35,  # issue 32 (issue 14: 0.45)
    "report --format html": 0.45,  # issue 32 (issue 14: 0.80)
    "status": 1.00,
    # issue 32
    "status on a terminal": 0.60,
    "lint warm, one value edited": 0.08,
    "lint cold, 10% of files with a finding": 0.28,
    "lint cold, tab in a comment": 0.45,
    "import xlsx unchanged": 1.0,
    "import csv unchanged": 1.0,
    "okrbsc --help": 0.65,
    "lint examples/": 1.3,  # against the minimal Typer app's command
}
MEMORY_TARGET = 12.0  # peak MiB of cold lint per MiB of YAML
MEMORY_TARGETS = {  # issue 32: peak MiB per MiB of YAML, by the case's name
    "lint cold, 10% of files with a finding": 10.0,
    "lint cold, tab in a comment": 15.0,
    "import": 15.0,
}


BASELINE: Path | None = None  # --baseline: the bin folder of an earlier okrbsc's venv
LOADS: list[float] = []  # the 1-minute load average at the start of every round


def run_once(
    cmd: list[str], env: dict[str, str] | None = None, ok: tuple[int, ...] = (0, 1)
) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of ``cmd`` run as a child, which must exit
    with one of ``ok`` (1: findings, or a restatement left unwritten)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:  # anything else: the timing means nothing
        raise SystemExit(f"benchmark: {' '.join(cmd)} exited {code}")
    return wall, usage.ru_maxrss / 1024


@dataclass
class Case:
    """One command of ours, with what must happen before each of its runs."""

    name: str
    cmd: list[str]
    before: Callable[[], None] = lambda: None
    env: dict[str, str] | None = None
    walls: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    # ratio to each further reference of the round (name -> one ratio a round)
    more: dict[str, list[float]] = field(default_factory=dict)
    ok: tuple[int, ...] = (0, 1)  # the exit codes that are a run of what is measured
    # the same command with the --baseline okrbsc, run right after it in each round
    base_walls: list[float] = field(default_factory=list)
    base_peaks: list[float] = field(default_factory=list)
    base_ratios: list[float] = field(default_factory=list)
    base_refused: str = ""  # why the baseline's run is no measurement (its exit code)
    # ``before`` edits the repo: the baseline twin runs on the same edit (run twice, the
    # twin would leave the repo one edit past the current okrbsc's last run, and the
    # next round's "nothing changed" would find nothing cached for it)
    shared_before: bool = False


def baseline_of(
    cmd: list[str], env: dict[str, str] | None
) -> tuple[list[str], dict[str, str] | None] | None:
    """``cmd`` run by the --baseline okrbsc, with cache folders of its own (the two
    versions' cache entries differ, and one must never evict the other's), or None
    when ``cmd`` is not ours."""
    if BASELINE is None:
        return None
    if cmd[0] == str(BIN / "okrbsc"):
        cmd = [str(BASELINE / "okrbsc"), *cmd[1:]]
    elif cmd[0] == PY and cmd[1:3] == ["-m", "okrbsc"]:
        cmd = [str(BASELINE / "python"), *cmd[1:]]
    else:
        return None
    if env is not None and "XDG_CACHE_HOME" in env:
        env = {**env, "XDG_CACHE_HOME": env["XDG_CACHE_HOME"] + "-before"}
    return cmd, env


def run_case(case: Case, wall: float, extra_walls: dict[str, float]) -> None:
    """One run of ``case`` (and of its baseline twin) in a round whose reference took
    ``wall`` seconds."""
    case.before()
    ours, mem = run_once(case.cmd, case.env, case.ok)
    case.walls.append(ours)
    case.peaks.append(mem)
    case.ratios.append(ours / wall)
    for name, other in extra_walls.items():
        case.more.setdefault(name, []).append(ours / other)
    twin = baseline_of(case.cmd, case.env)
    if twin is not None:
        if not case.shared_before:
            case.before()
        try:
            old, mem = run_once(*twin, case.ok)
        except SystemExit as refused:  # the earlier okrbsc may refuse what is measured
            case.base_refused = str(refused)
            return
        case.base_walls.append(old)
        case.base_peaks.append(mem)
        case.base_ratios.append(old / wall)


def rounds(
    ref: list[str], cases: list[Case], repeat: int, extra: dict[str, list[str]] | None = None
) -> dict[str, float]:
    """``repeat`` rounds of: the reference (and each ``extra`` one) once, then each
    case once. Each case gets its ratio to every reference of its round."""
    ref_walls, ref_peaks = [], []
    for _ in range(repeat):
        LOADS.append(os.getloadavg()[0])
        wall, peak = run_once(ref)
        ref_walls.append(wall)
        ref_peaks.append(peak)
        extra_walls = {name: run_once(cmd)[0] for name, cmd in (extra or {}).items()}
        for case in cases:
            run_case(case, wall, extra_walls)
    return {"seconds": round(statistics.median(ref_walls), 3), "peak_mib": max(ref_peaks)}


def bare_refs(root: Path) -> tuple[list[str], dict[str, list[str]]]:
    """The bare C load of ``root``; beside it, the same load with the collector off
    and the bare fast reader."""
    return [PY, "-c", BARE, str(root)], {
        "C load, no gc": [PY, "-c", BARE_NO_GC, str(root)],
        "fast reader": [PY, "-c", BARE_FAST, str(root)],
    }


def row_of(case: Case, reference: dict[str, float], label: str) -> dict[str, object]:
    ratio, wall = statistics.median(case.ratios), statistics.median(case.walls)
    name = f"{case.name} / {label}"
    print(
        f"{name:<58} {wall:>8.3f}s {max(case.peaks):>7.1f}MiB"
        f" | ref {reference['seconds']:>8.3f}s {reference['peak_mib']:>7.1f}MiB"
        f" | ratio {ratio:.3f} ({min(case.ratios):.3f}-{max(case.ratios):.3f})"
        + "".join(
            f" | / {other} {statistics.median(r):.3f} ({min(r):.3f}-{max(r):.3f})"
            for other, r in case.more.items()
        )
        + (
            f" | before {statistics.median(case.base_ratios):.3f}"
            f" ({min(case.base_ratios):.3f}-{max(case.base_ratios):.3f})"
            f" {statistics.median(case.base_walls):.3f}s {max(case.base_peaks):.1f}MiB"
            if case.base_ratios
            else (f" | before: {case.base_refused}" if case.base_refused else "")
        ),
        flush=True,
    )
    more = {
        other: {
            "ratio": round(statistics.median(r), 3),
            "ratio_spread": [round(min(r), 3), round(max(r), 3)],
        }
        for other, r in case.more.items()
    }
    before = (
        {
            "before": {
                "seconds": round(statistics.median(case.base_walls), 3),
                "peak_mib": round(max(case.base_peaks), 1),
                "ratio": round(statistics.median(case.base_ratios), 3),
                "ratio_spread": [round(min(case.base_ratios), 3), round(max(case.base_ratios), 3)],
            }
        }
        if case.base_ratios
        else ({"before": {"refused": case.base_refused}} if case.base_refused else {})
    )
    return {
        **before,
        **({"ratio_to": more} if more else {}),
        "name": name,
        "ours": {"seconds": round(wall, 3), "peak_mib": round(max(case.peaks), 1)},
        "reference": {"seconds": reference["seconds"], "peak_mib": round(reference["peak_mib"], 1)},
        "ratio": round(ratio, 3),
        "ratio_spread": [round(min(case.ratios), 3), round(max(case.ratios), 3)],
    }


def ours_vs(name: str, ours: list[str], ref: list[str], repeat: int) -> dict[str, object]:
    """One command of ours against one reference, in ``repeat`` rounds."""
    mine, theirs = name.split(" / ", 1)
    case = Case(mine, ours)
    return row_of(case, rounds(ref, [case], repeat), theirs)


ONLY: tuple[str, ...] = ()  # --only: the names (beginnings) of the cases to run


def chosen(name: str) -> bool:
    return not ONLY or name.startswith(ONLY)


def okrbsc(*args: str) -> list[str]:
    return [str(BIN / "okrbsc"), *args]


def has_command(*args: str) -> bool:
    try:
        return subprocess.run(okrbsc(*args, "--help"), capture_output=True).returncode == 0
    except OSError:
        return False


def _empty(folder: Path) -> None:
    """Empty a cache folder, and the baseline's beside it (see baseline_of)."""
    for each in (folder, Path(f"{folder}-before")):
        shutil.rmtree(each, ignore_errors=True)


def _edit_one_file(path: Path) -> Callable[[], None]:
    """Change one team file's bytes before each run (a comment with a counter)."""
    original = path.read_text(encoding="utf-8")
    count = [0]

    def edit() -> None:
        count[0] += 1
        path.write_text(original + f"# edit {count[0]}\n", encoding="utf-8")

    return edit


def _edit_one_value(path: Path) -> Callable[[], None]:
    """Change one key result's target before each run (a value, not a comment: the
    file's meaning changes, so nothing of its last reading may be kept)."""
    original = path.read_text(encoding="utf-8")
    count = [0]

    def edit() -> None:
        count[0] += 1
        text = original.replace(
            "        target: 20.0\n", f"        target: {20 + count[0] % 7}.5\n", 1
        )
        path.write_text(text, encoding="utf-8")

    return edit


def variant(teams: int, work: Path, kind: str) -> Path:
    """The generated repo of ``teams`` teams, changed: ``findings``, one team file in
    ten has an objective whose title holds a digit (O107, a warning); ``slow``, every
    team file has a tab in a comment, which no fast reader takes."""
    root = work / f"repo-{teams}-{kind}"
    if (root / ".complete").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    generate(root, teams)
    for team in range(teams):
        path = root / f"okrs/2026/Q3/t{team}.yaml"
        text = path.read_text(encoding="utf-8")
        if kind == "findings" and team % 10 == 0:
            text = text.replace("experience better", "experience 2x better", 1)
        elif kind == "slow":
            text = text.replace("objectives:\n", "objectives:  #\tfrom the planning day\n", 1)
        path.write_text(text, encoding="utf-8")
    (root / ".complete").write_text("")
    return root


def size_cases(teams: int, root: Path, work: Path) -> list[Case]:
    common = ["--repo", str(root), "--as-of", "2026-10-15"]
    xdg, empty = work / f"xdg-{teams}", work / f"xdg-empty-{teams}"
    env = {**os.environ, "XDG_CACHE_HOME": str(xdg)}
    cold = ["--no-cache"]
    fill = okrbsc("lint", *common, "-q")
    for cmd, its_env in (fill, env), baseline_of(fill, env) or (fill, env):
        subprocess.run(cmd, env=its_env, capture_output=True)  # fill
    cases = [
        Case("lint cold", okrbsc("lint", *common, "-q", *cold)),
        Case(
            "lint, filling an empty cache",
            okrbsc("lint", *common, "-q"),
            lambda: _empty(empty),
            {**env, "XDG_CACHE_HOME": str(empty)},
        ),
        Case("lint warm, nothing changed", okrbsc("lint", *common, "-q"), env=env),
        Case(
            "lint warm, one file changed",
            okrbsc("lint", *common, "-q"),
            _edit_one_file(root / "okrs/2026/Q3/t1.yaml"),
            env,
            shared_before=True,
        ),
        Case("score --format json", okrbsc("score", "2026-Q3", *common, "--format", "json", *cold)),
        Case(
            "report --format html",
            okrbsc(
                "report", "2026-Q3", *common, "--format", "html", "--out", str(work / "r"), *cold
            ),
        ),
        Case("status", okrbsc("status", "2026-Q3", *common, *cold)),
        Case(
            "status on a terminal",
            okrbsc("status", "2026-Q3", *common, *cold),
            env={**os.environ, "FORCE_COLOR": "1", "COLUMNS": "120"},
        ),
        Case(
            "lint warm, one value edited",
            okrbsc("lint", *common, "-q"),
            _edit_one_value(root / "okrs/2026/Q3/t2.yaml"),
            env,
            shared_before=True,
        ),
    ]
    for kind, name in (("findings", "10% of files with a finding"), ("slow", "tab in a comment")):
        other = ["--repo", str(variant(teams, work, kind)), "--as-of", "2026-10-15"]
        cases.append(Case(f"lint cold, {name}", okrbsc("lint", *other, "-q", *cold)))
    for command in ("remind", "digest"):
        if has_command(command):
            cases.append(Case(command, okrbsc(command, *common, "--format", "md")))
    return cases


def bench_size(
    teams: int, repeat: int, work: Path, yamllint_up_to: int = 10**9
) -> list[dict[str, object]]:
    root = work / f"repo-{teams}"
    if not root.exists():
        generate(root, teams, big_file=teams >= 1000)
    size = sum(p.stat().st_size for p in root.rglob("*.yaml")) / 2**20
    print(f"\n== {teams} teams, {size:.1f} MiB of YAML ({repeat} rounds)")
    cases = [case for case in size_cases(teams, root, work) if chosen(case.name)]
    reference = rounds(*bare_refs(root)[:1], cases, repeat, bare_refs(root)[1])
    rows = [row_of(case, reference, f"bare C load ({teams} teams)") for case in cases]
    if cases and cases[0].name == "lint cold":
        per_mib = max(cases[0].peaks) / size
        print(
            f"peak memory of cold lint: {per_mib:.1f} MiB per MiB of YAML (target {MEMORY_TARGET})"
        )
        rows[0]["peak_mib_per_mib_yaml"] = round(per_mib, 1)
    for case, row in zip(cases, rows, strict=True):
        if case.name.startswith("lint cold, "):  # its own repo: about the same size
            row["peak_mib_per_mib_yaml"] = round(max(case.peaks) / size, 1)
            print(f"peak memory of {case.name}: {row['peak_mib_per_mib_yaml']} MiB per MiB")
    if has_command("export") and has_command("import") and chosen("import"):
        rows += bench_sheets(teams, repeat, work)
    yamllint = shutil.which("yamllint", path=str(BIN)) or shutil.which("yamllint")
    if yamllint and teams <= yamllint_up_to and not ONLY:
        lint_case = Case("lint cold", okrbsc("lint", "--repo", str(root), "--as-of", "2026-10-15"))
        ref = rounds([yamllint, "-d", "relaxed", str(root)], [lint_case], 1)
        rows.append(row_of(lint_case, ref, f"yamllint ({teams} teams)"))
    for row in rows:
        row["teams"], row["mib"] = teams, round(size, 1)
    return rows


def bench_sheets(teams: int, repeat: int, work: Path) -> list[dict[str, object]]:
    """`export` against `score --format json` (the same scoring, no files), and
    `import` of the unchanged export (every check-in compared, no byte written)
    against a bare C load of the YAML."""
    root = work / f"repo-{teams}"
    common = ["--repo", str(root), "--as-of", "2026-10-15"]
    score = okrbsc("score", "2026-Q3", *common, "--format", "json")
    book, folder = work / f"export-{teams}.xlsx", work / f"export-{teams}-csv"
    rows = [
        ours_vs(f"export xlsx ({teams}) / score --format json",
                okrbsc("export", "2026-Q3", *common, "--out", str(book)), score, repeat),
        ours_vs(f"export csv ({teams}) / score --format json",
                okrbsc("export", "2026-Q3", *common, "--format", "csv", "--out", str(folder)),
                score, repeat),
    ]  # fmt: skip
    bare, extra = bare_refs(root)
    size = sum(p.stat().st_size for p in root.rglob("*.yaml")) / 2**20
    imports = [Case(f"import {name} unchanged ({teams})", okrbsc("import", str(path), *common),
                    ok=(0,))
               for name, path in (("xlsx", book), ("csv", folder))]  # fmt: skip
    reference = rounds(bare, imports, repeat, extra)
    for case in imports:
        row = row_of(case, reference, "bare C load")
        row["peak_mib_per_mib_yaml"] = round(max(case.peaks) / size, 1)
        print(f"peak memory of {case.name}: {row['peak_mib_per_mib_yaml']} MiB per MiB of YAML")
        rows.append(row)
    return rows


GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "b@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "b@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, env=GIT_ENV, check=True, capture_output=True)


def bench_history(teams: int, commits: int, repeat: int, work: Path) -> dict[str, object]:
    """A repo of ``teams`` teams, then ``commits`` commits each moving one key
    result's target (every tenth one T0O0K0's, the one whose history is asked)."""
    root = work / f"history-{teams}-{commits}"
    if not (root / ".complete").exists():
        shutil.rmtree(root, ignore_errors=True)
        generate(root, teams)
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "start")
        for k in range(1, commits):
            team = 0 if k % 10 == 0 else k % teams
            path = root / f"okrs/2026/Q3/t{team}.yaml"
            text = path.read_text()
            text, n = re.subn(
                r"(O0K0\n(?:.*\n){2}        target: )([0-9.]+)",
                lambda m, k=k: f"{m.group(1)}{20 + k / 10:.1f}",
                text,
                count=1,
            )
            assert n == 1, path
            path.write_text(text)
            git(root, "commit", "-qam", f"change {k}")
        (root / ".complete").write_text("")
    print(f"\n== history: {teams} teams, {commits} commits")
    case = Case(
        "history",
        okrbsc(
            "history", "T0O0K0", "--repo", str(root), "--as-of", "2026-10-15", "--format", "json"
        ),
    )
    ref = rounds(["git", "-C", str(root), "log", "-p", "--no-color", "--", "."], [case], repeat)
    row = row_of(case, ref, f"git log -p ({teams} teams, {commits} commits)")
    row["teams"], row["commits"] = teams, commits
    return row


PULL_AS_OF = "2026-10-15"
PULL_ENGINES = {
    "DuckDB file": ('{url: "duckdb:///data/checkins.duckdb"}', "checkins"),
    "CSV via DuckDB": ('{url: "duckdb:"}', "'data/checkins.csv'"),
}


def sourced_repo(root: Path, teams: int, engine: str) -> None:
    """The benchmark repo with one sourced key result per team (``T{n}O0K0``): its own
    query on one table of check-ins holding the 13 the file has (unchanged) and one of
    2026-09-30 (added)."""
    generate(root, teams)
    url, table = PULL_ENGINES[engine]
    with (root / "okrbsc.yaml").open("a", encoding="utf-8") as f:
        f.write(f"sources:\n  metrics: {url}\n")
    rows = ["kr,day,value"]
    checkin = re.compile(r"\{date: (\S+), value: ([0-9.]+),")
    for team in range(teams):
        path = root / f"okrs/2026/Q3/t{team}.yaml"
        text = path.read_text(encoding="utf-8")
        kr = f"T{team}O0K0"
        days = checkin.findall(text.split(f"id: {kr}\n", 1)[1].split("      - id: ", 1)[0])
        rows += [f"{kr},{day},{value}" for day, value in days]
        rows.append(f"{kr},2026-09-30,{float(days[-1][1]) + 0.5:.2f}")
        query = f"select day, value from {table} where kr = '{kr}'"
        source = f'        source: {{from: metrics, query: "{query}"}}\n'
        path.write_text(text.replace("        unit: pct\n", "        unit: pct\n" + source, 1))
    (root / "data").mkdir()
    (root / "data/checkins.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    import duckdb

    con = duckdb.connect(str(root / "data/checkins.duckdb"))
    con.execute(f"create table checkins as select * from '{root / 'data/checkins.csv'}'")
    con.close()


def bench_pull(teams: int, repeat: int, work: Path) -> list[dict[str, object]]:
    """`okrbsc pull` of ``teams`` sourced key results per engine, paired in rounds with
    the bare C load: a dry run, and a pull writing every team file (a fresh copy each)."""
    rows: list[dict[str, object]] = []
    for n, engine in enumerate(PULL_ENGINES):
        root, copy = work / f"pull-{teams}-{n}", work / f"pull-{teams}-{n}-write"
        if not (root / ".complete").exists():
            shutil.rmtree(root, ignore_errors=True)
            sourced_repo(root, teams, engine)
            (root / ".complete").write_text("")
        print(f"\n== pull: {teams} sourced key results on {teams} teams, {engine}")
        common = ["2026-Q3", "--as-of", PULL_AS_OF, "-q"]

        def fresh_copy(root: Path = root, copy: Path = copy) -> None:
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(root, copy)

        cases = [
            Case(f"pull --dry-run ({engine})", okrbsc("pull", "--repo", str(root), "--dry-run", *common)),
            Case(f"pull writing {teams} files ({engine})", okrbsc("pull", "--repo", str(copy), *common),
                 before=fresh_copy),
        ]  # fmt: skip
        reference = rounds([PY, "-c", BARE, str(root)], cases, repeat)
        rows += [row_of(case, reference, f"bare C load ({teams} teams)") for case in cases]
    return rows


TRACKER_ISSUES = 150  # per key result's milestone: two pages of GitHub's 100


def tracked_repo(root: Path, teams: int, url: str) -> None:
    """The benchmark repo with one GitHub-fed key result per team (``T{n}O0K0``):
    the closed issues of milestone v1 of its own repo ``acme/r{n}``."""
    generate(root, teams)
    with (root / "okrbsc.yaml").open("a", encoding="utf-8") as f:
        f.write(f"sources:\n  gh: {{github: {{api_url: '{url}', token_env: GITHUB_TOKEN}}}}\n")
    for team in range(teams):
        path = root / f"okrs/2026/Q3/t{team}.yaml"
        text = path.read_text(encoding="utf-8")
        source = f'        source: {{from: gh, repo: acme/r{team}, milestone: "v1"}}\n'
        path.write_text(text.replace("        unit: pct\n", "        unit: pct\n" + source, 1))


def bench_trackers(krs: int, repeat: int, work: Path) -> list[dict[str, object]]:
    """`okrbsc pull 2026-Q3` of ``krs`` GitHub-fed key results against the fake GitHub of
    the tests on 127.0.0.1 (each a milestone of TRACKER_ISSUES issues in pages of 100, and
    its milestone list): a dry run, and a pull writing every team file."""
    sys.path.insert(0, str(ROOT))
    from tests.fake_trackers import GITHUB_TOKEN, Fake, serve

    fake = Fake(page_size=100)
    for n in range(krs):
        name = f"acme/r{n}"
        fake.gh_repo(name, milestones=["v0", "v1"])
        for i in range(TRACKER_ISSUES):
            closed = f"2026-08-{1 + i % 28:02d}" if i % 3 else None
            fake.gh_issue(name, f"2026-06-{1 + i % 28:02d}", closed, milestone="v1")
    rows: list[dict[str, object]] = []
    with serve(fake):
        root, copy = work / f"trackers-{krs}", work / f"trackers-{krs}-write"
        shutil.rmtree(root, ignore_errors=True)
        tracked_repo(root, krs, fake.url)
        print(
            f"\n== pull: {krs} GitHub-fed key results ({TRACKER_ISSUES} issues each), fake GitHub"
        )
        common = ["2026-Q3", "--as-of", PULL_AS_OF, "-q"]
        env = {**os.environ, "GITHUB_TOKEN": GITHUB_TOKEN}

        def fresh_copy() -> None:
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(root, copy)

        cases = [
            Case("pull --dry-run (GitHub)", okrbsc("pull", "--repo", str(root), "--dry-run", *common),
                 env=env),
            Case(f"pull writing {krs} files (GitHub)", okrbsc("pull", "--repo", str(copy), *common),
                 before=fresh_copy, env=env),
        ]  # fmt: skip
        before = len(fake.requests)
        reference = rounds([PY, "-c", BARE, str(root)], cases, repeat)
        for case in cases:
            row = row_of(case, reference, f"bare C load ({krs} teams)")
            runs = 2 * repeat * (2 if BASELINE else 1)
            row["requests_per_run"] = (len(fake.requests) - before) // runs
            rows.append(row)
    print(f"   {rows[0]['requests_per_run']} HTTP requests a run")
    return rows


def unit_group(work: Path, units: int, teams: int) -> Path:
    """A group repo over ``units`` unit repos of ``teams`` teams each (real git
    repositories beside it), with one measure rolled up from every unit's F0-m1;
    locked and synced, as `okrbsc units lock` and `units sync` leave it."""
    group = work / f"group-{units}x{teams}"
    if (group / ".complete").exists():
        return group
    shutil.rmtree(work / f"units-{units}x{teams}", ignore_errors=True)
    shutil.rmtree(group, ignore_errors=True)
    for n in range(units):
        unit = work / f"units-{units}x{teams}" / f"u{n}"
        generate(unit, teams)
        git(unit, "init", "-q", "-b", "main")
        git(unit, "add", "-A")
        git(unit, "commit", "-qm", f"unit {n}")
    group.mkdir(parents=True)
    listed = "\n".join(
        f"  - {{id: u{n}, repo: ../units-{units}x{teams}/u{n}}}" for n in range(units)
    )
    (group / "okrbsc.yaml").write_text(
        f"organisation: Group\nteams:\n  - {{id: group, name: Group}}\nunits:\n{listed}\n"
    )
    parts = ", ".join(f"u{n}:F0-m1" for n in range(units))
    (group / "scorecard.yaml").write_text(
        "kind: scorecard\nobjectives:\n  - id: F1\n    perspective: financial\n"
        "    title: Grow the group\n    measures:\n"
        f"      - {{id: F1-sum, name: Sum, baseline: 200, target: 400, "
        f"rollup: {{of: [{parts}], by: sum}}}}\n"
    )
    git(group, "init", "-q", "-b", "main")
    for step in (["units", "lock"], ["units", "sync"]):
        subprocess.run(okrbsc(*step, "--repo", str(group)), check=True, stdout=subprocess.DEVNULL)
    (group / ".complete").write_text("")
    return group


def bench_units(units: int, teams: int, repeat: int, work: Path) -> list[dict[str, object]]:
    """SPEC 18.3: the group's `score --format json` over ``units`` units of ``teams``
    teams, paired in rounds with a cold `lint` of one unit (the goal: at most 2x).
    Cold: an empty cache, every unit read and scored at its commit; warm: the units'
    commits already in the cache, as on every run after the first."""
    group = unit_group(work, units, teams)
    one = work / f"units-{units}x{teams}" / "u0"
    print(f"\n== units: a group of {units} units of {teams} teams")
    cache = work / "units-cache"
    cold_env = {**os.environ, "XDG_CACHE_HOME": str(cache / "cold")}
    warm_env = {**os.environ, "XDG_CACHE_HOME": str(cache / "warm")}
    score = okrbsc("score", "2026-Q3", "--repo", str(group), "--as-of", "2026-08-15",
                   "--format", "json")  # fmt: skip
    for cmd, its_env in (score, warm_env), baseline_of(score, warm_env) or (score, warm_env):
        subprocess.run(cmd, env=its_env, check=True, stdout=subprocess.DEVNULL)
    cases = [
        Case("group score, units cold", score, env=cold_env,
             before=lambda: _empty(cache / "cold")),
        Case("group score, units cached", score, env=warm_env),
    ]  # fmt: skip
    ref = okrbsc("lint", "--repo", str(one), "--as-of", "2026-08-15", "--no-cache")
    reference = rounds(ref, cases, repeat)
    return [row_of(case, reference, f"cold lint of one unit ({teams} teams)") for case in cases]


def startup(repeat: int) -> list[dict[str, object]]:
    typer_app = [PY, str(HERE / "minimal_typer_app.py")]
    print("== start-up")
    # what users run is the console script `okrbsc`; `python -m okrbsc` beside it
    help_cases = [Case("okrbsc --help", okrbsc("--help")),
                  Case("python -m okrbsc --help", [PY, "-m", "okrbsc", "--help"])]  # fmt: skip
    ref = rounds([*typer_app, "--help"], help_cases, repeat)
    rows = [row_of(case, ref, "minimal Typer --help") for case in help_cases]
    examples = ["--repo", str(ROOT / "examples"), "--as-of", "2026-11-20", "--no-cache"]
    lint_cases = [Case("lint examples/", okrbsc("lint", *examples)),
                  Case("python -m okrbsc lint examples/", [PY, "-m", "okrbsc", "lint", *examples])]  # fmt: skip
    ref = rounds([*typer_app, "hello"], lint_cases, repeat)
    return [*rows, *(row_of(case, ref, "minimal Typer command") for case in lint_cases)]


def summary(rows: list[dict[str, object]], teams: int) -> None:
    """Every ratio of the issue's target table, for the largest size run."""
    print(f"\n== targets ({teams} teams; --help against the Typer app)")
    print(f"{'command':<32} {'ratio':>7} {'spread':>15} {'target':>7}  met?  before")
    for name, target in TARGETS.items():
        for row in rows:
            named = str(row["name"]).startswith((name + " /", name + " ("))
            if named and row.get("teams") in (teams, None):
                low, high = json.loads(json.dumps(row["ratio_spread"]))
                ratio = float(str(row["ratio"]))
                met = "yes" if ratio <= target else "no"
                old = row.get("before") or {}
                was = f"{old['ratio']:.3f}" if "ratio" in old else ("refused" if old else "")
                print(
                    f"{name:<32} {ratio:>7.3f} {low:>7.3f}-{high:<7.3f} {target:>7.2f}  {met:<4}  {was}"
                )
                break
    walls = {str(r["name"]).split(" / ")[0]: r for r in rows if r.get("teams") == teams}
    for command in ("remind", "digest"):
        if command in walls and "score --format json" in walls:
            ours = float(str(walls[command]["ours"]["seconds"]))  # type: ignore[index]
            score = float(str(walls["score --format json"]["ours"]["seconds"]))  # type: ignore[index]
            met = "yes" if ours <= score else "no"
            print(
                f"{command} / score --format json (seconds, medians): {ours / score:.3f} (target 1.0) {met}"
            )
    for row in rows:
        if "peak_mib_per_mib_yaml" in row:
            per = float(str(row["peak_mib_per_mib_yaml"]))
            what = str(row["name"]).split(" / ")[0]
            target = next(
                (t for name, t in MEMORY_TARGETS.items() if what.startswith(name)), MEMORY_TARGET
            )
            met = "yes" if per <= target else "no"
            print(
                f"peak MiB per MiB YAML, {what} ({row['teams']} teams): {per} (target {target:g}) {met}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark okrbsc against reference tools.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "okrbsc-bench")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument(
        "--history",
        type=int,
        nargs=2,
        default=[100, 100],
        metavar=("TEAMS", "COMMITS"),
        help="size of the history benchmark (0 0: none)",
    )
    parser.add_argument(
        "--yamllint-up-to", type=int, default=10**9, metavar="TEAMS", help="skip yamllint above"
    )
    parser.add_argument(
        "--pull",
        type=int,
        default=1000,
        metavar="TEAMS",
        help="size of the pull benchmark (0: none)",
    )
    parser.add_argument(
        "--units",
        type=int,
        nargs=2,
        default=[20, 100],
        metavar=("UNITS", "TEAMS"),
        help="size of the business-units benchmark (0 0: none)",
    )
    parser.add_argument(
        "--trackers",
        type=int,
        default=100,
        metavar="KRS",
        help="key results of the tracker pull benchmark (0: none)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="VENV",
        help="a virtual environment with an earlier okrbsc: each command runs with both, "
        "in the same rounds (before and after)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        default=[],
        metavar="NAME",
        help="run only the cases of each size whose names begin so (e.g. 'lint warm')",
    )
    args = parser.parse_args()
    global BASELINE, ONLY
    ONLY = tuple(args.only)
    BASELINE = args.baseline.resolve() / "bin" if args.baseline else None
    args.work.mkdir(parents=True, exist_ok=True)
    rows = startup(args.repeat * 3) if chosen("lint examples/") or chosen("okrbsc --help") else []
    for teams in args.sizes:
        rows += bench_size(teams, args.repeat, args.work, args.yamllint_up_to)
    if has_command("history") and args.history[0] > 0:
        rows.append(bench_history(*args.history, args.repeat, args.work))
    if has_command("pull") and args.pull > 0:
        rows += bench_pull(args.pull, args.repeat, args.work)
    if has_command("pull") and args.trackers > 0:
        rows += bench_trackers(args.trackers, args.repeat, args.work)
    if has_command("units") and args.units[0] > 0:
        rows += bench_units(*args.units, args.repeat, args.work)
    summary(rows, max(args.sizes))
    if LOADS:
        print(
            f"machine load (1-minute average at each round's start): median "
            f"{statistics.median(LOADS):.2f}, {min(LOADS):.2f}-{max(LOADS):.2f}, {os.cpu_count()} cores"
        )
        rows.append({"name": "machine load", "load_1min": [round(x, 2) for x in LOADS]})
    args.out.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
