"""SPEC 12.3: templates are bounded. `okrbsc report --templates DIR` reads templates
only from DIR, resolved; a render of the user's templates stops past 10 s of CPU
time or 64 MiB of output; huge numbers, string repetition and runaway loops,
a template that includes or extends itself and a recursive macro end in an
error naming the template (exit 2), never an internal error, without taking
the machine's memory. Each hostile folder runs okrbsc as a child process whose
peak memory (``ru_maxrss`` from ``wait4``) and time are measured; the three kinds
of runaway loop also run in process against the CPU bound set to 1 s, and the
memory a loop of tiny chunks holds is measured on the output stream itself."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import BASE_AS_OF, CODE_ENV

SECRET = "s3cr3t-in-the-environment"
#: no refusal may hold more than this (the address-space ceiling is 512 MiB over the start)
PEAK_MIB = 320

LAUNCHER = """
import json, resource, subprocess, sys, time
started = time.monotonic()
done = subprocess.run(sys.argv[2:])
seconds = time.monotonic() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
json.dump({"code": done.returncode, "peak_kib": peak, "seconds": seconds}, open(sys.argv[1], "w"))
"""


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mib: float


def report(repo: Path, templates: Path, out: Path) -> Run:
    """`okrbsc report --templates` as a child process: its exit, output, time and peak RSS."""
    argv = [sys.executable, "-m", "okrbsc", "report", "2026-Q3", "--format", "md"]
    argv += ["--templates", str(templates), "--out", str(out)]
    argv += ["--repo", str(repo), "--as-of", BASE_AS_OF]
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "OKRBSC_TEST_SECRET": SECRET, **CODE_ENV}
    stdout, stderr = out.parent / "stdout.txt", out.parent / "stderr.txt"
    figures = out.parent / "figures.json"
    # started by a small launcher: a child forked straight from this (large) test process
    # would report the test process's own peak as its ru_maxrss
    launched = [sys.executable, "-c", LAUNCHER, str(figures), *argv]
    with stdout.open("w") as o, stderr.open("w") as e:
        subprocess.run(launched, stdout=o, stderr=e, env=env, timeout=300)
    measured = json.loads(figures.read_text())
    seconds, peak = measured["seconds"], measured["peak_kib"] / 1024  # KiB on Linux
    run = Run(measured["code"], stdout.read_text(), stderr.read_text(), seconds, peak)
    case = os.environ.get("PYTEST_CURRENT_TEST", "").split("::")[-1].split(" ")[0]
    print(f"\n{case}: exit {run.returncode}, {seconds:.2f} s, peak {peak:.1f} MiB")
    return run


def folder(tmp_path: Path, **templates: str) -> Path:
    where = tmp_path / "tpl"
    where.mkdir()
    for name, text in templates.items():
        (where / name.replace("_", ".")).write_text(text + "\n", encoding="utf-8")
    return where


def assert_refused(run: Run, templates: Path, *words: str, name: str = "report.md.j2") -> None:
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert f"okrbsc: error: template {templates / name}" in run.stderr, run.stderr
    for word in words:
        assert word in run.stderr, run.stderr
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr
    assert run.peak_mib < PEAK_MIB, run.peak_mib


HOSTILE = {
    "repeat": ("{{ 'x' * 3000000000 }}", ["repeated 3,000,000,000 times", "64 MiB"]),
    "list": ("{{ [0] * 1000000 * 1000 }}", ["list of length 1,000,000", "64 MiB"]),
    "power": ("{{ 10 ** 10000000 }}", ["10 ** 10000000 has over 65,536 bits"]),
    "squares": (
        "{% set ns = namespace(n=3) %}{% for i in range(40) %}"
        "{% set ns.n = ns.n * ns.n %}{% endfor %}{{ ns.n }}",
        ["a product of over 65,536 bits"],
    ),
    "float": ("{{ 10.0 ** 10000 }}", ["cannot compute: Numerical result out of range"]),
    "range": (
        "{% for a in range(10**9) %}{% for b in range(10**9) %}x{% endfor %}{% endfor %}",
        ["range of 1000000000 items: the limit is 100000"],
    ),
    "doubling": (
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
        ["64 MiB"],
    ),
    "plus": (
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
        "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}",
        ["+ would pass the output limit of 64 MiB"],
    ),
    "center": ("{{ 'x'|center(3000000000) }}", ["center(3,000,000,000)"]),
    "method": ("{{ 'x'.rjust(3000000000) }}", ["rjust(3,000,000,000)"]),
    "percent": ("{{ '%3000000000d' % 1 }}", ["a format width"]),
    "format": ("{{ '{:>3000000000}'.format(1) }}", ["a format width"]),
    "replace": ("{{ ('x' * 60000000)|replace('x', 'yy') }}", ["replace would pass"]),
    "output": (
        "{% for a in range(100000) %}{{ 'x' * 60000000 }}{% endfor %}",
        ["wrote more than 64 MiB"],
    ),
    "self_include": ("{% include 'report.md.j2' %}", ["nests more than 64 deep"]),
    "self_extends": ("{% extends 'report.md.j2' %}", ["nests more than 64 deep"]),
    "macro": (
        "{% macro m(x) %}{{ m(x) }}{% endmacro %}{{ m(1) }}",
        ["m nests more than 64 deep", "call itself"],
    ),
    "append": (
        "{% set l = [] %}{% for a in range(100000) %}{% for b in range(100000) %}"
        "{{ l.append(a) }}{% endfor %}{% endfor %}",
        ["attribute 'append' of 'list' object is unsafe", "data and filters only"],
    ),
    "mutate": (
        "{{ alignment.clear() }}",
        ["attribute 'clear' of 'list' object is unsafe", "data and filters only"],
    ),
    "up": ("{% include '../secret.j2' %}", ["report.md.j2:1: ../secret.j2 not found"]),
    "absolute": ("{% include '/etc/hostname' %}", ["report.md.j2:1: /etc/hostname not found"]),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_template_ends_in_an_error_naming_it(
    base_repo: Path, tmp_path: Path, case: str
) -> None:
    text, words = HOSTILE[case]
    (tmp_path / "secret.j2").write_text(SECRET, encoding="utf-8")
    templates = folder(tmp_path, report_md_j2=text)
    run = report(base_repo, templates, tmp_path / "out")
    assert_refused(run, templates, *words)
    assert SECRET not in run.stdout + run.stderr
    assert not (tmp_path / "out" / "2026-Q3.md").exists()


#: three loops, each stopped by its own check: the stream of output (writing), the
#: bounded range's step (silent), and the CPU timer signal alone (a string iterated)
RUNAWAY = {
    "writing": "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
    "silent": "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
    "string": "{% set s = 'x' * 50000000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
}  # fmt: skip


def test_a_runaway_loop_stops_after_10_s_of_cpu(base_repo: Path, tmp_path: Path) -> None:
    """The real bound, through the command: the loop only the CPU timer can stop."""
    templates = folder(tmp_path, report_md_j2=RUNAWAY["string"])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = report(base_repo, templates, tmp_path / "out")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert_refused(run, templates, "used more than 10 s of CPU time: stopped")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    assert 10 <= cpu < 14, cpu  # stopped at the limit, not long after


@contextmanager
def watchdog(seconds: int) -> Iterator[None]:
    """Fail, rather than hang the suite, when a loop the bound should stop runs on."""

    def ring(signum: int, frame: Any) -> None:
        raise AssertionError(f"still running after {seconds} s: the bound did not stop it")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("case", sorted(RUNAWAY))
def test_each_runaway_loop_stops_at_the_cpu_bound(
    base_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    """Each kind of loop, in process, against the same bound set to 1 s (10 s of CPU
    three times over would only repeat the test above)."""
    from okrbsc.render import sandbox

    monkeypatch.setattr(sandbox, "SECONDS", 1.0)
    templates = folder(tmp_path, report_md_j2=RUNAWAY[case])
    args = ["report", "2026-Q3", "--format", "md", "--templates", str(templates)]
    args += ["--out", str(tmp_path / "out"), "--repo", str(base_repo), "--as-of", BASE_AS_OF]
    started = time.process_time()
    with watchdog(30):
        result = CliRunner().invoke(app, args, env={"NO_COLOR": "1"})
    cpu = time.process_time() - started
    assert result.exit_code == 2, result.output
    assert f"okrbsc: error: template {templates / 'report.md.j2'}" in result.stderr
    assert "used more than 1 s of CPU time: stopped" in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert 1 <= cpu < 2.5, cpu  # stopped at the bound (the timer rings 0.5 s after), not long after
    assert not (tmp_path / "out" / "2026-Q3.md").exists()


def test_output_of_tiny_chunks_is_held_as_its_text() -> None:
    """The memory side of a loop that writes, which the 1 s runs above are too short
    to show: 1,000,000 one-letter chunks are held as blocks of text while they come
    (a list of them would hold 8 bytes a letter more), so the peak stays near the
    text itself."""
    import itertools
    import tracemalloc

    from okrbsc.render import sandbox

    letters = 1_000_000
    tracemalloc.start()
    try:
        chunks = itertools.repeat("x", letters)
        text = sandbox._stream(sandbox.BoundedSandbox(), chunks, "t.j2", sandbox.OUTPUT_BYTES)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(text) == letters
    assert peak < 3 * letters, peak


def test_a_symlink_to_the_environment_is_refused(base_repo: Path, tmp_path: Path) -> None:
    """The regression: report.md.j2 -> /proc/self/environ put the environment in the report."""
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "report.md.j2").symlink_to("/proc/self/environ")
    run = report(base_repo, templates, tmp_path / "out")
    assert_refused(run, templates, f"report.md.j2 points outside {templates}: not read")
    assert SECRET not in run.stdout + run.stderr
    assert not (tmp_path / "out").exists()


def test_an_included_symlink_out_of_the_folder_is_refused_by_name(
    base_repo: Path, tmp_path: Path
) -> None:
    (tmp_path / "secret.j2").write_text(SECRET, encoding="utf-8")
    templates = folder(tmp_path, report_md_j2="# R\n{% include 'parts/leak.j2' %}")
    (templates / "parts").mkdir()
    (templates / "parts" / "leak.j2").symlink_to(tmp_path / "secret.j2")
    run = report(base_repo, templates, tmp_path / "out")
    assert_refused(run, templates, "report.md.j2:2: parts/leak.j2 points outside")
    assert SECRET not in run.stdout + run.stderr


def test_a_fifo_is_not_opened(base_repo: Path, tmp_path: Path) -> None:
    templates = folder(tmp_path, report_md_j2="{% include 'pipe.j2' %}")
    os.mkfifo(templates / "pipe.j2")
    run = report(base_repo, templates, tmp_path / "out")
    assert_refused(run, templates, "pipe.j2 is not a regular file: not read")


def test_a_template_that_is_not_utf8_is_named(base_repo: Path, tmp_path: Path) -> None:
    templates = folder(tmp_path, report_md_j2="{% include 'latin1.j2' %}")
    (templates / "latin1.j2").write_bytes("Kündigung {{ period }}".encode("latin-1"))
    run = report(base_repo, templates, tmp_path / "out")
    assert_refused(run, templates, "report.md.j2:1: latin1.j2 cannot be read: not UTF-8")


def test_a_template_too_large_to_compile_is_not_read(base_repo: Path, tmp_path: Path) -> None:
    """Compiling 1 MiB of template takes ~10 s and ~800 MiB: over 256 KiB is refused."""
    line = "{{ period }}{% if as_of %}{{ organisation | md }}{% endif %}\n"
    templates = folder(tmp_path, report_md_j2="{% include 'big.j2' %}")
    (templates / "big.j2").write_text(line * (256 * 1024 // len(line) + 1), encoding="utf-8")
    run = report(base_repo, templates, tmp_path / "out")
    assert_refused(run, templates, "report.md.j2:1: big.j2 is over 256 KiB: not read")


def test_a_symlink_inside_the_folder_and_a_linked_folder_are_read(
    base_repo: Path, tmp_path: Path
) -> None:
    real = folder(tmp_path, report_md_j2="# {{ period }}\n{% include 'part.j2' %}", body_j2="ok")
    (real / "part.j2").symlink_to(real / "body.j2")
    linked = tmp_path / "linked"
    linked.symlink_to(real, target_is_directory=True)
    run = report(base_repo, linked, tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out" / "2026-Q3.md").read_text(encoding="utf-8") == "# 2026-Q3\nok\n"


def test_a_recursive_macro_that_ends_renders(base_repo: Path, tmp_path: Path) -> None:
    """The depth limit stops only what nests too deep: a macro 20 deep is fine."""
    text = (
        "{% macro count(n) %}{% if n > 0 %}{{ n }} {{ count(n - 1) }}{% endif %}{% endmacro %}"
        "{{ count(20) }}{{ 'ab' * 3 }} {{ 2 ** 64 }} {{ range(3)|list }} {{ range(5)|length }}"
    )
    templates = folder(tmp_path, report_md_j2=text)
    run = report(base_repo, templates, tmp_path / "out")
    assert run.returncode == 0, run.stderr
    expected = " ".join(str(n) for n in range(20, 0, -1))
    shown = (tmp_path / "out" / "2026-Q3.md").read_text(encoding="utf-8")
    assert shown == f"{expected} ababab 18446744073709551616 [0, 1, 2] 5\n"
