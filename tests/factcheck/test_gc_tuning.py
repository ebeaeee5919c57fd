"""The web process's garbage collector: frozen start-up objects and a larger first generation."""

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

from factcheck.gc_tuning import gc_tune_for_serving

ROOT = Path(__file__).resolve().parent.parent.parent
PROBE = (
    "import gc, json; default = gc.get_threshold(); import factcheck.wsgi; print(json.dumps("
    "{'default': default, 'threshold': gc.get_threshold(), 'frozen': gc.get_freeze_count()}))"
)


def _wsgi_process_gc(**env: str) -> dict[str, object]:
    """Load factcheck.wsgi in a fresh interpreter, as gunicorn does, and read its collector."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "factcheck.settings", **env}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_wsgi_application_freezes_its_start_and_raises_the_first_threshold() -> None:
    state = _wsgi_process_gc()
    default: list[int] = state["default"]  # type: ignore[assignment]
    assert state["threshold"] == [10_000, *default[1:]]
    # Django, DRF and the URL conf: well over a hundred thousand objects out of the collector's way.
    assert state["frozen"] > 50_000  # type: ignore[operator]


def test_the_settings_give_pythons_own_collector_back() -> None:
    state = _wsgi_process_gc(FACTCHECK_WEB_GC_FREEZE="false", FACTCHECK_WEB_GC_GEN0_THRESHOLD="0")
    assert state["threshold"] == state["default"]
    assert state["frozen"] == 0


def test_it_keeps_the_older_generations_thresholds() -> None:
    before = gc.get_threshold()
    try:
        gc_tune_for_serving(freeze=False, gen0_threshold=12_345)
        assert gc.get_threshold() == (12_345, before[1], before[2])
    finally:
        gc.set_threshold(*before)
