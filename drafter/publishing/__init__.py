"""Publishing: a checked draft becomes the post (Markdown, HTML page, fragment) and the report page.

Takes draft Markdown and its ``CheckResult``; gives HTML and Markdown strings, only when every
quote passes (the gate) and after reading each quote back out of the output. Pure but for
templates, except ``clipboard``, which runs the system's clipboard tool.
"""
