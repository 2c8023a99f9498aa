"""drafter: newsletter drafts in a house style, with every quote proven against its source.

The pipeline, one module a stage:

    ingest  files → Source            (I/O: reads files, front matter, encodings)
    chunk   Source → Passage[]        (pure)
    extract draft Markdown → Quote[]  (pure)
    verify  Quote[] × Source[] → QuoteCheck[]   (pure; uses normalize + the quote index)
    report  QuoteCheck[] → text | JSON | Markdown (pure)

``check.py`` wires them together for the CLI; ``cli.py`` is the only module that knows click.
"""

__version__ = "0.1.0"
