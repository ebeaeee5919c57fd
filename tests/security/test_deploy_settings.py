"""Production settings, checked the way a deployment loads them: a fresh process with .env.example."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _env_example() -> dict[str, str]:
    values: dict[str, str] = {}
    for line in (REPO / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def _manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # Only what a deployment sets: nothing leaks in from the developer's or CI's environment.
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO, env={**base, **env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _production_env(tmp_path: Path) -> dict[str, str]:
    return {
        **_env_example(),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FACTCHECK_VAR_DIR": str(tmp_path / "var"),
    }


def test_the_example_production_settings_pass_the_deploy_check(tmp_path):
    env = _production_env(tmp_path)
    assert env["DEBUG"] == "false"
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_fails_when_production_hardening_is_switched_off(tmp_path):
    # The check above could pass for the wrong reason (say, a silenced check list): show it bites.
    env = {
        **_production_env(tmp_path),
        "SESSION_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
    }
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "security.W012" in result.stderr and "security.W004" in result.stderr


@pytest.mark.parametrize("secret_key", ["", None], ids=["empty", "unset"])
def test_a_real_secret_key_is_required_when_debug_is_off(tmp_path, secret_key):
    env = _production_env(tmp_path)
    if secret_key is None:
        del env["SECRET_KEY"]
    else:
        env["SECRET_KEY"] = secret_key
    result = _manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
