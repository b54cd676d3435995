"""``cfglint review``: lint what a change touches at its base and head, keep only what the
change made new, anchor it on a changed line, and post it to GitHub or GitLab.

Imported only by the ``review`` command. The pieces, in the order a run uses them:
``git`` (refs, renames, blobs, hunks; never a checkout), ``sides`` (lint a blob as at
head, with head's settings), ``classify`` (new / fixed / existing by fingerprint),
``anchor`` (which changed line a finding belongs to), ``suggest`` and ``body`` (what a
comment says), ``plan`` (the whole review as data), then a poster: ``github`` or
``gitlab`` over ``http``, with ``fallback`` (annotations and the step summary) when the
token may not write.
"""
