"""Admin: declarative config. Every change and every action goes through a service and is audited.

Built for a million claims: no exact COUNT of a big table on each page load, one query per list
(``list_select_related``), filters and a date drill-down that use indexes, autocomplete where a
plain select would list every row, and bulk actions held to a limit.

One module per model; ``large_tables`` holds what lets a list scale, ``bulk`` how an action over
a selection runs. Importing them here registers them (Django autodiscovers ``claims.admin``).
"""

from claims.admin import (  # noqa: F401
    articles,
    audit,
    claims,
    factchecks,
    feeds,
    tokens,
    users,
    verdicts,
    webhooks,
)
