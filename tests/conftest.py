import os
from collections.abc import Callable

import pytest

from tests.factories import ReviewerFactory

IN_CI = os.environ.get("CI", "").lower() == "true"


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
def reviewer(db):  # type: ignore[no-untyped-def]
    return ReviewerFactory()


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    # Debian's Chromium; never a downloaded browser.
    return {
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
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
