"""The HTML reports of many drafts checked in one run: one report per post and an index page
linking them, with the summary table (per post: quotes, passed, failed, warnings).

``write_reports`` writes the folder (each file atomically); ``index_html`` is pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from drafter.checker.archive import Post, report_name, summary_line, summary_rows
from drafter.fsutil import write_atomic

_STYLE = (
    "body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222}"
    "table{border-collapse:collapse;width:100%}th,td{padding:.3rem .6rem;"
    "border-bottom:1px solid #ddd;text-align:right}th:first-child,td:first-child{text-align:left}"
    "tr.fail td{background:#fdecea}tr.error td{background:#fff4e5}"
)


def index_html(posts: Sequence[Post], drafts: Sequence[Path]) -> str:
    """The index page: one row per post, linking its report (no script, no network)."""
    rows = []
    for row, post in zip(summary_rows(posts), posts, strict=True):
        name = escape(str(row["draft"]))
        if "error" in row:
            rows.append(
                f'<tr class="error"><td>{name}</td><td colspan="4">{escape(str(row["error"]))}'
                "</td></tr>"
            )
            continue
        href = escape(report_name(post.draft, drafts))
        cls = "" if row["ok"] else ' class="fail"'
        rows.append(
            f'<tr{cls}><td><a href="{href}">{name}</a></td><td>{row["quotes"]}</td>'
            f"<td>{row['passed']}</td><td>{row['failed']}</td><td>{row['warnings']}</td></tr>"
        )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\"><title>drafter: check of "
        f"{len(posts)} posts</title><style>{_STYLE}</style></head><body>"
        f"<h1>Check of {len(posts)} posts</h1><p>{escape(summary_line(posts))}</p>"
        "<table><thead><tr><th>post</th><th>quotes</th><th>passed</th><th>failed</th>"
        "<th>warnings</th></tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>"
        "</body></html>\n"
    )


def write_reports(folder: Path, posts: Sequence[Post], drafts: Sequence[Path]) -> None:
    """Each post's HTML report (rendered by the workers) and ``index.html`` into ``folder``."""
    for post in posts:
        if post.result is not None:
            write_atomic(folder / report_name(post.draft, drafts), post.rendered)
    write_atomic(folder / "index.html", index_html(posts, drafts))
