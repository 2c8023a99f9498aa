"""Drafting: passages plus the writer's angle become a house-style draft, by Claude or offline.

Takes ``Source``s and ``Passage``s; gives the draft folder (``draft.md``, reports, ``run.json``).
``offline``, ``compose``, ``prompting`` and ``pricing`` are pure; ``llm`` is the one adapter to
the model service (the only module that imports anthropic); ``session`` and ``draft`` write files.
"""
