"""drafter: newsletter drafts in a house style, with every quote proven against its source.

The pipeline, one module a stage (see README § Layout for every module):

    ingest   files, URLs → Source                  (I/O: encodings, front matter, snapshots)
    chunk    Source → Passage[]                    (pure)
    draft    Passage[] → draft Markdown            (compose/offline pure; llm.py the model)
    extract  draft Markdown → Quote[]              (pure)
    verify   Quote[] × Library → QuoteCheck[]      (pure; normalize + the Aho-Corasick index)
    report   CheckResult → text | JSON | MD | HTML (pure)
    render   draft + passing CheckResult → md | html | fragment (the gate, the read-back)

``check.py`` and ``draft.py`` wire the stages for the CLI; ``cli.py`` is the only module that
knows click, ``llm.py`` the only one that knows anthropic, ``errors.py`` holds every error.
"""

__version__ = "0.1.0"
