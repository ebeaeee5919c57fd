"""``make bench``: every benchmark, one after the other, each printing its own figures.

The figures in the README come from this command on the 2-core, 24 GiB reference machine."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FACTCHECK_SHARED_DATA", REPO.parent / "shared" / "data"))
PYTHON = sys.executable


def extraction() -> list[str]:
    cw = SHARED / "checkworthiness"
    return [
        PYTHON, "manage.py", "evaluate_extraction",
        "--gold", str(SHARED / "patriot-gold.json"),
        "--data", str(cw / "ct24_task1_en_dev.jsonl"),
        "--data", str(cw / "ct24_task1_en_devtest.jsonl"),
    ]  # fmt: skip


def main() -> int:
    dev = SHARED / "checkworthiness" / "ct24_task1_en_dev.jsonl"
    benches: list[tuple[str, list[str]]] = [
        ("extraction quality and speed", extraction()),
        ("check-worthiness scoring speed", [PYTHON, "bench/checkworthiness_speed.py", str(dev)]),
        ("one sentence repeated to 198,000 characters", [PYTHON, "bench/repetitive_article.py"]),
        (
            "admin changelist at 1,000,000 claims (PostgreSQL)",
            [PYTHON, "bench/admin_changelist.py"],
        ),
        (
            "50 reviewers for 60 s: gunicorn, PostgreSQL, Redis, 2 workers",
            [PYTHON, "bench/load_test.py"],
        ),
    ]
    failed = 0
    for name, command in benches:
        print(f"\n== {name}\n$ {' '.join(command)}", flush=True)
        result = subprocess.run(command, cwd=REPO)
        if result.returncode:
            print(f"{name} failed with exit code {result.returncode}")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
