"""`okrbsc report`: golden files, real validators (Nu HTML checker, Mermaid's parser,
headless Chromium), self-containment and escaping of hostile text.

The validators come from npm and Debian (.ci/run installs them; set
OKRBSC_NODE_TOOLS to a folder whose node_modules has vnu-jar, mermaid and
jsdom). Outside CI a missing tool skips its test; in CI it fails.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import re
import select
import shutil
import struct
import subprocess
import tempfile
import threading
import time
import zlib
from pathlib import Path
from typing import IO, Any

import pytest
from typer.testing import CliRunner

from okrbsc.cli import app

from .conftest import EXAMPLES, need_tool, run_cli

GOLDEN = Path(__file__).parent / "golden"
TOOLS = Path(__file__).parent / "tools"
AS_OF = "2026-11-20"
HOSTILE = [
    "<script>alert('x')</script> & co",
    'Say "hello" | or not',
    "end",
    "subgraph classDef style",
    "Grow 🚀 revenue 📈",
    "تحسين رضا العملاء",
    "a # b ; c [d] (e) {f} <g>",
]


def node_tools() -> Path | None:
    for candidate in (os.environ.get("OKRBSC_NODE_TOOLS"), "/tmp/npmtools"):
        if candidate and (Path(candidate) / "node_modules").is_dir():
            return Path(candidate)
    return None


def vnu() -> list[str]:
    tools = node_tools()
    jar = tools / "node_modules/vnu-jar/build/dist/vnu.jar" if tools else None
    java = shutil.which("java")
    need_tool(
        str(jar) if jar and jar.is_file() and java else None,
        "the Nu HTML checker (npm vnu-jar, java)",
        "npm" if java else "java",
    )
    return [str(java), "-jar", str(jar), "--errors-only", "--also-check-css"]


def tool_script(tools: Path, source: Path, prefix: str) -> Path:
    """`source` copied into `tools` (ESM resolves from the script's folder), named by
    its content, so runs of other checkouts sharing the tools never swap a script
    under this one."""
    data = source.read_bytes()
    script = tools / f"{prefix}{hashlib.sha256(data).hexdigest()[:12]}.mjs"
    if not script.exists():
        partial = script.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(data)
        partial.replace(script)
    return script


def _text(raw: str) -> str:
    """Output as `subprocess.run(text=True)` gives it: universal newlines."""
    return raw.replace("\r\n", "\n").replace("\r", "\n")


class NodeServer:
    """One long-lived `node SCRIPT --serve SERVE_LINES` for this test process, started on first
    use: it loads jsdom and the npm package once, then answers one JSON line of
    arguments with the exit code and output a fresh `node SCRIPT ARGS...` gives.
    A reply that does not come within the timeout kills it (TimeoutExpired, as
    subprocess.run); one that dies is started again for the next call, and a call
    it died in is tried once more; it is closed when the test process exits. A
    check that throws gives exit 1, as node does, but its stack is printed by the
    server, not in node's own words for an uncaught error."""

    def __init__(self, script: Path) -> None:
        self.script = script
        self.proc: subprocess.Popen[bytes] | None = None
        self.log: IO[bytes] | None = None
        self.owner = 0
        self.lock = threading.Lock()
        atexit.register(self.close)

    def run(self, args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
        command = ["node", str(self.script), *args]
        with self.lock:
            for attempt in (1, 2):
                try:
                    reply = self._ask(args, timeout)
                except (OSError, EOFError):
                    code, stderr = self.close()
                    if attempt == 2:
                        return subprocess.CompletedProcess(command, code or 1, "", stderr)
                    continue
                if reply["exit"]:  # the server's state changed: the next call starts afresh
                    self.close()
                out, err = _text(reply["stdout"]), _text(reply["stderr"])
                return subprocess.CompletedProcess(command, reply["returncode"], out, err)
        raise AssertionError("unreachable")

    def _ask(self, args: list[str], timeout: float) -> dict[str, Any]:
        if self.proc is None or self.proc.poll() is not None or self.owner != os.getpid():
            self.close()
            self.log = tempfile.TemporaryFile()  # noqa: SIM115 (kept while the server runs)
            self.proc = subprocess.Popen(
                ["node", str(self.script), "--serve", str(TOOLS / "serve_lines.mjs")],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
            )  # fmt: skip
            self.owner = os.getpid()
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(args).encode() + b"\n")
        self.proc.stdin.flush()
        deadline, line = time.monotonic() + timeout, b""
        fd = self.proc.stdout.fileno()
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                self.close(kill=True)
                raise subprocess.TimeoutExpired(["node", str(self.script), *args], timeout)
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise EOFError
            line += chunk
        reply: dict[str, Any] = json.loads(line)
        return reply

    def close(self, kill: bool = False) -> tuple[int | None, str]:
        """Stop the server (end of input, or kill); its exit code and stderr."""
        proc, log, self.proc, self.log = self.proc, self.log, None, None
        code, stderr = None, ""
        if proc is not None and self.owner == os.getpid():
            if kill:
                proc.kill()
            for stream in (proc.stdin, proc.stdout):
                with contextlib.suppress(OSError):
                    if stream is not None:
                        stream.close()
            try:
                code = proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = proc.wait()
        if log is not None:
            log.seek(0)
            stderr = _text(log.read().decode("utf-8", "replace"))
            log.close()
        return code, stderr


_SERVERS: dict[Path, NodeServer] = {}


def node_server(script: Path) -> NodeServer:
    """The one server of `script` in this test process."""
    if script not in _SERVERS:
        _SERVERS[script] = NodeServer(script)
    return _SERVERS[script]


def mermaid_script() -> Path:
    tools = need_tool(
        str(node_tools()) if node_tools() and shutil.which("node") else None,
        "mermaid and jsdom from npm, and node",
        "npm",
    )
    return tool_script(Path(tools), TOOLS / "mermaid_check.mjs", "okrbsc_mermaid_check_")


def mermaid_check(md: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return node_server(mermaid_script()).run([os.path.abspath(md), *args])


def report(out: Path, *args: str, repo: Path = EXAMPLES) -> subprocess.CompletedProcess[str]:
    return run_cli("report", *args, "--repo", str(repo), "--as-of", AS_OF, "--out", str(out))


@pytest.fixture(scope="module")
def examples_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    proc = report(out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"wrote {out}/2026-Q4.md", f"wrote {out}/2026-Q4.html"]
    return out


@pytest.mark.parametrize("suffix", ["md", "html"])
def test_golden(examples_report: Path, suffix: str) -> None:
    actual = (examples_report / f"2026-Q4.{suffix}").read_text(encoding="utf-8")
    path = GOLDEN / f"report-2026-Q4.{suffix}"
    if os.environ.get("OKRBSC_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


def test_markdown_content(examples_report: Path) -> None:
    md = (examples_report / "2026-Q4.md").read_text(encoding="utf-8")
    for heading in (
        "## Strategy map",
        "## Scorecard",
        "## OKRs",
        "## At-risk key results",
        "## Alignment",
        "## Dependencies",
    ):
        assert f"\n{heading}\n" in md
    assert "**Mission:** Make warehouse robots anyone can deploy" in md
    assert "| Engineering | EG3.2 " in md  # the at-risk KR of the example
    assert ":::red" in md and "flowchart BT" in md


def test_html_is_self_contained(examples_report: Path) -> None:
    html = (examples_report / "2026-Q4.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "<link" not in html.lower()
    assert "@import" not in html and "@font-face" not in html
    urls = set(re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html))
    assert all(u.startswith("#") for u in urls), urls
    assert set(re.findall(r"url\(([^)]*)\)", html)) <= {"#arrow"}
    assert all(ns == "http://www.w3.org/2000/svg" for ns in re.findall(r'xmlns="([^"]+)"', html))
    assert "@media print" in html and "size: A4 landscape" in html


def test_html_is_accessible(examples_report: Path) -> None:
    html = (examples_report / "2026-Q4.html").read_text(encoding="utf-8")
    assert html.count("<h1") == 1 and "<h2" in html and "<h3" in html
    assert '<th scope="col"' in html
    svgs = html.count("<svg")
    assert svgs > 5 and html.count('role="img"') >= svgs  # every chart has a text alternative
    assert re.search(r'class="pill s-red">red<', html)  # status in words, not colour only


def test_html_passes_the_nu_checker(examples_report: Path) -> None:
    proc = subprocess.run(
        [*vnu(), str(examples_report / "2026-Q4.html")], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr


def test_mermaid_parses(examples_report: Path) -> None:
    proc = mermaid_check(examples_report / "2026-Q4.md")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok: 1 mermaid block")


def test_mermaid_checker_rejects_bad_diagrams(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text('```mermaid\nflowchart BT\n  end["x"] --> a\n```\n')
    assert mermaid_check(bad).returncode == 1


def test_mermaid_checker_starts_each_file_afresh(tmp_path: Path) -> None:
    """One node process checks file after file: the theme an obeyed `%%{init}%%` sets
    in one file does not reach the next (nor does a failed parse leave anything
    behind), and each answer is the one a fresh `node mermaid_check.mjs` gives, also
    for a link in a label, which Mermaid's DOMPurify hooks (set up once a process)
    keep the target of."""
    theme = "%%{init: {'theme':'forest', 'themeCSS': '.a { fill: red; }', 'htmlLabels': false}}%%"
    forest = tmp_path / "forest.md"
    link = "<a href='https://x.example' target='_blank'>x</a>"
    forest.write_text(f'```mermaid\n{theme}\nflowchart LR\n  a["{link}"]\n```\n', "utf-8")
    plain = tmp_path / "plain.md"
    plain.write_text("```mermaid\nflowchart LR\n  a[x]\n```\n", "utf-8")
    bad = tmp_path / "bad.md"
    bad.write_text(f'```mermaid\n{theme}\nflowchart BT\n  end["x"] --> a\n```\n', "utf-8")

    def themes(md: Path) -> list[tuple[str, str | None]]:
        checked = mermaid_check(md, "--labels")
        assert checked.returncode == 0, checked.stderr
        return [(b["theme"], b["themeCSS"]) for b in json.loads(checked.stdout)]

    assert themes(forest) == [("forest", ".a { fill: red; }")]  # Mermaid obeys it
    server = node_server(mermaid_script())
    assert server.proc is not None
    pid = server.proc.pid
    assert themes(plain) == [("default", None)]
    assert mermaid_check(bad).returncode == 1
    assert themes(plain) == [("default", None)]
    assert server.proc is not None and server.proc.pid == pid  # all in the same process
    for md, args in ((forest, ["--labels"]), (bad, [])):
        fresh = subprocess.run(
            ["node", str(mermaid_script()), str(md), *args], capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        served = mermaid_check(md, *args)
        assert (served.returncode, served.stdout, served.stderr) == (
            fresh.returncode, fresh.stdout, fresh.stderr,
        )  # fmt: skip


def _png_pixels(png: bytes) -> bytes:
    """The decompressed image data of a PNG (enough to see it is not blank)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, data = 8, b""
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        if kind == b"IDAT":
            data += png[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return zlib.decompress(data)


def chromium() -> str:
    return need_tool(
        shutil.which("chromium") or shutil.which("chromium-browser"),
        "headless Chromium",
        "chromium",
    )


def test_chromium_renders_a_page_that_is_not_blank(examples_report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    proc = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1400,1000",
            (examples_report / "2026-Q4.html").resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shot.is_file(), proc.stderr
    pixels = _png_pixels(shot.read_bytes())
    assert len(set(pixels[::7])) > 50  # many distinct byte values: text, colours, charts


def test_chromium_prints_the_summary_first(examples_report: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--print-to-pdf={pdf}",
            (examples_report / "2026-Q4.html").resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    # landscape pages: the MediaBox is wider than tall
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert box and float(box.group(1)) > float(box.group(2))


def hostile_repo(root: Path) -> None:
    """examples/ with hostile titles (JSON strings are valid YAML scalars)."""
    shutil.copytree(EXAMPLES, root)
    replace = {
        "scorecard.yaml": zip(
            [
                "Grow profitable recurring revenue",
                "Be the easiest robot fleet to deploy",
                "Make deployments repeatable",
                "Grow field-ready robotics talent",
                "Keep fleets running and customers renewing",
                "Release reliable software quickly",
                "Turn fleet data into shared insight",
            ],
            HOSTILE,
            strict=True,
        ),
        "okrs/2026/Q4/sales.yaml": [
            ("Close the year as the mid-market leader", f"{HOSTILE[5]} | {HOSTILE[4]}"),
            ("Sign twelve new mid-market logos", "x | y </td><script>alert(1)</script>"),
        ],
    }
    for rel, pairs in replace.items():
        path = root / rel
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert f"title: {old}" in text
            text = text.replace(f"title: {old}", f"title: {json.dumps(new, ensure_ascii=False)}")
        path.write_text(text, encoding="utf-8")


def test_hostile_text_is_escaped_everywhere(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    hostile_repo(root)
    lint = run_cli("lint", "--repo", str(root), "--as-of", AS_OF)
    assert "E00" not in lint.stdout, lint.stdout
    out = tmp_path / "out"
    assert report(out, repo=root).returncode == 0
    html = (out / "2026-Q4.html").read_text(encoding="utf-8")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Grow 🚀 revenue 📈" in html and "تحسين رضا العملاء" in html
    md = (out / "2026-Q4.md").read_text(encoding="utf-8")
    assert "<script>" not in md
    row = next(line for line in md.splitlines() if line.startswith("| SL1.2 "))
    assert len(re.findall(r"(?<!\\)\|", row)) == 8  # 7 cells: every pipe in the title escaped
    proc = subprocess.run(
        [*vnu(), str(out / "2026-Q4.html")], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    parsed = mermaid_check(out / "2026-Q4.md")
    assert parsed.returncode == 0, parsed.stderr


def test_formats_periods_and_index(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["--repo", str(EXAMPLES), "--as-of", AS_OF, "--out", str(tmp_path)]
    result = runner.invoke(app, ["report", "Q3", "2026-Q4", "--format", "md", *args])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-Q3.md", "2026-Q4.md", "index.md"]
    index = (tmp_path / "index.md").read_text()
    assert "[2026-Q3](2026-Q3.md)" in index and "[2026-Q4](2026-Q4.md)" in index


def test_own_templates_override_and_fall_back(tmp_path: Path) -> None:
    mine = tmp_path / "tpl"
    mine.mkdir()
    (mine / "report.md.j2").write_text(
        "# {{ organisation | md }} {{ period }}: {{ result.score | num }}\n"
    )
    out = tmp_path / "out"
    proc = report(out, "--templates", str(mine))
    assert proc.returncode == 0, proc.stderr
    assert (out / "2026-Q4.md").read_text() == "# Acme Robotics 2026-Q4: 0.49\n"
    assert "<!DOCTYPE html>" in (out / "2026-Q4.html").read_text()  # ours, as a fallback


def test_broken_template_and_unwritable_output_are_usage_errors(tmp_path: Path) -> None:
    mine = tmp_path / "tpl"
    mine.mkdir()
    (mine / "report.md.j2").write_text("{{ nothing_like_this }}\n")
    assert report(tmp_path / "o1", "--templates", str(mine), "--format", "md").returncode == 2
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    proc = report(blocker / "sub")
    assert proc.returncode == 2 and "cannot write" in proc.stderr
    assert "Traceback" not in proc.stderr
