"""The checker: every quoted span of a Markdown draft, proven against the sources or not.

Takes draft Markdown and ``Source``s; gives ``Quote[]``, ``QuoteCheck[]`` and a ``CheckResult``
with text, JSON and Markdown reports. Pure, except ``check``, which reads the draft and its
sources (through ``drafter.sources``) for the CLI.
"""
