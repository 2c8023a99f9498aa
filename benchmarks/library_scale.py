"""Benchmark: `drafter check --library` on a library of 10,000 articles (not a test).

Builds (once, cached under benchmarks/.data/) 10,000 synthetic news-like articles from a
seeded generator, adds them to a source library, writes a 20-quote draft whose quotes come
from random articles (exact, re-wrapped, elided, one word changed, and one in no article),
then times

  1. `drafter check DRAFT --library-path LIB`        (target: under 1 s once the library is built)
  2. `drafter check DRAFT --source F1 … F10000` (the same articles passed as files)

each as a fresh process (what a user waits for), and prints the times and their ratio.

    .venv/bin/python benchmarks/library_scale.py [--articles 10000] [--seed 7] [--rebuild]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / ".data" / "library_scale"

PUBLICATIONS = [
    "The Harbour Ledger",
    "Riverside Gazette",
    "Northgate Business Daily",
    "The Evening Post",
    "Metro Chronicle",
    "The Coastal Times",
    "Valley Herald",
    "The Capital Observer",
]
_COMMON_WORDS = (
    "the of and to in a is that for on with as was said by it at from be have has an "
    "are this which but not were they their will its more would after about also been "
    "had than when new one two three last year week officials company government people"
)
_VERB_WORDS = "approved rejected announced delayed expanded reviewed cut raised defended"
COMMON = _COMMON_WORDS.split()
VERBS = _VERB_WORDS.split()


def make_vocabulary(rng: random.Random, n: int = 4000) -> list[str]:
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    words = set()
    while len(words) < n:
        syllables = rng.randint(2, 4)
        words.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(syllables)))
    return sorted(words)


def sentence(rng: random.Random, vocab: list[str]) -> str:
    n = rng.randint(12, 26)
    words = [rng.choice(COMMON) if rng.random() < 0.45 else rng.choice(vocab) for _ in range(n)]
    words[rng.randrange(n)] = rng.choice(VERBS)
    if rng.random() < 0.3:
        words.insert(rng.randrange(n), str(rng.randint(2, 9999)))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def make_article(i: int, rng: random.Random, vocab: list[str]) -> str:
    pub = rng.choice(PUBLICATIONS)
    title = " ".join(rng.choice(vocab) for _ in range(rng.randint(5, 9))).capitalize()
    paragraphs = []
    for _ in range(rng.randint(8, 16)):
        para = " ".join(sentence(rng, vocab) for _ in range(rng.randint(2, 5)))
        if rng.random() < 0.25:
            para = f"“{para}” said {rng.choice(vocab).capitalize()}."
        paragraphs.append(para)
    body = "\n\n".join(paragraphs)
    return (
        f"---\ntitle: {title}\npublication: {pub}\nurl: https://news.example/{i}\n"
        f"date: 2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n---\n\n{body}\n"
    )


def build_articles(n: int, seed: int) -> list[Path]:
    folder = DATA / "articles"
    paths = [folder / f"a{i:05d}.md" for i in range(n)]
    if all(p.exists() for p in paths):
        return paths
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    vocab = make_vocabulary(rng)
    for i, p in enumerate(paths):
        p.write_text(make_article(i, rng, vocab), encoding="utf-8")
    return paths


def build_library(paths: list[Path], lib: Path) -> float:
    """Add every article, one transaction each, as `drafter sources add` does."""
    from drafter.sources.ingest import load_snapshot
    from drafter.sources.library import Library

    lib.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(str(lib) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    with Library(lib, create=True) as library:
        for p in paths:
            library.add(load_snapshot(p))
    return time.perf_counter() - started


def paragraph_of(path: Path, rng: random.Random) -> str:
    from drafter.sources import frontmatter

    body = frontmatter.split(path.read_text(encoding="utf-8")).body
    paras = [p for p in body.split("\n\n") if p.strip() and not p.startswith("“")]
    return rng.choice(paras).strip()


def make_draft(paths: list[Path], seed: int) -> str:
    """20 unattributed quotes: 12 exact, 3 re-wrapped, 2 elided, 2 altered, 1 in no article."""
    rng = random.Random(seed + 1)
    chosen = rng.sample(paths, 19)
    out = ["# Twenty quotes", ""]
    for k, p in enumerate(chosen):
        para = paragraph_of(p, rng)
        sentences = [s + "." for s in para.rstrip(".").split(". ")]
        quote = sentences[0]
        if k < 12:
            pass
        elif k < 15:
            words = quote.split(" ")
            quote = " ".join(words[: len(words) // 2]) + "\n" + " ".join(words[len(words) // 2 :])
        elif k < 17 and len(sentences) > 2:
            quote = sentences[0].rstrip(".") + " … " + sentences[2]
        else:
            words = quote.split(" ")
            words[len(words) // 2] = "flamingo"
            quote = " ".join(words)
        out += [f"A point about this. “{quote}” Then more commentary.", ""]
    out += ["“This sentence was never written by any of the ten thousand articles here.”", ""]
    return "\n".join(out)


def timed(cmd: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"failed ({done.returncode}): {done.stderr.strip()}")
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    print(f"    {summary}")
    return elapsed, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the library")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))

    started = time.perf_counter()
    paths = build_articles(args.articles, args.seed)
    print(f"{len(paths)} articles ready in {time.perf_counter() - started:.1f} s")
    lib = DATA / f"library-{args.articles}-{args.seed}.sqlite"
    if args.rebuild or not lib.exists():
        took = build_library(paths, lib)
        print(
            f"library built in {took:.1f} s ({took / len(paths) * 1000:.2f} ms per article), "
            f"{lib.stat().st_size / 1_048_576:.0f} MB"
        )
    draft = DATA / "draft.md"
    draft.write_text(make_draft(paths, args.seed), encoding="utf-8")

    drafter = [sys.executable, "-m", "drafter"]
    print("check --library:")
    runs = sorted(
        timed([*drafter, "check", str(draft), "--library-path", str(lib)])[0] for _ in range(5)
    )
    lib_time = runs[len(runs) // 2]
    print(
        f"  {lib_time:.3f} s median of 5 fresh processes (best {runs[0]:.3f}, worst "
        f"{runs[-1]:.3f}; Python start-up and imports included)"
    )
    from drafter.checker.check import check_draft

    warm = []
    for _ in range(3):
        started = time.perf_counter()
        check_draft(draft, [], library=lib)
        warm.append(time.perf_counter() - started)
    print(f"  {min(warm):.3f} s in-process (check_draft alone, best of 3)")
    print("check --source × all articles:")
    files = [a for p in paths for a in ("--source", str(p))]
    files_time, _ = timed([*drafter, "check", str(draft), *files])
    print(f"  {files_time:.3f} s")
    print(
        f"ratio: files / library = {files_time / lib_time:.1f}×; "
        f"library check {'meets' if lib_time < 1 else 'MISSES'} the 1 s target"
    )


if __name__ == "__main__":
    main()
