"""Benchmark: a year of posts checked in one command (issue 13), not a test.

    .venv/bin/python benchmarks/archive_scale.py [--posts 500] [--quotes 20] [--articles 10000]
                                                 [--sample 40] [--rebuild]

Builds (once, cached under benchmarks/.data/archive_scale/) a library of 10,000 synthetic
news articles, each a Markdown file with front matter, and 500 posts of 20 quotes each: a
post quotes four articles of its week (ten posts a week share a pool of 24 articles, as a
newsletter's posts do), names them in its front matter and in lead-ins, and a few of its
quotes are altered by a word or invented. Then it times, each as a fresh process:

  1. `drafter check posts/`            every core (the default), one summary table
  2. `drafter check posts/ --jobs 1`   one process, one core
  3. `drafter check POST`              once per post, one process at a time (the way it was
                                       done before): `--sample` posts, scaled to all of them

and prints total time, posts per second, and the ratios (target: 3 ÷ 1 ≥ 1.7 on 2 cores).
Runs 1 and 2 must give the same verdicts (their JSON summaries are compared).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data" / "archive_scale"
DRAFTER = [sys.executable, "-m", "drafter"]
sys.path.insert(0, str(HERE))
from synthetic import Generator  # noqa: E402

_PAPERS = ("Gazette", "Post", "Herald", "Ledger", "Times", "Chronicle", "Observer", "Courier")


def build(root: Path, articles: int, posts: int, quotes: int, seed: int = 11) -> None:
    gen = Generator(seed)
    rng = random.Random(seed + 1)
    # The articles sit in a folder inside the posts' folder, as a newsletter keeps them: a
    # draft's front matter may name only files inside the draft's own folder (DESIGN.md §
    # Trust), so "../articles" would be refused.
    out = root / "posts"
    lib = out / "articles"
    lib.mkdir(parents=True)  # and the posts' folder around it
    papers = [f"The {n} {p}" for n in gen.names[:60] for p in _PAPERS[:2]]
    meta: list[tuple[str, str, list[str]]] = []
    for i in range(articles):
        paper = papers[i % len(papers)]
        title = gen.fabricated(rng.randint(6, 10)).rstrip(".")
        body = "\n".join(gen.paragraph() for _ in range(rng.randint(6, 12)))
        head = (
            f'---\ntitle: "{title}"\npublication: "{paper}"\n'
            f"url: https://news{i % 97}.example.com/{i:05d}\ndate: 2025-01-01\n---\n"
        )
        (lib / f"a{i:05d}.md").write_text(head + body + "\n", encoding="utf-8")
        meta.append((paper, title, [p for p in body.split("\n") if len(p.split()) >= 20]))
    for n in range(posts):
        week = n // 10
        pool = [(week * 24 + k) % articles for k in range(24)]
        chosen = rng.sample(pool, 4)
        lines = ["---", "sources:"] + [f"  - path: articles/a{a:05d}.md" for a in chosen]
        lines += ["---", "", f"# Post {n}", ""]
        for q in range(quotes):
            group = q * 4 // quotes  # quotes in four groups, one per article
            paper, _, paras = meta[chosen[group]]
            if q == 0 or group != (q - 1) * 4 // quotes:
                lines += [f"As {paper} reports:", ""]
            kind = rng.random()
            if kind < 0.08 or not paras:
                text = gen.fabricated(14)
            else:
                words = rng.choice(paras).split(" ")
                start = rng.randint(0, max(0, len(words) - 16))
                span = words[start : start + rng.randint(10, 16)]
                if kind < 0.16:
                    span[len(span) // 2] = "zebra"
                text = " ".join(span)
            lines += [f"> {text}", ""]
        (out / f"post{n:04d}.md").write_text("\n".join(lines), encoding="utf-8")


CPU: dict[str, float] = {}  # run -> CPU seconds of all its processes (best of the runs)


def timed(args: list[str], cwd: Path, name: str = "") -> tuple[float, str, int]:
    """Wall time, stdout and exit code of one drafter run; its CPU time (workers included)
    is kept in ``CPU[name]``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run([*DRAFTER, *args], cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if name:
        CPU[name] = min(CPU.get(name, cpu), cpu)
    return seconds, done.stdout, done.returncode


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--posts", type=int, default=500)
    ap.add_argument("--quotes", type=int, default=20)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=40, help="posts timed one process each")
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    root = DATA / f"{args.articles}-{args.posts}-{args.quotes}"
    if args.rebuild or not (root / "posts").is_dir():
        shutil.rmtree(root, ignore_errors=True)
        t0 = time.perf_counter()
        build(root, args.articles, args.posts, args.quotes)
        print(f"built {root} in {time.perf_counter() - t0:.0f} s", flush=True)
    cores = os.cpu_count() or 1
    posts = sorted((root / "posts").glob("*.md"))
    timed(["check", str(posts[0].relative_to(root))], root)  # warm up: caches, bytecode
    # Interleaved, best of two: the machine is shared, and a burst of load on one run
    # should not decide the ratio.
    every = one = float("inf")
    for _ in range(2):
        seconds, out_every, code = timed(["check", "posts", "--format", "json"], root, "every")
        assert code in (0, 1), out_every[-500:]
        every = min(every, seconds)
        seconds, out_one, _ = timed(
            ["check", "posts", "--format", "json", "--jobs", "1"], root, "one"
        )
        one = min(one, seconds)
    same = [
        [(p["draft"], p.get("quotes"), p.get("passed"), p.get("failed")) for p in doc["posts"]]
        for doc in (json.loads(out_every), json.loads(out_one))
    ]
    assert same[0] == same[1], "the parallel run's verdicts differ from the one-process run's"
    sample = random.Random(3).sample(posts, min(args.sample, len(posts)))
    t0 = time.perf_counter()
    for post in sample:
        timed(["check", str(post.relative_to(root)), "--format", "json"], root)
    per_post = (time.perf_counter() - t0) / len(sample)
    separately = per_post * len(posts)
    quotes = sum(p.get("quotes", 0) for p in json.loads(out_every)["posts"])
    print(f"{len(posts)} posts, {quotes} quotes, {args.articles} articles, {cores} cores")
    print(f"{'run':<44} {'seconds':>8} {'cpu s':>7} {'posts/s':>8} {'ratio':>7}")
    rows = [
        (f"check posts/ (every core, {cores} processes)", every, f"{CPU['every']:.1f}"),
        ("check posts/ --jobs 1 (one process)", one, f"{CPU['one']:.1f}"),
        (f"check POST, one process each ({len(sample)} timed, scaled)", separately, ""),
    ]
    for name, seconds, cpu in rows:
        print(
            f"{name:<44} {seconds:>8.1f} {cpu:>7} {len(posts) / seconds:>8.1f} "
            f"{seconds / every:>6.2f}×"
        )
    print(
        "ratio: each run's wall time ÷ the every-core run's; target: one process each ≥ 1.7×. "
        "cpu s: CPU time of the run's processes (the same work, spread over the cores or "
        f"not); load average now {os.getloadavg()[0]:.1f} on {cores} cores."
    )


if __name__ == "__main__":
    main()
