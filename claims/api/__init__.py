"""REST API under /api/v1/: one small class per endpoint, with nested input/output serializers.

Lists page with a keyset cursor (stable while rows are added) and take ``updated_since``, so a
partner can pull everything that changed since its last visit. Exports stream published verdicts
in chunks, as CSV, NDJSON or schema.org ClaimReview, whatever their number.

Rooms: ``errors`` (error bodies, the exception handler, the JSON 404), ``base`` (the base view and
strict fields), ``pagination`` (keyset cursors), one module per resource (``articles``, ``claims``,
``verdicts``), ``claimreview`` (the ClaimReview builder and its schema), ``exports`` and ``urls``.
"""
