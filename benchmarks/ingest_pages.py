"""Benchmark: HTML ingest of 1,000 saved pages, before and after the walk change (not a test).

Generates (seeded, in memory) news pages of the shapes real sites have: navigation, a header,
the article with headings, <br> lines, a nested list, a figure caption, a block quote, text
between blocks, an aside and comments; and pages that are little more than a list (some of
linked items), and pages with half the article in a "teaser" block. For each page it runs

  before  decode + trafilatura's default extraction + the previous walk over its tree
          (itertext per block, tail text dropped: copied below as it was)
  after   ``drafter.sources.html.extract_article``: the new walk, the recall check, the
          re-split of flat fallback paragraphs

one after the other on the same page (so both see the same machine load), and prints per
program: the time per page (median, 95th percentile, mean), pages refused as "no article",
and how many of the generated article paragraphs are in the output verbatim (whitespace
aside): the words a quote can be proven against.

    .venv/bin/python benchmarks/ingest_pages.py [--pages 1000] [--seed 7] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import Generator

from drafter.errors import InputError
from drafter.sources import html as H

_OLD_BLOCKS = {"p", "head", "quote", "code", "item", "row", "cell"}


def old_blocks(element: Any) -> list[str]:
    """The walk before this change, verbatim: block text by itertext (words either side of
    a <br> or a nested list glued), tail text and text between blocks dropped."""
    out: list[str] = []
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("list", "table", "row", "div") or (tag == "quote" and len(child)):
            inner = old_blocks(child)
            if tag == "row" and inner:
                out.append(" | ".join(inner))
            elif inner:
                out.extend(inner)
            elif tag == "quote":
                out.append(" ".join("".join(child.itertext()).split()))
            continue
        if tag in _OLD_BLOCKS or tag == "quote":
            text = " ".join("".join(child.itertext()).split())
            if text:
                out.append(text)
    return out


def before(page: str) -> str:
    doc = H._extract(H._prepare(page), "", recall=False)
    if doc is None or isinstance(doc, dict) or doc.body is None:
        raise InputError("page", "no article text found on the page")
    paragraphs = old_blocks(doc.body)
    text = "\n\n".join(paragraphs)
    if len(text) < H.MIN_ARTICLE_CHARS or not any(
        len(p.split()) >= H.MIN_PARAGRAPH_WORDS for p in paragraphs
    ):
        raise InputError("page", "no article text found on the page")
    return text


RECALL_USED: list[str] = []
RECALL_RUNS: list[bool] = []
_extract = H._extract


def _counted(tree: Any, url: str, recall: bool, metadata: bool = True) -> Any:
    RECALL_RUNS.append(recall)
    return _extract(tree, url, recall, metadata)


H._extract = _counted  # count how often the recall check runs trafilatura a second time


def after(page: str) -> str:
    article = H.extract_article(page, "page")
    if article.note:
        RECALL_USED.append(article.note)
    return article.text


FURNITURE = (
    '<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">'
    'Business</a> <a href="/sport">Sport</a></nav></header>'
)
FOOTER = "<footer><p>© The Harbour Ledger. All rights reserved.</p></footer>"


def news_page(g: Generator) -> tuple[str, list[str]]:
    """A news article of the usual shape; returns the page and its article's paragraphs."""
    rng = g.rng
    title = g.sentence().rstrip(".")
    paras = [g.paragraph() for _ in range(rng.randint(5, 10))]
    lines = [g.sentence() for _ in range(3)]
    items = [g.sentence() for _ in range(3)]
    sub = [g.sentence() for _ in range(2)]
    caption = g.sentence()
    loose = g.sentence()
    quote = g.paragraph()
    body = [f"<h1>{title}</h1>", f"<p>{paras[0]}</p>", f"<p>{paras[1]}</p>"]
    body.append(f"<figure><img src='x.jpg'><figcaption>{caption}</figcaption></figure>")
    body.append(f"<p>{'<br>'.join(lines)}</p>")
    body.append(
        f"<ul><li>{items[0]}</li><li>{items[1]}<ul><li>{sub[0]}</li><li>{sub[1]}</li></ul>"
        f"</li><li>{items[2]}</li></ul>"
    )
    body.append(f"<p>{paras[2]}</p>\n{loose}\n<p>{paras[3]}</p>")
    body.append(f"<blockquote><p>{quote}</p></blockquote>")
    body += [f"<p>{p}</p>" for p in paras[4:]]
    aside = f"<aside><h3>Related</h3><ul><li><a href='/r'>{g.sentence()}</a></li></ul></aside>"
    comments = f"<div class='comments'><p class='comment'>{g.sentence()}</p></div>"
    page = (
        f"<!DOCTYPE html><html><head><title>{title} - The Harbour Ledger</title>"
        f'<meta property="og:site_name" content="The Harbour Ledger"></head><body>'
        f"{FURNITURE}<main><article>{''.join(body)}</article>{aside}{comments}</main>"
        f"{FOOTER}</body></html>"
    )
    whole = [title, *paras, caption, *lines, *items, *sub, loose, quote]
    return page, whole


def list_page(g: Generator, linked: bool) -> tuple[str, list[str]]:
    rng = g.rng
    title = g.sentence().rstrip(".")
    items = [g._clause(rng.randint(4, 9)).capitalize() for _ in range(rng.randint(6, 12))]
    lis = "".join(
        f"<li><a href='/i{i}'>{t}</a></li>" if linked else f"<li>{t}</li>"
        for i, t in enumerate(items)
    )
    page = (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body>{FURNITURE}"
        f"<main><h1>{title}</h1><ol>{lis}</ol></main>{FOOTER}</body></html>"
    )
    return page, [title, *items]


def teaser_page(g: Generator) -> tuple[str, list[str]]:
    title = g.sentence().rstrip(".")
    paras = [g.paragraph() for _ in range(10)]
    first = "".join(f"<p>{p}</p>" for p in paras[:5])
    rest = "".join(f"<p>{p}</p>" for p in paras[5:])
    page = (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body>{FURNITURE}"
        f"<article><h1>{title}</h1>{first}<div class='story-teaser'>{rest}</div></article>"
        f"{FOOTER}</body></html>"
    )
    return page, [title, *paras]


def pages(n: int, seed: int) -> list[tuple[str, list[str]]]:
    g = Generator(seed)
    out = []
    for i in range(n):
        kind = i % 10
        if kind < 7:
            out.append(news_page(g))
        elif kind == 7:
            out.append(list_page(g, linked=False))
        elif kind == 8:
            out.append(list_page(g, linked=True))
        else:
            out.append(teaser_page(g))
    return out


def found(text: str, paragraphs: list[str]) -> int:
    """How many of ``paragraphs`` are in ``text`` verbatim, whitespace aside, each whole."""
    blocks = [" ".join(b.split()) for b in text.split("\n\n")]
    joined = "\n".join(blocks)
    return sum(1 for p in paragraphs if " ".join(p.split()) in joined)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs per page; the best counts")
    args = parser.parse_args()
    made = pages(args.pages, args.seed)
    programs = {"before": before, "after": after}
    times: dict[str, list[float]] = {k: [] for k in programs}
    refused = dict.fromkeys(programs, 0)
    kept = dict.fromkeys(programs, 0)
    total = sum(len(w) for _, w in made)
    H._extract(H._prepare(made[0][0]), "", recall=False)  # imports and caches, not timed
    for i, (page, want) in enumerate(made):
        # Alternate which runs first, so neither always finds the other's warm caches; each
        # page's time is the best of --repeat runs (the machine is shared: load spikes).
        for name, program in sorted(programs.items(), reverse=bool(i % 2)):
            best = float("inf")
            for _ in range(args.repeat):
                started = time.perf_counter()
                try:
                    text = program(page)
                except InputError:
                    text = ""
                best = min(best, time.perf_counter() - started)
            times[name].append(best)
            refused[name] += not text
            kept[name] += found(text, want)
    print(f"{len(made)} pages ({total} article paragraphs), seed {args.seed}")
    print(
        f"{'program':>8} {'median ms':>10} {'p95 ms':>8} {'mean ms':>8} {'total s':>8} "
        f"{'refused':>8} {'paragraphs kept':>16}"
    )
    base = statistics.mean(times["before"])
    for name in programs:
        t = sorted(times[name])
        p95 = t[int(0.95 * (len(t) - 1))]
        print(
            f"{name:>8} {1000 * statistics.median(t):>10.2f} {1000 * p95:>8.2f} "
            f"{1000 * statistics.mean(t):>8.2f} {sum(t):>8.2f} {refused[name]:>8} "
            f"{kept[name]:>9}/{total} {100 * kept[name] / total:5.1f}%"
        )
    print(f"after/before mean time: {statistics.mean(times['after']) / base:.2f}×")
    tried, used = sum(RECALL_RUNS) // args.repeat, len(RECALL_USED) // args.repeat
    print(f"after: recall mode run on {tried} pages, used on {used}")


if __name__ == "__main__":
    main()
