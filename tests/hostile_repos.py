"""A hostile strategy repo, built by the tests (SPEC 12.2).

Every piece of text a pull request can set -- titles, ids' neighbours, team and
perspective names, the organisation, git author names, file names -- carries
markup for the places okrbsc's output lands: Markdown (images, links, HTML,
headings, table pipes, code fences), Mermaid (`%%{init}%%`, quotes, brackets,
`click`, `classDef`, `:::`), CI logs (`::error`, `::set-env` after a newline)
and terminals (escape sequences). The repo is otherwise clean, so every
command renders it: a test checks that each hostile text comes out as the same
text and nothing else.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from .conftest import BASE, commit_all, git

EVIL = "http://evil.example"
# name -> text; each sits in one field of the repo (see FIELDS).
TEXTS: dict[str, str] = {
    "image": f"Win ![tracker]({EVIL}/t.png) the market",
    "link": f"Keep [our customers]({EVIL}) <{EVIL}/a> {EVIL}/b www.evil.example",
    "html": f'Make <img src="{EVIL}/i.png" onerror="alert(1)"> <b>bold</b> &amp; &#x41;',
    "heading": "# Qualified | pipeline",
    "lines": "Win rate\r\n## second line\n::error file=x.yaml::pwned",
    "ticks": "Sales ``` `code` *em* _em_ ~~del~~ $x^2$ cycle",
    "mermaid": '%%{init: {"themeCSS": "body{background:url(http://evil.example/m)}"}}%% "] end',
    "mermaid2": "Deploy fast\n%%{init: {'theme':'dark'}}%%\nclick n1 call alert(1)",
    "brackets": 'Skilled ]) people [(" ::: red {x} classDef red fill:#f00',
    "team": "Sales <script>alert(1)</script> | [x](http://evil.example)",
    "perspective": "Customer\n::set-env name=X::1 ![p](http://evil.example/p.png)",
    "org": "Base ![o](http://evil.example/o.png) Co\n# Hijack",
    "renamed": "Certified <u>reps</u> ![r](http://evil.example/r.png)\n# renamed",
    "author": f"Mallory ![a]({EVIL}/a.png) *x* | `y`",  # git drops < and > from names
}
# where each text goes: (file, path of keys and list indices)
FIELDS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "image": ("okrs/2026/Q3/sales.yaml", ("objectives", 0, "title")),
    "link": ("okrs/2026/Q3/sales.yaml", ("objectives", 1, "title")),
    "html": ("okrs/2026/Q3/sales.yaml", ("objectives", 2, "title")),
    "heading": ("okrs/2026/Q3/sales.yaml", ("objectives", 0, "key_results", 0, "title")),
    "lines": ("okrs/2026/Q3/sales.yaml", ("objectives", 0, "key_results", 1, "title")),
    "ticks": ("okrs/2026/Q3/sales.yaml", ("objectives", 0, "key_results", 2, "title")),
    "mermaid": ("scorecard.yaml", ("objectives", 0, "title")),
    "mermaid2": ("scorecard.yaml", ("objectives", 2, "title")),
    "brackets": ("scorecard.yaml", ("objectives", 3, "title")),
    "team": ("okrbsc.yaml", ("teams", 1, "name")),
    "org": ("okrbsc.yaml", ("organisation",)),
}
SALES = "okrs/2026/Q3/sales.yaml"
PLAIN_TITLE = "Certified reps"  # the key result S3.1, renamed in the second commit


def yaml_text(text: str) -> str:
    """``text`` as a YAML scalar on one line."""
    return yaml.safe_dump(text, width=1000, allow_unicode=True).removesuffix("\n...\n").strip()


def _set(data: Any, path: tuple[Any, ...], value: str) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def build(root: Path, *, with_git: bool = True, texts: dict[str, str] | None = None) -> Path:
    """The hostile repo at ``root`` (a copy of the base fixture), committed by an
    author whose name is hostile, with a check-in added in a second commit."""
    texts = texts or TEXTS
    shutil.copytree(BASE, root)
    docs: dict[str, Any] = {}
    for rel, path in FIELDS.values():
        if rel not in docs:
            docs[rel] = yaml.safe_load((root / rel).read_text(encoding="utf-8"))
        _set(docs[rel], path, texts[next(k for k, v in FIELDS.items() if v == (rel, path))])
    card = docs["scorecard.yaml"]
    card["perspectives"] = [  # the map's bottom first
        {"id": "learning", "name": "Learning & Growth"},
        {"id": "process", "name": "Internal Process"},
        {"id": "customer", "name": texts["perspective"]},
        {"id": "financial", "name": "Financial"},
    ]
    for rel, data in docs.items():
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
        (root / rel).write_text(text, encoding="utf-8")
    if with_git:
        git(root, "init", "-q", "-b", "main")
        commit_all(root, "start", texts["author"], "2026-07-01")
        sales = root / SALES
        text = sales.read_text(encoding="utf-8")
        text = text.replace("value: 2.4", "value: 2.9")  # a check-in and a new title
        sales.write_text(text.replace(PLAIN_TITLE, yaml_text(texts["renamed"])), "utf-8")
        commit_all(root, "check in", texts["author"], "2026-07-20")
    return root


# The same repo with each hostile text replaced by a plain word: the shape every
# output must keep (blocks, headings, table rows) when the texts turn hostile.
PLAIN = {name: f"Plain {name}" for name in TEXTS}


# --- What a repo may ask of a data source (SPEC 12.3) ---------------------------------
# A password holding every character a URL reading can trip on: `@`, `:`, `/`.
SECRET = "p@ss:w/rd-Qz9"
# id -> a query that would change a database, write a file or load code if it ran;
# `{out}` is a folder outside the repo that anyone may write to.
HOSTILE_QUERIES: dict[str, str] = {
    "H01": "drop table t",
    "H02": "delete from t",
    "H03": "insert into t values ('2026-07-21', 1)",
    "H04": "select 1; COMMIT; DROP TABLE t",
    "H05": "select 1 /* ; */ ; drop table t -- ;",
    "H06": "attach '{out}/a.db' as a",
    "H07": "attach 'data/new.db' as n",
    "H08": "vacuum into '{out}/v.db'",
    "H09": "copy (select 1) to '{out}/c.csv'",
    "H10": "copy (select 1) to 'data/c.csv'",
    "H11": "copy t to program 'touch {out}/p'",
    "H12": "export database '{out}/e'",
    "H13": "install httpfs",
    "H14": "load httpfs",
    "H15": "pragma journal_mode = wal",
    "H16": "create table z as select 1",
    "H17": "select * from t; drop table t",
}
