"""Sources in: files, saved pages and URLs become ``Source`` snapshots and ``Passage`` lists.

Takes paths, URLs and bytes; gives ``Source`` (text + metadata + sha256) and ``Passage[]`` with
stable ids. Does I/O: ``ingest`` reads files, ``fetch`` the network, ``library`` its SQLite file;
``ids``, ``frontmatter``, ``html`` and ``chunk`` are pure.
"""
