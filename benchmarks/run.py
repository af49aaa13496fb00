"""Benchmark okrbsc as whole processes, side by side with reference tools.

    python benchmarks/run.py                 # 10, 100, 1000 teams (generated under /tmp)
    python benchmarks/run.py --sizes 10 100  # smaller
    python benchmarks/run.py --out benchmarks/results.json

Each command runs `--repeat` times (median wall time; peak RSS of the child
from wait4). Ratios ours / reference are what we track:

* `okrbsc lint`, `score --format json`, `report --format html` against a bare
  `yaml.load(..., Loader=yaml.CSafeLoader)` of the same files;
* `okrbsc --help` against a minimal one-command Typer app's `--help`, and
  `okrbsc lint` on examples/ against that app's command;
* yamllint on the same files, when it is installed;
* `okrbsc export` (xlsx, csv) against `score --format json`, and `okrbsc
  import` of that unchanged export against the bare C load;
* `okrbsc history ID` over a git history of N commits against `git log -p`
  of the same history (what a reviewer reads without okrbsc).
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


def measure(cmd: list[str], repeat: int) -> dict[str, float]:
    """Median wall seconds and max peak RSS (MiB) of ``cmd`` run as a child."""
    walls, peaks = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        walls.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):  # 1: findings; anything else: the timing means nothing
            raise SystemExit(f"benchmark: {' '.join(cmd)} exited {code}")
    return {"seconds": round(statistics.median(walls), 3), "peak_mib": round(max(peaks), 1)}


def okrbsc(*args: str) -> list[str]:
    return [str(BIN / "okrbsc"), *args]


def ours_vs(name: str, ours: list[str], ref: list[str], repeat: int) -> dict[str, object]:
    a, b = measure(ours, repeat), measure(ref, repeat)
    row = {"name": name, "ours": a, "reference": b, "ratio": round(a["seconds"] / b["seconds"], 2)}
    print(
        f"{name:<44} {a['seconds']:>8.3f}s {a['peak_mib']:>8.1f}MiB | ref "
        f"{b['seconds']:>8.3f}s {b['peak_mib']:>8.1f}MiB | ratio {row['ratio']:.2f}",
        flush=True,
    )
    return row


def has_command(*args: str) -> bool:
    try:
        return subprocess.run(okrbsc(*args, "--help"), capture_output=True).returncode == 0
    except OSError:
        return False


def bench_size(teams: int, repeat: int, work: Path) -> list[dict[str, object]]:
    root = work / f"repo-{teams}"
    if not root.exists():
        generate(root, teams, big_file=teams >= 1000)
    size = sum(p.stat().st_size for p in root.rglob("*.yaml")) / 2**20
    print(f"\n== {teams} teams, {size:.1f} MiB of YAML")
    bare = [PY, "-c", BARE, str(root)]
    common = ["--repo", str(root), "--as-of", "2026-10-15"]
    rows = [
        ours_vs(f"lint ({teams} teams) / bare C load", okrbsc("lint", *common, "-q"), bare, repeat)
    ]
    if has_command("score"):
        rows.append(
            ours_vs(
                f"score --format json ({teams}) / bare C load",
                okrbsc("score", "2026-Q3", *common, "--format", "json"),
                bare,
                repeat,
            )
        )
    if has_command("report"):
        out = work / f"report-{teams}"
        rows.append(
            ours_vs(
                f"report --format html ({teams}) / bare C load",
                okrbsc("report", "2026-Q3", *common, "--format", "html", "--out", str(out)),
                bare,
                repeat,
            )
        )
    if has_command("export") and has_command("import"):
        rows += bench_sheets(teams, repeat, work)
    yamllint = shutil.which("yamllint", path=str(BIN)) or shutil.which("yamllint")
    if yamllint:
        rows.append(
            ours_vs(
                f"lint ({teams}) / yamllint",
                okrbsc("lint", *common, "-q"),
                [yamllint, "-d", "relaxed", str(root)],
                1,
            )
        )
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
    bare = [PY, "-c", BARE, str(root)]
    for name, path in (("xlsx", book), ("csv", folder)):
        rows.append(
            ours_vs(f"import {name} unchanged ({teams}) / bare C load",
                    okrbsc("import", str(path), *common), bare, repeat)
        )  # fmt: skip
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
    row = ours_vs(
        f"history ({teams} teams, {commits} commits) / git log -p",
        okrbsc(
            "history", "T0O0K0", "--repo", str(root), "--as-of", "2026-10-15", "--format", "json"
        ),
        ["git", "-C", str(root), "log", "-p", "--no-color", "--", "."],
        repeat,
    )
    row["teams"], row["commits"] = teams, commits
    return row


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
        help="size of the history benchmark",
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    typer_app = [PY, str(HERE / "minimal_typer_app.py")]
    print("== start-up")
    rows = [
        ours_vs(
            "okrbsc --help / minimal Typer --help",
            [PY, "-m", "okrbsc", "--help"],
            [*typer_app, "--help"],
            args.repeat * 3,
        ),
        ours_vs(
            "lint examples/ / minimal Typer command",
            [PY, "-m", "okrbsc", "lint", "--repo", str(ROOT / "examples"), "--as-of", "2026-11-20"],
            [*typer_app, "hello"],
            args.repeat * 3,
        ),
    ]
    for teams in args.sizes:
        rows += bench_size(teams, args.repeat, args.work)
    if has_command("history"):
        rows.append(bench_history(*args.history, args.repeat, args.work))
    args.out.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
