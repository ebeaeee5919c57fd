"""``make run``: the web server, one Celery worker and the periodic sweep, stopped together by Ctrl-C.

Embedded mode: SQLite and the SQLite broker under ``var/``; no server needs installing."""

import os
import signal
import subprocess
import sys
import time

PORT = os.environ.get("PORT", "8000")
HOST = os.environ.get("HOST", "127.0.0.1")


def main() -> int:
    python = sys.executable
    commands = {
        "web": [python, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"],
        # --beat runs the sweep schedule inside this worker: one process fewer on a laptop.
        "worker": [
            python, "-m", "celery", "-A", "factcheck", "worker", "--beat", "--loglevel", "INFO",
            "--concurrency", os.environ.get("WORKER_CONCURRENCY", "1"),
            # No -Q: one worker reads every queue in CELERY_TASK_QUEUES (splits, sweep, matching).
            "--schedule", os.path.join("var", "celerybeat-schedule"),
        ],
    }  # fmt: skip
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    # Own sessions: Ctrl-C reaches only this process, which then stops the children in order.
    procs = {name: subprocess.Popen(cmd, start_new_session=True) for name, cmd in commands.items()}
    print(f"\n  factcheck is running: http://{HOST}:{PORT}/   (Ctrl-C stops web and worker)\n")
    try:
        while not stopping:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    print(f"{name} exited with {proc.returncode}; stopping the rest.")
                    return proc.returncode or 1
            time.sleep(0.5)
        print("Stopping web and worker...")
        return 0
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
