"""The Celery app: ``celery -A factcheck worker`` and ``celery -A factcheck beat``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _configure_embedded_broker() -> None:
    from django.conf import settings

    if settings.CELERY_BROKER_IS_EMBEDDED:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        # kombu reads the polling interval from the transport class, not from transport options.
        from kombu.transport.sqlalchemy import Transport

        Transport.polling_interval = settings.CELERY_EMBEDDED_POLLING_INTERVAL


_configure_embedded_broker()
