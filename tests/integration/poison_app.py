"""The project's Celery app with one change, for a fault test: the extractor SIGKILLs its own
worker process when the article contains ``POISON``, as the out-of-memory killer or a segfault in
native code would. Start a worker with ``celery -A tests.integration.poison_app worker``."""

import os
import signal
from collections.abc import Sequence
from typing import Any

from celery.signals import task_prerun

from factcheck.celery import app

POISON = "POISON-PILL"

__all__ = ["POISON", "app"]


@task_prerun.connect
def _poison_the_extractor(**kwargs: Any) -> None:
    # In the pool process, just before a task runs (not at process start: a slow start-up gets
    # the new process killed by Celery). The split task imports ``extract_article`` from
    # ``workers.nlp`` when it runs, so it gets this one.
    import workers.nlp

    real = workers.nlp.extract_article
    if getattr(real, "poisoned", False):
        return

    def extract_or_die(body: str) -> tuple[Sequence[Any], str]:
        if POISON in body:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(body)

    extract_or_die.poisoned = True  # type: ignore[attr-defined]
    workers.nlp.extract_article = extract_or_die
