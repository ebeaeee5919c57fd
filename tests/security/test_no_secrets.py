"""No secret is committed: the tracked files hold placeholders only."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP )?PRIVATE KEY"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "password in a URL": re.compile(
        r"\b(?:postgres(?:ql)?|redis|amqp|mysql)://[^:/\s@]+:(?!change-me@)[^@\s/]{8,}@"
    ),
    # "django-insecure-" marks a development key, which the deploy check refuses.
    "SECRET_KEY value": re.compile(
        r"^\s*SECRET_KEY\s*=\s*['\"]?(?!django-insecure-)[^\s'\"#]{20,}", re.MULTILINE
    ),
}


def _tracked_files() -> list[Path]:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, timeout=60
    ).stdout
    return [REPO / name for name in out.decode().split("\0") if name]


def test_no_tracked_file_holds_an_obvious_secret():
    found = []
    for path in _tracked_files():
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        found += [
            f"{path.relative_to(REPO)}: {name}"
            for name, rx in SECRET_PATTERNS.items()
            if rx.search(text)
        ]
    assert found == []


def test_the_patterns_catch_what_they_are_for():
    # Assembled at run time, so this file does not trip the scan above.
    samples = {
        "private key": "-----BEGIN OPENSSH " + "PRIVATE KEY-----",
        "AWS access key": "key = AKIA" + "ABCDEFGHIJKLMNOP",
        "password in a URL": "DATABASE_URL=postgres://factcheck:" + "s3cr3t-pa55word@db:5432/x",
        "SECRET_KEY value": "SECRET_KEY=" + "Zq3xV9mW1pL8kR2tY6uB4nC7dF0gH5jA",
    }
    for name, sample in samples.items():
        assert SECRET_PATTERNS[name].search(sample), name
    assert not SECRET_PATTERNS["password in a URL"].search(
        "postgres://factcheck:change-me@db:5432/f"
    )
    assert not SECRET_PATTERNS["SECRET_KEY value"].search("SECRET_KEY=\nDEBUG=false")
    assert not SECRET_PATTERNS["SECRET_KEY value"].search('SECRET_KEY = "django-insecure-dev"')
