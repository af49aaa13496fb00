"""Run the rules over a repo, then apply configuration and inline directives."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from okrbsc.lint.directives import directives_of
from okrbsc.lint.findings import Finding, Hit, Location, Severity
from okrbsc.lint.rules import RULES, RULES_BY_KEY, Rule, find_rule
from okrbsc.lint.rules._gaps import cascades, unreadable
from okrbsc.strategy.repo import Repo
from okrbsc.strategy.validate import did_you_mean


@dataclass(frozen=True)
class LintResult:
    findings: list[Finding]
    files: int
    unreadable: int = 0  # data files that could not be read at all (E001, E002 on the whole)

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)


def severities(repo: Repo) -> tuple[dict[str, Severity], list[Finding]]:
    """Each rule's severity after `lint.rules`; unknown rule keys as E002 findings."""
    out = {rule.code: rule.severity for rule in RULES}
    problems: list[Finding] = []
    settings = repo.config.lint
    for key, value in settings.rules.items():
        rule = find_rule(key)
        if rule is None:
            pos = repo.config_file.key_at(settings, "rules", key)
            msg = f"lint.rules: unknown rule {key!r}{did_you_mean(key, RULES_BY_KEY)}"
            schema = RULES_BY_KEY["E002"]
            location = Location(repo.config_file.path, *pos)
            problems.append(_finding(schema, Hit(msg, location), Severity.ERROR))
        else:
            out[rule.code] = Severity(value)
    return out, problems


def run(
    repo: Repo,
    only: Iterable[str] | None = None,
    *,
    baseline: Repo | None = None,
    fetch: bool = False,
) -> LintResult:
    """Lint the whole repo; with ``only`` (repo-relative paths) keep their findings.

    ``baseline`` is the repo at `lint --since REV`: the history rules run against it;
    ``fetch`` (`lint --units-fresh`) also runs the rules that fetch the units.
    """
    levels, findings = severities(repo)
    rules = [r for r in RULES if fetch or not r.fetches]
    findings += findings_of(repo, levels, rules, baseline)
    return finish(repo, findings, only)


def findings_of(
    repo: Repo, levels: dict[str, Severity], rules: Iterable[Rule], baseline: Repo | None = None
) -> list[Finding]:
    """The findings of ``rules`` (at their configured ``levels``), before directives."""
    findings: list[Finding] = []
    for rule in rules:
        level = levels[rule.code]
        if level is Severity.OFF or (rule.history and baseline is None):
            continue
        hits = rule.check(repo, baseline) if rule.history else rule.check(repo)
        findings.extend(_finding(rule, h, _level(level, h)) for h in hits)
    return findings


def finish(repo: Repo, findings: list[Finding], only: Iterable[str] | None = None) -> LintResult:
    """The result: inline directives applied, cascades dropped, sorted, kept to ``only``."""
    findings = [f for f in _apply_directives(repo, findings) if not cascades(repo, f)]
    files = repo.all_files
    if only is not None:
        wanted = set(only)
        findings = [f for f in findings if f.path in wanted]
        files = [f for f in files if f.path in wanted]
    unread = sum(unreadable(f) for f in files if f is not repo.config_file)
    return LintResult(sorted(set(findings)), len(files), unread)


def _level(level: Severity, h: Hit) -> Severity:
    return Severity.ERROR if h.escalate and level is Severity.WARNING else level


def _finding(rule: Rule, h: Hit, level: Severity) -> Finding:
    loc = h.location
    return Finding(loc.path, loc.line, loc.column, rule.code, h.message, rule.name, level)


def _apply_directives(repo: Repo, findings: list[Finding]) -> list[Finding]:
    files = {f.path: f for f in repo.all_files}
    return [
        f for f in findings if f.path not in files or not directives_of(files[f.path]).silences(f)
    ]
