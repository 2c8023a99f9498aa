"""drafter: newsletter drafts in a house style, with every quote proven against its source.

One subpackage per stage, in pipeline order (README § Layout lists every module):

    sources/     files, URLs → Source → Passage[]          (I/O: files, network, the library)
    checker/     draft Markdown → Quote[] → QuoteCheck[] → text | JSON | Markdown   (pure)
    publishing/  draft + passing CheckResult → md | html | fragment; the HTML report
    drafting/    Passage[] + angle → draft Markdown, by Claude (``llm``) or offline

A stage imports only from the shared top level (``errors``, ``models``, ``resources``,
``fsutil``) and from stages before it. ``cli`` is the only module that knows click,
``drafting.llm`` the only one that knows anthropic, ``errors`` holds every error.
"""

__version__ = "0.1.0"
