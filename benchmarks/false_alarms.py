"""False alarms and misses of `drafter check` on posts shaped like real newsletter posts.

    python benchmarks/false_alarms.py [--drafter "python -m drafter"] [--keep]

There is no network here, so the "real posts" are the bundled RTZ #767 post (examples/rtz-767,
with the SCMP article it quotes) plus posts written for this measurement in the shapes real
posts and their sources take (issue 10): email-edition run-together quotations, `.txt`
exports of READMEs and notebooks, changelogs with MyST/rST roles, wiki pages with citation
markers, PDF text with words hyphenated at line ends, web copy with invisible format
characters, French, Danish and German quotation marks, British house style, Chicago
ellipses, hard-wrapped drafts. Every quotation is labelled by construction: `true` (verbatim
in a source: failing it is a false alarm) or `invented` (a word changed or made up: passing
it, or not checking it, is a miss). The sources and posts are the author's own, so this is a
measurement of the shapes, not of an independent held-out set.

It runs any drafter (the `--drafter` command, e.g. an older checkout with PYTHONPATH set) and
prints, per post and in all, the false-alarm rate and the miss rate.
"""

# ruff: noqa: E501  (the posts and sources are long lines of prose, as real ones are)
from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Post:
    name: str
    sources: dict[str, str]
    draft: str
    true: list[str] = field(default_factory=list)  # a few words of each true quotation
    invented: list[str] = field(default_factory=list)


HARBOUR = """---
title: Port authority approves crane deal
publication: Harbour Ledger
short_name: HL
---
The port authority approved a new crane contract on Tuesday, ending months of debate.

“We needed bigger cranes to keep the ships coming,” the authority’s chair said.

The contract is worth 40 million dollars over five years, and the first two cranes are due in March.

Opponents said the port had not explained how it would pay for the dredging – a cost they put at 12 million dollars.
"""

README = """# tool

Tip: **always pin your versions** before you ship. The `lock` file records every package, and *nothing* else.

## Install

- Run `tool sync` to install exactly what the lock file says.
- Use `tool add NAME` to add a package; see [the guide](https://example.org/guide) for more.
- Pass `--frozen` in CI: the install fails instead of updating the lock file.

1\\. Never edit the lock file by hand \\- let the tool do it.

The resolver is _fast_: a cold install of 200 packages takes **under a second** on a laptop.
"""

CHANGELOG = """---
title: Release notes 0.9
publication: Toolbox docs
---
# 0.9

- Usage is now recorded in the new `tokens_in` and `tokens_out` columns, for plugins that {ref}`support this feature <plugin-usage>`.
- The `report` command takes a `--since` option. See :doc:`the reporting guide </guides/reports>` for examples.
- Plugins can declare {ref}`async models <async-models>`; the old hook is deprecated and will be removed in 1.0.
"""

WIKI = """---
title: Harbour Pier
publication: Harbourpedia
---
The Harbour Pier is a wooden pier on the east side of the old town, used by ferries and fishing boats for more than a century.[1]

The pier was opened in 1887 by the mayor of the town,[3] and it was extended twice in the following decades.[4][a] A storm destroyed the end of the pier in 1953.[citation needed]

The pier was restored in 1999 with money raised by the residents,[7] who held a long series of fairs and concerts to pay for the work.
"""

PDF = """---
title: Annual report of the harbour committee
publication: Harbour Committee
---
The committee found that the new cranes were power-
ful enough to unload the largest ships, and recom-
mended buying two more before the winter season.

Dredging of the outer channel remains the largest single expense, and the com-
mittee does not expect it to fall before 2027.
"""

WEB = (
    "---\ntitle: Ferry timetable changes\npublication: Harbour Ledger\n---\n"
    "The ferry company will run\u2060 an extra crossing every evening from May, "
    "\u2066the company\u2069 said in a statement.\n\n"
    "Tickets for the new crossing go on sale next week,\u200b and season passes will be "
    "valid on it.\n"
)

FRENCH = """---
title: Le port signe un contrat de grues
publication: Le Courrier du Port
---
« Nous signerons le contrat avant la fin de l'année », a déclaré lundi la directrice du port, qui attend les nouvelles grues au printemps.

Les syndicats ont salué un accord « équilibré et durable » pour les dockers.
"""

GERMAN = """---
title: Hafen kauft neue Kräne
publication: Hafenblatt
---
Wir werden den Vertrag noch vor Jahresende unterschreiben, sagte die Direktorin am Montag.
"""

TRIBUNAL = """---
title: Tenants win reprieve in harbour flats dispute
publication: Harbour Ledger
---
Under clause 9 of the agreement, the landlord is not permitted to end the tenancy during the fixed term, the tribunal found on Thursday.

The residents' association welcomed the ruling and said it would advise other tenants on the harbour front.

The landlord's lawyer said they would study the decision carefully before deciding on an appeal.
"""

COUNCIL = """---
title: Harbour council approves new crane contract
publication: Harbour Ledger
---
The harbour council voted on Tuesday to approve a contract for four new container cranes, the largest investment in the port since it was rebuilt after the war. Opponents said the port had not explained how it would pay for the dredging.

Three members of the Port Watch group - a residents' campaign - protested outside the hall on Tuesday, saying the dredging would ruin the oyster beds.
"""

POSTS = [
    Post(
        "email edition (run-together)",
        {"harbour.md": HARBOUR},
        """As the Harbour Ledger (HL) reports:

> “The port authority approved a new crane contract on Tuesday, ending months of debate.”“The contract is worth 40 million dollars over five years, and the first two cranes are due in March.”

The same, copied from the email edition:

“The port authority approved a new crane contract on Tuesday, ending months of debate.”“““We needed bigger cranes to keep the ships coming,” the authority’s chair said.”“Opponents said the port had not explained how it would pay for the dredging – a cost they put at 12 million dollars.”

"The contract is worth 40 million dollars over five years, and the first two cranes are due in March.""The port authority approved a new crane contract on Tuesday, ending months of debate."

The archive copy also has: “The contract is worth 14 million dollars over five years.”
""",
        [
            "approved a new crane contract",
            "The contract is worth 40",
            "“We needed bigger cranes",
            "Opponents said the port",
        ],
        ["14 million"],
    ),
    Post(
        "README exported as .txt",
        {"notes.txt": README},
        """The tool's README puts it plainly:

> Tip: always pin your versions before you ship. The lock file records every package, and nothing else.

> Run tool sync to install exactly what the lock file says.

It adds that you should “Pass --frozen in CI: the install fails instead of updating the lock file.”

And: “Never edit the lock file by hand - let the tool do it.” The authors claim “The resolver is fast: a cold install of 200 packages takes under a second on a laptop.”

> Use `tool add NAME` to add a package; see [the guide](https://example.org/guide) for more.

Elsewhere: “The resolver is fast: a cold install of 2,000 packages takes under a second on a laptop.”
""",
        [
            "Tip: always pin",
            "Run tool sync",
            "Pass --frozen",
            "Never edit the lock",
            "The resolver is fast: a cold install of 200",
            "Use tool add",
        ],
        ["2,000 packages"],
    ),
    Post(
        "changelog with roles",
        {"changelog.md": CHANGELOG},
        """From the Toolbox docs release notes:

> Usage is now recorded in the new `tokens_in` and `tokens_out` columns, for plugins that [support this feature](https://example.org/plugins#plugin-usage).

> The `report` command takes a `--since` option. See [the reporting guide](https://example.org/guides/reports) for examples.

The notes warn that “Plugins can declare async models; the old hook is deprecated and will be removed in 1.0.”

They also say “the old hook is deprecated and will be removed in 2.0.”
""",
        ["Usage is now recorded", "The report command", "Plugins can declare"],
        ["removed in 2.0"],
    ),
    Post(
        "wiki page with citation markers",
        {"wiki.md": WIKI},
        """As Harbourpedia notes, "The pier was opened in 1887 by the mayor of the town, and it was extended twice in the following decades."

It adds: “The Harbour Pier is a wooden pier on the east side of the old town, used by ferries and fishing boats for more than a century.”

And: “A storm destroyed the end of the pier in 1953.” The restoration came “in 1999 with money raised by the residents, who held a long series of fairs and concerts to pay for the work.”

Harbourpedia also says the pier “was opened in 1897 by the mayor of the town.”
""",
        [
            "The pier was opened in 1887",
            "The Harbour Pier is a wooden",
            "A storm destroyed",
            "in 1999 with money",
        ],
        ["opened in 1897"],
    ),
    Post(
        "PDF report with hyphenation",
        {"report.txt": PDF},
        """The committee found that “the new cranes were powerful enough to unload the largest ships, and recommended buying two more before the winter season.”

On money: “Dredging of the outer channel remains the largest single expense, and the committee does not expect it to fall before 2027.”

It “does expect it to fall before 2027.”
""",
        ["the new cranes were powerful", "Dredging of the outer channel"],
        ["does expect it to fall"],
    ),
    Post(
        "web copy with invisible characters",
        {"web.md": WEB},
        """The Ledger says “The ferry company will run an extra crossing every evening from May, the company said in a statement.”

And: “Tickets for the new crossing go on sale next week, and season passes will be valid on it.”

But not that “Tickets for the new crossing go on sale next month.”
""",
        ["The ferry company will run", "Tickets for the new crossing go on sale next week"],
        ["next month"],
    ),
    Post(
        "French, Danish and German marks",
        {"courrier.md": FRENCH, "hafen.md": GERMAN},
        """Selon Le Courrier du Port, la directrice a été claire : « Nous signerons le contrat avant la fin de l'année », a-t-elle dit.

Les syndicats parlent d'un accord «équilibré et durable».

Le journal danois : la directrice du port »attend les nouvelles grues au printemps«.

Das Hafenblatt zitiert die Direktorin: „Wir werden den Vertrag noch vor Jahresende unterschreiben“.

Un autre journal écrit : « Nous signerons le contrat avant la fin du mois ».
""",
        [
            "Nous signerons le contrat avant la fin de l'année",
            "équilibré et durable",
            "attend les nouvelles grues",
            "Wir werden",
        ],
        ["fin du mois"],
    ),
    Post(
        "British house style",
        {"tribunal.md": TRIBUNAL},
        """As the Harbour Ledger reports, the tribunal was clear: ‘Under clause 9 of the agreement, the landlord is not permitted to end the tenancy during the fixed term,’ it found.

The residents were pleased: ‘The residents' association welcomed the ruling and said it would advise other tenants on the harbour front.’

The landlord's side said 'they would study the decision carefully before deciding on an appeal', the paper says.

The lawyer was blunt: ‘We will appeal this ruling to the High Court before the end of the month,’ she said.
""",
        ["Under clause 9", "The residents' association welcomed", "they would study the decision"],
        ["We will appeal"],
    ),
    Post(
        "Chicago ellipses and omissions",
        {"council.md": COUNCIL},
        """As the Harbour Ledger reports, "The harbour council voted on Tuesday to approve a contract for four new container cranes . . . the largest investment in the port since it was rebuilt after the war."

The paper adds: "The harbour council voted on Tuesday to approve a contract. . . . Opponents said the port had not explained how it would pay for the dredging."

It quotes the campaign as “saying the dredging would ruin the oyster beds.”

And it says “Opponents said the port had … explained how it would pay for the dredging.”
""",
        [
            "for four new container cranes . . .",
            "a contract. . . . Opponents",
            "saying the dredging",
        ],
        ["had … explained"],
    ),
    Post(
        "hard-wrapped draft",
        {"council.md": COUNCIL},
        """As the Harbour Ledger reports, "Three members of the Port Watch group -
a residents' campaign - protested outside the hall on Tuesday, saying the
dredging would ruin the oyster beds."

And: "The harbour council voted on Tuesday to approve a contract for four new container
cranes, the largest investment in the port since it was rebuilt after the war."

Also: "Three members of the Port Watch group
- a residents' campaign - protested outside the hall on Tuesday, saying the
council had taken money from the crane makers."
""",
        [
            "Three members of the Port Watch group -",
            "The harbour council voted on Tuesday to approve a contract for four",
        ],
        ["crane makers"],
    ),
]


def _example() -> Post:
    """The bundled RTZ #767 post: its SCMP quotations are true, the reworded sub-headline is
    invented; the quotations of a New York Times piece that is not among the sources and the
    scare quotes are not counted."""
    true = [
        "US chip giant Nvidia has hired",
        "Zhu Banghua and Jiao Jiantao, both alumni",
        "We’ll be joining forces",
        "Jiao, who received a PhD",
        "AGI and ASI are higher levels",
        "Nemotron is a group at Nvidia",
        "Originally from China’s southern",
        "Zhu and Jiao have worked together",
        "Jiao served as CEO",
        "Nvidia’s recruiting of Zhu",
        "He Kaiming, an associate professor",
        "Meta also reportedly poached",
        "Those included Zhai Xiaohua",
        "China was the second-largest",
        "Nvidia taps 2 young Chinese AI experts",
    ]
    return Post("RTZ #767 (bundled example)", {}, "", true, ["share photos of themselves"])


def _quote(report: dict[str, object], needle: str) -> dict[str, object] | None:
    quotes = report.get("quotes", [])
    assert isinstance(quotes, list)
    for q in quotes:
        if needle in " ".join(str(q.get("text", "")).split()):
            return q  # type: ignore[no-any-return]
    return None


def run(drafter: list[str], post: Post, folder: Path) -> tuple[int, int, int, int, int, list[str]]:
    """(true quotations, false alarms, invented ones, misses, invented ones that passed with a
    warning, what went wrong) for one post."""
    folder.mkdir(parents=True)
    args = [*drafter, "check"]
    if post.sources:
        for name, text in post.sources.items():
            (folder / name).write_text(text, encoding="utf-8")
        draft = folder / "draft.md"
        draft.write_text(post.draft, encoding="utf-8")
        args += [str(draft)] + [a for n in post.sources for a in ("--source", str(folder / n))]
    else:
        draft = ROOT / "examples" / "rtz-767" / "draft.md"
        args.append(str(draft))
    proc = subprocess.run([*args, "--format", "json"], capture_output=True, text=True)
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        report = {}
    wrong = []
    alarms = 0
    for needle in post.true:
        q = _quote(report, needle)
        if q is None or not q.get("passed") or q.get("status") == "unchecked":
            alarms += 1
            wrong.append(f"true “{needle}”: {q.get('status') if q else 'not extracted'}")
    misses = warned = 0
    for needle in post.invented:
        q = _quote(report, needle)
        if q is not None and q.get("passed") and q.get("warning"):
            warned += 1
            wrong.append(f"invented “{needle}”: {q.get('status')} with a warning")
        elif q is None or q.get("passed"):
            misses += 1
            wrong.append(f"invented “{needle}”: {q.get('status') if q else 'not extracted'}")
    return len(post.true), alarms, len(post.invented), misses, warned, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drafter", default=f"{shlex.quote(sys.executable)} -m drafter")
    parser.add_argument("--verbose", action="store_true", help="List every wrong verdict.")
    opts = parser.parse_args()
    drafter = shlex.split(opts.drafter)
    totals = [0, 0, 0, 0, 0]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, post in enumerate([_example(), *POSTS]):
            got = run(drafter, post, Path(tmp) / f"p{i}")
            totals = [t + g for t, g in zip(totals, got[:5], strict=True)]
            rows.append((post.name, *got))
    print(
        f"{'post':<34} {'true':>4} {'false alarms':>12} {'invented':>8} {'missed':>6} {'warned':>6}"
    )
    for name, true, alarms, invented, misses, warned, wrong in rows:
        print(f"{name:<34} {true:>4} {alarms:>12} {invented:>8} {misses:>6} {warned:>6}")
        if opts.verbose:
            for w in wrong:
                print(f"    {w}")
    true, alarms, invented, misses, warned = totals
    print(
        f"{'all':<34} {true:>4} {alarms:>12} {invented:>8} {misses:>6} {warned:>6}\n"
        f"false-alarm rate {alarms / true:.0%} ({alarms} of {true} true quotations failed or "
        f"went unchecked); miss rate {misses / invented:.0%} ({misses} of {invented} invented "
        f"ones passed unflagged or were never checked; {warned} passed with a warning)"
    )


if __name__ == "__main__":
    main()
