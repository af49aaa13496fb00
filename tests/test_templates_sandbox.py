"""SPEC 12.1: `--templates` render in Jinja's sandbox. A template that reaches
for Python objects, modules or files gets a clear error naming the template
and its line (exit 2), and runs nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import BASE_AS_OF, EXAMPLES, in_process, run_cli

ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}",
    "{{ joiner.__init__.__globals__['os'].system('touch {marker}') }}",
    "{{ lipsum.__globals__['os'].system('touch {marker}') }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
    "{{ '{0.__class__.__base__}'.format('') }}",
    "{{ self._TemplateReference__context }}",
    "{{ result.__class__.__init__.__globals__['sys'].modules['os'].system('touch {marker}') }}",
]


@pytest.mark.parametrize("escape", ESCAPES)
def test_an_escaping_template_is_refused_by_name_and_runs_nothing(
    base_repo: Path, tmp_path: Path, escape: str
) -> None:
    marker = tmp_path / "ran"
    templates = tmp_path / "templates"
    templates.mkdir()
    line = escape.replace("{marker}", str(marker))
    (templates / "report.md.j2").write_text(f"# Report\n{line}\n", encoding="utf-8")
    out = tmp_path / "out"
    run = run_cli if escape == ESCAPES[1] else in_process  # one that runs a command, for real
    proc = run(
        "report", "2026-Q3", "--format", "md", "--templates", str(templates), "--out", str(out),
        "--repo", str(base_repo), "--as-of", BASE_AS_OF,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"template {templates}/report.md.j2:2: " in proc.stderr
    assert "unsafe" in proc.stderr and "data and filters only" in proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    assert not marker.exists()
    assert not (out / "2026-Q3.md").exists()


def test_a_broken_template_is_named_with_its_line(base_repo: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "report.md.j2").write_text("ok\n{% if x %}\n", encoding="utf-8")
    proc = in_process(
        "report", "2026-Q3", "--format", "md", "--templates", str(templates),
        "--out", str(tmp_path / "out"), "--repo", str(base_repo), "--as-of", BASE_AS_OF,
    )  # fmt: skip
    assert proc.returncode == 2
    assert f"template {templates}/report.md.j2:2: Unexpected end of template" in proc.stderr


def test_a_template_using_the_data_and_filters_renders(base_repo: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "report.md.j2").write_text(
        "# {{ organisation | md }} {{ period }}: {{ result.score | num }}\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    proc = run_cli(
        "report", "2026-Q3", "--format", "md", "--templates", str(templates), "--out", str(out),
        "--repo", str(base_repo), "--as-of", BASE_AS_OF,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (out / "2026-Q3.md").read_text(encoding="utf-8").startswith("# Base Co 2026-Q3: 0.")


@pytest.mark.parametrize(
    ("period", "as_of"), [("2026-Q3", "2026-10-15"), ("2026-Q4", "2026-11-20")]
)
def test_our_templates_render_the_same_without_the_sandbox(
    tmp_path: Path, period: str, as_of: str
) -> None:
    """okrbsc's own templates alone render in Jinja's plain environment; a report with
    a --templates folder renders every template in the sandbox, ours too where the
    folder falls back to them (here it has none), to the very same text."""
    from jinja2.sandbox import SandboxedEnvironment

    from okrbsc.render.report import FORMATS, context, environment
    from okrbsc.render.sandbox import render
    from okrbsc.session import Session

    session = Session(EXAMPLES, as_of, quiet=True, cache=False)
    data = context(session.readable_repo(), session.scored(period))
    ours, folder = environment(None), environment(tmp_path)
    assert not isinstance(ours, SandboxedEnvironment)
    assert isinstance(folder, SandboxedEnvironment) and folder.limited
    for fmt in FORMATS:
        text = render(ours, f"report.{fmt}.j2", data)
        assert text == render(folder, f"report.{fmt}.j2", data)
        assert len(text) > 5000 and "Engineering" in text
