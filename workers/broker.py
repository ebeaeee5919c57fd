"""Housekeeping for the embedded (SQLite) broker."""

import sqlite3
from datetime import datetime, timedelta
from urllib.parse import urlsplit


def embedded_broker_path(broker_url: str) -> str | None:
    """The SQLite file behind a ``sqla+sqlite:///...`` broker URL, or None for other brokers."""
    if not broker_url.startswith("sqla+sqlite:"):
        return None
    path = urlsplit(broker_url.removeprefix("sqla+")).path
    # sqlite:////abs/path -> path "//abs/path"; sqlite:///rel -> "/rel" (relative to the cwd).
    return path[1:] if path.startswith("//") else path.lstrip("/")


def prune_delivered_messages(broker_url: str, *, older_than: timedelta) -> int:
    """Delete messages the embedded broker has delivered; kombu's SQLAlchemy transport keeps them
    forever (it only flips ``visible`` off). Idempotent. Returns how many rows went."""
    path = embedded_broker_path(broker_url)
    if path is None:
        return 0
    # kombu stamps messages with naive local time.
    cutoff = datetime.now() - older_than
    with sqlite3.connect(path, timeout=30) as conn:
        exists = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kombu_message'"
        ).fetchone()
        if not exists:
            return 0
        cursor = conn.execute(
            "DELETE FROM kombu_message WHERE visible = 0 AND timestamp < ?",
            (cutoff.strftime("%Y-%m-%d %H:%M:%S.%f"),),
        )
        return cursor.rowcount
