"""How long `drafter --help` and `drafter draft --help` take, against `python -c pass`.

Run: .venv/bin/python benchmarks/cli_startup.py [repeats]
The SDK is imported only when a model call is made, so help should stay under 0.3 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path


def best(cmd: list[str], repeats: int) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    exe = Path(sys.executable)
    drafter = exe.with_name("drafter")
    base, base_med = best([str(exe), "-c", "pass"], repeats)
    print(f"{'python -c pass':<22} min {base * 1000:6.1f} ms  median {base_med * 1000:6.1f} ms")
    for args in (["--help"], ["draft", "--help"]):
        t, med = best([str(drafter), *args], repeats)
        label = "drafter " + " ".join(args)
        print(
            f"{label:<22} min {t * 1000:6.1f} ms  median {med * 1000:6.1f} ms  "
            f"ratio {t / base:4.1f}x  {'OK' if t < 0.3 else 'SLOW'} (< 300 ms)"
        )


if __name__ == "__main__":
    main()
