"""How `drafter check` scales with the size of the source library, against two baselines.

    python benchmarks/check_scale.py [--sizes 1,10,100] [--quotes 200] [--keep]

For each size (MB) it builds a seeded synthetic library and a draft of 200 quotes (exact,
typographic variants, altered by one word, elided, fabricated), then times, each in a fresh
process (peak memory is that process's max RSS):

- drafter: the real `drafter check --format json` code path;
- exact:   the plain baseline: normalise every source and quote, then substring search.
           It finds no near misses and no elisions;
- fuzzy:   what a typical developer writes for near misses: rapidfuzz partial alignment
           of every quote against every source (only at 1 MB; it grows as quotes × library).

Targets (issue 2): at 100 MB drafter ≤ 2× the exact baseline and peak memory < 3× the
library; at 1 MB ≥ 20× faster than the fuzzy baseline with the same verdicts.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import Generator

KINDS = ("exact", "variant", "altered", "elided", "fabricated")
EXPECTED = {
    "exact": "pass",
    "variant": "pass",
    "elided": "pass",
    "altered": "near",
    "fabricated": "none",
}


def build(
    root: Path, megabytes: int, quotes: int, seed: int = 7
) -> tuple[list[Path], Path, list[str]]:
    gen = Generator(seed)
    rng = random.Random(seed + 1)
    files = []
    for i, text in enumerate(gen.library(megabytes * 1_000_000)):
        p = root / f"src{i:05d}.txt"
        p.write_text(text, encoding="utf-8")
        files.append(p)
    paragraphs: list[str] = []
    for p in rng.sample(files, min(len(files), 60)):
        paragraphs += [x for x in p.read_text(encoding="utf-8").split("\n") if len(x.split()) >= 24]
    kinds = [KINDS[i % len(KINDS)] for i in range(quotes)]
    lines, truth = ["# Benchmark draft", ""], []
    for kind in kinds:
        para = rng.choice(paragraphs)
        words = para.split(" ")
        start = rng.randint(0, len(words) - 20)
        span = words[start : start + rng.randint(12, 20)]
        if kind == "variant":
            text = " ".join(span).replace("“", '"').replace("”", '"').replace("’", "'")
            text = text.replace(" — ", " -- ").replace(" ", "  ", 1)
        elif kind == "altered":
            k = rng.randint(2, len(span) - 3)
            span[k] = "zebra" if span[k] != "zebra" else "yak"
            text = " ".join(span)
        elif kind == "elided":
            text = " ".join(span[:5]) + " … " + " ".join(span[-5:])
        elif kind == "fabricated":
            text = gen.fabricated(16)
        else:
            text = " ".join(span)
        lines += [f"> {text}", ""]
        truth.append(kind)
    draft = root / "draft.md"
    draft.write_text("\n".join(lines), encoding="utf-8")
    return files, draft, truth


# --- the measured programs, each run in its own process --------------------------------------

_TABLE = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-"})


def _plain(text: str) -> str:
    return re.sub(
        r"\s+", " ", text.translate(_TABLE).replace(" - ", "-").replace("--", "-")
    ).strip()


def _quotes(draft: Path) -> list[str]:
    return [ln[2:] for ln in draft.read_text(encoding="utf-8").split("\n") if ln.startswith("> ")]


def run_drafter(draft: Path, files: list[Path]) -> list[str]:
    from drafter.checker.check import check_draft
    from drafter.checker.report import to_json

    result = check_draft(draft, files)
    report = json.loads(to_json(result))
    out = []
    for q in report["quotes"]:
        assert q["status"] != "altered" or (q["nearest"] and q["diff"]), q
        out.append("pass" if q["passed"] else "near" if q["status"] == "altered" else "none")
    return out


def run_exact(draft: Path, files: list[Path]) -> list[str]:
    texts = [_plain(f.read_text(encoding="utf-8")) for f in files]
    return ["pass" if any(q in t for t in texts) else "none" for q in map(_plain, _quotes(draft))]


def run_fuzzy(draft: Path, files: list[Path]) -> list[str]:
    from rapidfuzz import fuzz

    texts = [_plain(f.read_text(encoding="utf-8")) for f in files]
    out = []
    for q in map(_plain, _quotes(draft)):
        best = max(fuzz.partial_ratio_alignment(q, t).score for t in texts)
        out.append("pass" if best >= 99.9 else "near" if best >= 85 else "none")
    return out


def child(program: str, draft: Path, files_list: Path) -> None:
    import resource

    files = [Path(p) for p in files_list.read_text().split("\n") if p]
    # Imports are not what is measured: load them before the clock starts, for every program.
    import rapidfuzz  # noqa: F401

    import drafter.checker.check  # noqa: F401

    t0 = time.perf_counter()
    verdicts = {"drafter": run_drafter, "exact": run_exact, "fuzzy": run_fuzzy}[program](
        draft, files
    )
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "peak": peak, "verdicts": verdicts}))


def measure(program: str, draft: Path, files_list: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", program, str(draft), str(files_list)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="1,10,100", help="library sizes in MB, comma-separated")
    ap.add_argument("--quotes", type=int, default=200)
    ap.add_argument("--keep", action="store_true", help="keep the generated libraries")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    print(
        f"{'size':>6} {'program':>8} {'seconds':>8} {'peak MB':>8} {'×library':>8} "
        f"{'ratio':>22} {'agree':>10}"
    )
    for mb in (int(s) for s in args.sizes.split(",")):
        root = Path(tempfile.mkdtemp(prefix=f"drafter-bench-{mb}mb-"))
        try:
            files, draft, truth = build(root, mb, args.quotes)
            listing = root / "files.txt"
            listing.write_text("\n".join(map(str, files)))
            size = sum(f.stat().st_size for f in files)
            programs = ["exact", "drafter"] + (["fuzzy"] if mb <= 1 else [])
            results = {p: measure(p, draft, listing) for p in programs}
            ours = results["drafter"]
            expected = [EXPECTED[k] for k in truth]
            for p, r in results.items():
                ratio = ""
                if p == "drafter":
                    ratio = f"{r['seconds'] / results['exact']['seconds']:.2f}× exact"
                elif p == "fuzzy":
                    ratio = f"drafter {r['seconds'] / ours['seconds']:.0f}× faster"
                if p == "fuzzy":
                    same = [
                        a == b
                        for a, b, k in zip(r["verdicts"], ours["verdicts"], truth, strict=True)
                        if k != "elided"
                    ]
                    agree = f"{sum(same)}/{len(same)}"
                else:
                    right = sum(a == b for a, b in zip(r["verdicts"], expected, strict=True))
                    agree = f"{right}/{len(expected)}"
                print(
                    f"{mb:>4}MB {p:>8} {r['seconds']:>8.2f} {r['peak'] / 1e6:>8.0f} "
                    f"{r['peak'] / size:>8.2f} {ratio:>22} {agree:>10}",
                    flush=True,
                )
        finally:
            if not args.keep:
                shutil.rmtree(root, ignore_errors=True)
    print(
        "agree: drafter and exact rows = verdicts matching the truth (pass / near miss / none);"
        " fuzzy row = verdicts equal to drafter's, elided quotes left out (it cannot read '…')."
    )


if __name__ == "__main__":
    main()
