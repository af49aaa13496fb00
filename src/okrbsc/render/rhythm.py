"""The weekly rhythm on every medium (SPEC 16.2, 16.4): text, Markdown, JSON, and
the bodies of Slack, Microsoft Teams and Mattermost incoming webhooks.

Text from the files is escaped for the medium it lands in, so a title can
neither ping a channel, link, nor format (SPEC 12.2):

* terminal text through :func:`visible`;
* Markdown (GitHub/GitLab issues, job summaries, Mattermost) and Adaptive
  Card Markdown (Teams) through :func:`md_text`, with a word joiner (U+2060)
  after each ``@`` as well, so no ``@user``, ``@channel`` or e-mail address
  (which GFM links even when escaped) is left for the platform to act on;
* Slack: ``&``, ``<`` and ``>`` as ``&amp;``, ``&lt;``, ``&gt;`` (no
  ``<!channel>``, ``<@U…>`` or ``<url|link>`` can form), and text from the
  files only ever in ``plain_text`` objects (never formatted); ``mrkdwn`` is
  used only for okrbsc's own words and the ``<@U…>`` mentions it writes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from okrbsc.render.text import json_text, md_code, md_text, visible
from okrbsc.rhythm.digest import Checkin, Digest
from okrbsc.rhythm.outbox import Email, Outbox
from okrbsc.rhythm.people import Because
from okrbsc.rhythm.remind import Block, Item, Owed, Reminders

# --- escaping, one function per medium ------------------------------------------------


def slack_text(text: object) -> str:
    """Text from data for Slack: control characters shown, ``& < >`` as entities."""
    out = visible(text)
    return out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def md(text: object) -> str:
    """Text from data for Markdown and Adaptive Card Markdown (SPEC 12.2), no mentions."""
    return md_text(str(text).replace("@", "@\u2060"))  # the joiner stops addresses too


_HANDLE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


def mention(block: Block, mentions: str) -> str | None:
    """``@handle`` from `github` (or `gitlab`), when it is a plain handle."""
    handle = block.gitlab if mentions == "gitlab" else block.github
    return f"@{handle}" if handle and _HANDLE.fullmatch(handle) else None


def count(number: int, noun: str, plural: str | None = None) -> str:
    """``1 key result``, ``3 key results``."""
    return f"1 {noun}" if number == 1 else f"{number} {plural or noun + 's'}"


# --- remind: the words every medium shares --------------------------------------------

_BECAUSE = {
    Because.OWNER: "",
    Because.TEAM_LEAD: "as team lead",
    Because.PARENT_LEAD: "as parent team's lead",
}


def _facts(owed: Owed, because: Because) -> str:
    """``sales · last check-in 2026-11-09, 18 days ago · level 2 · as team lead``."""
    days = count(owed.age_days, "day")
    if owed.last_checkin is not None:
        last = f"last check-in {owed.last_checkin}, {days} ago"
    else:
        last = f"last check-in none yet, {days} into {owed.period}"
    parts = [owed.team, last, f"level {owed.level}"]
    if _BECAUSE[because]:
        parts.append(_BECAUSE[because])
    if owed.pulled:
        parts.append("pulled: its feed has stopped")
    return " · ".join(parts)


def headline(rem: Reminders) -> str:
    people = len([b for b in rem.blocks if b.person is not None])
    return (
        f"Check-ins owed as of {rem.as_of}: {count(len(rem.owed), 'key result')} "
        f"for {count(people, 'person', 'people')}"
    )


def nothing_owed(rem: Reminders) -> str:
    return (
        f"Nothing owed as of {rem.as_of}: every key result of a running period has a "
        f"check-in less than {count(rem.due_after_days, 'day')} old, or is finished."
    )


def _who(block: Block) -> str:
    if block.person is None:
        return "Nobody answers for these (no owner, and no lead above them)"
    label = block.person if block.name == block.person else f"{block.name} ({block.person})"
    return label if block.known else f"{label}, not listed under people"


# --- remind: text and JSON --------------------------------------------------------------


def remind_text(rem: Reminders, mentions: str = "github") -> str:
    if not rem.owed:
        return visible(nothing_owed(rem)) + "\n"
    lines = [visible(f"{headline(rem)} ({rem.organisation})")]
    for block in rem.blocks:
        lines += ["", visible(f"{_who(block)}, level {block.level}")]
        for item in block.items:
            o = item.owed
            lines.append(visible(f"  {o.key_result}  {o.title}"))
            lines.append(visible(f"      {_facts(o, item.because)}"))
            lines.append(visible(f"      {o.command}"))
    if rem.hint:
        lines += ["", visible(rem.hint)]
    return "\n".join(lines) + "\n"


def remind_json(rem: Reminders, mentions: str = "github") -> str:
    return json_text(remind_data(rem))


def remind_data(rem: Reminders) -> dict[str, Any]:
    return {
        "as_of": rem.as_of.isoformat(),
        "reminders": [_entry(block, item) for block, item in rem.entries()],
    }


def _entry(block: Block, item: Item) -> dict[str, Any]:
    o = item.owed
    return {
        "to": block.person,
        "name": block.name,
        "email": block.email,
        "key_result": o.key_result,
        "title": o.title,
        "team": o.team,
        "period": str(o.period),
        "path": o.path,
        "line": o.line,
        "last_checkin": o.last_checkin.isoformat() if o.last_checkin else None,
        "age_days": o.age_days,
        "level": o.level,
        "because": item.because.value,
        "pulled": o.pulled,
    }


# --- remind: Markdown (issues, job summaries) and Mattermost ----------------------------


def remind_md(rem: Reminders, mentions: str = "github") -> str:
    return _markdown(rem, mentions, checklist=True)


def _markdown(rem: Reminders, mentions: str | None, checklist: bool) -> str:
    if not rem.owed:
        return md(nothing_owed(rem)) + "\n"
    out = [f"### {md(headline(rem))}", ""]
    box = "- [ ] " if checklist else "- "
    for block in rem.blocks:
        handle = mention(block, mentions) if mentions else None
        who = md(_who(block))
        out.append(f"**{who}** {handle}" if handle else f"**{who}**")
        out.append("")
        for item in block.items:
            o = item.owed
            out.append(f"{box}{md_code(o.key_result)} {md(o.title)}: {md(_facts(o, item.because))}")
            out.append(f"  {_code_line(o.slash)}")
        out.append("")
    if rem.hint:
        out += [md(rem.hint), ""]
    return "\n".join(out)


def _code_line(text: str) -> str:
    """A line to copy, as a code span when it is plain, else as escaped text."""
    if "`" not in text and text.isprintable():
        return f"`{text}`"
    return md(text)


def remind_mattermost(rem: Reminders, mentions: str = "github") -> str:
    return _body({"text": _markdown(rem, None, checklist=False)})


# --- remind: Slack (Block Kit) ----------------------------------------------------------

SLACK_MAX_BLOCKS = 50
SLACK_MAX_TEXT = 3000


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": _cut(text, SLACK_MAX_TEXT)}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def remind_slack(rem: Reminders, mentions: str = "github") -> str:
    if not rem.owed:
        text = slack_text(nothing_owed(rem))
        return _body({"text": text, "blocks": [{"type": "section", "text": _plain(text)}]})
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": _plain(_cut(slack_text(headline(rem)), 150))}
    ]
    room = SLACK_MAX_BLOCKS - len(blocks) - 2  # the hint, and a line for people left out
    shown = 0
    for block in rem.blocks:
        lines = [
            slack_text(f"• {i.owed.key_result} {i.owed.title} — {_facts(i.owed, i.because)}")
            for i in block.items
        ]
        parts = [{"type": "section", "text": _slack_who(block)}] + [
            {"type": "section", "text": _plain(chunk)} for chunk in _chunks(lines)
        ]
        if len(parts) > room:
            break
        blocks += parts
        room -= len(parts)
        shown += 1
    left = len(rem.blocks) - shown
    if left > 0:
        more = f"… and {count(left, 'more person', 'more people')} (see the weekly issue)"
        blocks.append({"type": "context", "elements": [_plain(more)]})
    if rem.hint:
        blocks.append({"type": "context", "elements": [_plain(slack_text(rem.hint))]})
    return _body({"text": slack_text(headline(rem)), "blocks": blocks})


def _slack_who(block: Block) -> dict[str, Any]:
    """The person: a ``<@U…>`` mention (okrbsc's own mrkdwn) when their Slack member
    id is known, else their name as plain text."""
    level = f"level {block.level}, {count(len(block.items), 'key result')}"
    if block.slack and re.fullmatch(r"[UW][A-Z0-9]+", block.slack):
        return {"type": "mrkdwn", "text": f"<@{block.slack}> — {level}"}
    return _plain(slack_text(f"{_who(block)} — {level}"))


# --- remind: Microsoft Teams (an Adaptive Card 1.4) -------------------------------------


def card_message(body: list[dict[str, Any]]) -> str:
    """A Teams incoming-webhook message carrying one Adaptive Card 1.4."""
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    attachment = {
        "contentType": "application/vnd.microsoft.card.adaptive",
        "contentUrl": None,
        "content": card,
    }
    return _body({"type": "message", "attachments": [attachment]})


def text_block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def remind_teams(rem: Reminders, mentions: str = "github") -> str:
    if not rem.owed:
        return card_message([text_block(md(nothing_owed(rem)))])
    body = [text_block(md(headline(rem)), size="medium", weight="bolder")]
    for block in rem.blocks:
        body.append(text_block(md(_who(block)), weight="bolder", spacing="medium"))
        facts = [
            {
                "title": md(i.owed.key_result),
                "value": md(f"{i.owed.title} — {_facts(i.owed, i.because)}"),
            }
            for i in block.items
        ]
        body.append({"type": "FactSet", "facts": facts})
    if rem.hint:
        body.append(text_block(md(rem.hint), isSubtle=True))
    return card_message(body)


def _body(data: dict[str, Any]) -> str:
    """A webhook body: compact JSON, valid UTF-8 whatever the files hold."""
    return json_text(data, indent=None)


Renderer = Callable[[Reminders, str], str]
REMIND_RENDERERS: dict[str, Renderer] = {
    "text": remind_text,
    "md": remind_md,
    "json": remind_json,
    "slack": remind_slack,
    "teams": remind_teams,
    "mattermost": remind_mattermost,
}
WEBHOOK_FORMATS = ("slack", "teams", "mattermost")


# --- digest -----------------------------------------------------------------------------

_CAUSES = {
    "low_confidence": "low confidence",
    "confidence_drop": "confidence fell",
    "stale": "stale",
    "overdue": "overdue",
}


def digest_summary(d: Digest) -> str:
    """``Week to 2026-11-23: 14 check-ins from 5 of 7 teams; 3 key results newly at
    risk; 2 teams silent (ops, people)``."""
    head = f"Week to {d.as_of}" if d.days == 7 else f"{count(d.days, 'day')} to {d.as_of}"
    risky = d.newly_at_risk
    silent = d.silent_teams
    parts = [
        f"{count(d.checkins, 'check-in')} from {d.teams_checked_in} of "
        f"{count(len(d.teams), 'team')}",
        f"{count(risky, 'key result')} newly at risk" if risky else "no key result newly at risk",
        f"{count(len(silent), 'team')} silent ({', '.join(silent)})"
        if silent
        else "no team silent",
    ]
    return f"{head}: " + "; ".join(parts)


Group = tuple[str, list[str]]  # a label and its lines, all plain words
Section = tuple[str, list[Group]]


def _number(value: float | bool | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "done" if value else "not done"
    return f"{value:g}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _checkin_line(c: Checkin) -> str:
    words = [
        f"{c.key_result} {c.title}: {c.date}, {_number(c.previous)} → {_number(c.value)}",
        f"progress {_pct(c.progress_before)} → {_pct(c.progress_after)}",
    ]
    if c.confidence is not None:
        change = ""
        if c.confidence_change is not None:
            change = f" ({c.confidence_change:+g})" if c.confidence_change else " (unchanged)"
        words.append(f"confidence {c.confidence:g}{change}")
    if c.note:
        words.append(f"note: {c.note}")
    return ", ".join(words)


def _owed_line(o: Owed) -> str:
    to = ", ".join(link.person for link in o.told) or "nobody"
    return f"{o.key_result} {o.title}: {_facts(o, Because.OWNER)} · to {to}"


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def digest_sections(d: Digest) -> list[Section]:
    """What the digest says, medium by medium the same: a section per team, then the
    scorecard's red measures and the definition changes."""
    out: list[Section] = []
    for t in d.teams:
        groups: list[Group] = [
            ("Check-ins", [_checkin_line(c) for c in t.checkins] or ["none in the window"])
        ]
        if t.newly_at_risk:
            lines = [
                f"{r.key_result} {r.title}: {', '.join(_CAUSES.get(c, c) for c in r.causes)}"
                for r in t.newly_at_risk
            ]
            groups.append(("Newly at risk", lines))
        if t.owed:
            groups.append(("Owed a check-in", [_owed_line(o) for o in t.owed]))
        if t.objectives:
            lines = [
                f"{o.id} {o.title}: {_score(o.score_since)} → {_score(o.score_now)}"
                for o in t.objectives
            ]
            groups.append((f"Objectives, {d.since} → {d.as_of}", lines))
        title = t.name if t.name == t.team else f"{t.name} ({t.team})"
        out.append((title, groups))
    if d.measures:
        lines = [f"{m.id} {m.name} ({m.objective}, {m.period}): {m.why}" for m in d.measures]
        out.append(("Scorecard", [("Red, and no running objective reaches them", lines)]))
    if d.changes:
        lines = [
            f"{e.revision.date} {e.revision.short} {e.revision.author}: {e.change.describe()}"
            for e in d.changes
        ]
        out.append(("Definitions", [("Changed in git in the window", lines)]))
    return out


def digest_text(d: Digest, mentions: str = "github") -> str:
    lines = [visible(digest_summary(d))]
    for title, groups in digest_sections(d):
        lines += ["", visible(title)]
        for label, items in groups:
            lines.append(visible(f"  {label}"))
            lines += [visible(f"    - {item}") for item in items]
    return "\n".join(lines) + "\n"


def digest_md(d: Digest, mentions: str = "github") -> str:
    out = [f"### {md(digest_summary(d))}"]
    for title, groups in digest_sections(d):
        out += ["", f"#### {md(title)}"]
        for label, items in groups:
            out += ["", f"**{md(label)}**", ""]
            out += [f"- {md(item)}" for item in items]
    return "\n".join(out) + "\n"


def digest_mattermost(d: Digest, mentions: str = "github") -> str:
    return _body({"text": digest_md(d)})


def digest_slack(d: Digest, mentions: str = "github") -> str:
    summary = slack_text(digest_summary(d))
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": _plain(_cut(slack_text(f"Weekly digest to {d.as_of}"), 150))},
        {"type": "section", "text": _plain(summary)},
    ]
    chunks = [
        chunk
        for title, groups in digest_sections(d)
        for chunk in _chunks(
            [slack_text(title)]
            + [
                line
                for label, items in groups
                for line in ["", slack_text(label), *(slack_text(f"• {i}") for i in items)]
            ]
        )
    ]
    room = SLACK_MAX_BLOCKS - len(blocks) - 1
    blocks += [{"type": "section", "text": _plain(chunk)} for chunk in chunks[:room]]
    if len(chunks) > room:
        more = f"… and {count(len(chunks) - room, 'more part')} (see the weekly issue)"
        blocks.append({"type": "context", "elements": [_plain(more)]})
    return _body({"text": summary, "blocks": blocks})


def _chunks(lines: list[str]) -> list[str]:
    """Lines (each escaped already) joined into texts of at most SLACK_MAX_TEXT
    characters, a line never split unless it is longer than that by itself."""
    out: list[str] = []
    current = ""
    for line in lines:
        joined = f"{current}\n{line}" if current else line
        if len(joined) <= SLACK_MAX_TEXT:
            current = joined
            continue
        if current.strip():
            out.append(current)
        current = line
    if current.strip():
        out.append(current)
    return out


def digest_teams(d: Digest, mentions: str = "github") -> str:
    body = [text_block(md(digest_summary(d)), size="medium", weight="bolder")]
    for title, groups in digest_sections(d):
        body.append(text_block(md(title), weight="bolder", spacing="medium"))
        for label, items in groups:
            body.append(text_block(md(label), isSubtle=True))
            body.append(text_block("\n".join(f"- {md(item)}" for item in items)))
    return card_message(body)


def digest_json(d: Digest, mentions: str = "github") -> str:
    return json_text(digest_data(d))


def digest_data(d: Digest) -> dict[str, Any]:
    return {
        "since": d.since.isoformat(),
        "as_of": d.as_of.isoformat(),
        "summary": {
            "checkins": d.checkins,
            "teams_checked_in": d.teams_checked_in,
            "teams": len(d.teams),
            "newly_at_risk": d.newly_at_risk,
            "silent_teams": d.silent_teams,
        },
        "teams": [
            {
                "team": t.team,
                "checkins": [_checkin_json(c) for c in t.checkins],
                "newly_at_risk": [
                    {"key_result": r.key_result, "title": r.title, "causes": list(r.causes)}
                    for r in t.newly_at_risk
                ],
                "owed": [_owed_json(o) for o in t.owed],
                "objectives": [
                    {"id": o.id, "score_since": o.score_since, "score_now": o.score_now}
                    for o in t.objectives
                ],
            }
            for t in d.teams
        ],
        "measures": [
            {
                "id": m.id,
                "name": m.name,
                "objective": m.objective,
                "period": str(m.period),
                "why": m.why,
            }
            for m in d.measures
        ],
        "changes": [{**e.to_dict(), "period": e.change.period} for e in d.changes],
    }


def _checkin_json(c: Checkin) -> dict[str, Any]:
    return {
        "key_result": c.key_result,
        "title": c.title,
        "date": c.date.isoformat(),
        "previous": c.previous,
        "value": c.value,
        "progress_before": c.progress_before,
        "progress_after": c.progress_after,
        "confidence": c.confidence,
        "confidence_change": c.confidence_change,
        "note": c.note,
    }


def _owed_json(o: Owed) -> dict[str, Any]:
    return {
        "key_result": o.key_result,
        "title": o.title,
        "period": str(o.period),
        "last_checkin": o.last_checkin.isoformat() if o.last_checkin else None,
        "age_days": o.age_days,
        "level": o.level,
        "to": [link.person for link in o.told],
        "pulled": o.pulled,
    }


DigestRenderer = Callable[[Digest, str], str]
DIGEST_RENDERERS: dict[str, DigestRenderer] = {
    "text": digest_text,
    "md": digest_md,
    "json": digest_json,
    "slack": digest_slack,
    "teams": digest_teams,
    "mattermost": digest_mattermost,
}


# --- --send: the outbox (SPEC 16.3) -------------------------------------------------------


def _html(text: object) -> str:
    """Text from data for an e-mail's HTML part."""
    return html.escape(visible(text))


def _email_page(greeting: str, intro: str, sections: list[Section], hint: str | None) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8"></head><body>',
        f"<p>{_html(greeting)}</p>",
        f"<p>{_html(intro)}</p>",
    ]
    for title, groups in sections:
        if title:
            out.append(f"<h3>{_html(title)}</h3>")
        for label, items in groups:
            if label:
                out.append(f"<p><b>{_html(label)}</b></p>")
            out.append("<ul>" + "".join(f"<li>{_html(item)}</li>" for item in items) + "</ul>")
    if hint:
        out.append(f"<p>{_html(hint)}</p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _email_text(greeting: str, intro: str, sections: list[Section], hint: str | None) -> str:
    out = [greeting, "", intro]
    for title, groups in sections:
        if title:
            out += ["", title]
        for label, items in groups:
            if label:
                out += ["", label]
            out += [f"  - {item}" for item in items]
    if hint:
        out += ["", hint]
    return "\n".join(visible(line) for line in out) + "\n"


def reminder_email(rem: Reminders, block: Block) -> Email:
    """One person's reminder: their own key results and, for a lead, those escalated."""
    assert block.person is not None and block.email is not None
    n = len(block.items)
    items = [
        f"{i.owed.key_result} {i.owed.title}: {_facts(i.owed, i.because)}; "
        f"record it with a comment on the weekly issue: {i.owed.slash} "
        f"(or in a terminal: {i.owed.command})"
        for i in block.items
    ]
    owes = "is" if n == 1 else "are"
    intro = f"{count(n, 'key result')} {owes} owed a check-in as of {rem.as_of}:"
    sections: list[Section] = [("", [("", items)])]
    greeting = f"Hello {block.name},"
    return Email(
        person=block.person,
        address=block.email,
        name=block.name or block.person,
        subject=f"Check-in due: {count(n, 'key result')} — {rem.organisation}",
        text=_email_text(greeting, intro, sections, rem.hint),
        html=_email_page(greeting, intro, sections, rem.hint),
    )


def remind_outbox(rem: Reminders, channels: list[str], mentions: str = "github") -> Outbox:
    """A body for each webhook channel, and an e-mail for each person owed something
    who has an address (the others are listed as not delivered)."""
    bodies = {
        ch: REMIND_RENDERERS[ch](rem, mentions).encode()
        for ch in channels
        if ch in WEBHOOK_FORMATS and rem.owed
    }
    emails, no_address = [], []
    for block in rem.blocks:
        if block.person is None:
            continue
        if block.email:
            emails.append(reminder_email(rem, block))
        else:
            no_address.append(block.person)
    return Outbox(bodies=bodies, emails=emails, no_address=no_address)


def digest_outbox(
    d: Digest, recipients: list[Block], channels: list[str], mentions: str = "github"
) -> Outbox:
    """A body for each webhook channel, and the digest by e-mail to each recipient
    (the team leads and `rhythm.digest_to`) who has an address."""
    bodies = {
        ch: DIGEST_RENDERERS[ch](d, mentions).encode() for ch in channels if ch in WEBHOOK_FORMATS
    }
    emails, no_address = [], []
    sections = digest_sections(d)
    summary = digest_summary(d)
    for block in recipients:
        if block.person is None:
            continue
        if not block.email:
            no_address.append(block.person)
            continue
        greeting = f"Hello {block.name},"
        emails.append(
            Email(
                person=block.person,
                address=block.email,
                name=block.name or block.person,
                subject=f"OKR digest, week to {d.as_of} — {d.organisation}",
                text=_email_text(greeting, summary, sections, None),
                html=_email_page(greeting, summary, sections, None),
            )
        )
    return Outbox(bodies=bodies, emails=emails, no_address=no_address)
