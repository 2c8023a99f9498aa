"""The scan keeps what verdicts need (issue 13): a near miss is located in its own article
whatever its place in the library."""

from __future__ import annotations

from drafter.checker.index import build
from drafter.checker.verify import verify
from drafter.models import Kind, Quote, Source, Status
from drafter.sources.ids import sha256

QUOTE = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda muon"
FILLER = " ".join(f"word{i}" for i in range(60))


def _source(sid: str, text: str) -> Source:
    return Source(sid, text, sha256(text))


def test_a_near_miss_late_in_a_large_library_is_located_in_its_article() -> None:
    # 250 articles each hold two of the quote's four-word phrases, far apart; only the last
    # article holds them together, with one word of the quote changed. Keeping the first 200
    # places of each phrase in the library lost that article.
    decoys = [
        _source(f"d{i:03d}", f"alpha beta gamma delta {FILLER} epsilon zeta eta theta.")
        for i in range(250)
    ]
    altered = QUOTE.replace("kappa", "kappo")
    true = _source("true", f"{FILLER}. {altered}. {FILLER}.")
    (check,) = verify([Quote("q1", QUOTE, 1, Kind.BLOCK)], build([*decoys, true]))
    assert check.status is Status.ALTERED
    assert check.nearest is not None and check.nearest.source == "true"
