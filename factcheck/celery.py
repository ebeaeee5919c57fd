"""The Celery app: ``celery -A factcheck worker`` and ``celery -A factcheck beat``."""

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _close_old_db_connections(sender: Any = None, **kwargs: Any) -> None:
    """Django's request-cycle rule around each task: drop a connection that broke or outlived
    ``CONN_MAX_AGE``, keep a good one. Celery's own fixup would otherwise close it around every
    task (unless ``CELERY_DB_REUSE_MAX``, set in settings, says how often), and a split would
    pay a new PostgreSQL connection and backend each time. Eager tasks run in the caller's
    connection (its transaction, in tests) and are left alone."""
    if sender is not None and getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


def _configure_embedded_broker() -> None:
    from django.conf import settings

    if settings.CELERY_BROKER_IS_EMBEDDED:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        # kombu reads the polling interval from the transport class, not from transport options.
        from kombu.transport.sqlalchemy import Transport

        Transport.polling_interval = settings.CELERY_EMBEDDED_POLLING_INTERVAL


_configure_embedded_broker()
