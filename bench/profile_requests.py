"""CPU per request in the load test's reviewer mix, and where it goes (pyinstrument).

    python bench/profile_requests.py [--loops 200] [--top 30] [--html profile.html]

Replays what each simulated reviewer of ``bench/load_test.py`` does, one request at a time with
Django's test client and ``DEBUG=false``: the queue page, POST /claims/next/ (the claim it
leases), the claim page, then the verdict form (one in ten times Skip instead). First a timed pass
(``time.process_time()`` per request: this process's CPU, which here is the web side's work plus
the database driver's; PostgreSQL's own CPU is not in it) prints CPU ms per request type and the
mix's average; then a second pass runs under pyinstrument and prints the functions with the most
time of their own and the time of each part (each middleware, sessions, permission checks,
templates, queries, the rest of the view). The test client skips gunicorn's HTTP parsing, so its figures are a little
below the load test's CPU per request.

Uses the smoke-sized bench database (20,000 claims; ``factcheck_bench_quick`` or
BENCH_DATABASE_URL), filling it first when needed, as ``bench/reviewer_pages.py --quick`` does,
then refreshes the stats rollup (the periodic task production runs), which the queue reads.
"""

import argparse
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

RATINGS = ("true", "mostly_true", "mixed", "mostly_false", "false", "misleading", "unverifiable")
# Each sample's time goes to the innermost of these on its stack (entering the next middleware or
# the view leaves the current middleware), so the shares add up to the whole.
CATEGORIES = (
    ("middleware: sessions", "contrib/sessions/"),
    ("middleware: csrf", "middleware/csrf.py"),
    ("middleware: auth", "contrib/auth/middleware.py"),
    ("middleware: messages", "contrib/messages/"),
    ("middleware: axes", "axes/"),
    ("middleware: whitenoise", "whitenoise/"),
    ("middleware: security", "middleware/security.py"),
    ("middleware: common", "middleware/common.py"),
    ("middleware: clickjacking", "middleware/clickjacking.py"),
    ("url resolve and reverse", "django/urls/"),
    ("permission checks", "contrib/auth/backends.py"),
    ("forms", "django/forms/"),
    ("template rendering", "django/template/"),
    ("database (ORM, driver)", "django/db/"),
)
HANDLER = "core/handlers/"  # between two middlewares, and around the view


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loops", type=int, default=200, help="reviewer loops per pass")
    parser.add_argument("--top", type=int, default=30, help="functions listed by own time")
    parser.add_argument("--html", default="", help="also write pyinstrument's HTML page here")
    parser.add_argument("--skip-rate", type=float, default=0.1)
    parser.add_argument("--no-profile", action="store_true", help="the timed pass only")
    parser.add_argument("--kind", default="", help="profile only the requests whose name has this")
    return parser.parse_args()


def setup() -> Any:
    import reviewer_pages

    reviewer_pages.setup(argparse.Namespace(quick=True, claims=0, repeats=0))
    from django.contrib.auth import get_user_model

    from claims import services

    # As the beat schedule does in production: the queue's status tabs read the rollup.
    services.stats_rollup_refresh()

    return get_user_model().objects.get(username="reviewer03")


def reviewer_mix(client: Any, loops: int, skip_rate: float, record: Any) -> None:
    """The load test's reviewer loop; ``record(kind, send)`` sends each request."""
    rng = random.Random(16)

    def send(method: str, url: str, data: dict[str, str] | None = None) -> Any:
        return lambda: getattr(client, method)(url, data or {})

    for _ in range(loops):
        record("GET / (queue)", send("get", "/"))
        response = record("POST /claims/next/", send("post", "/claims/next/"))
        if response.status_code != 302 or not response["Location"].startswith("/claims/"):
            raise SystemExit(f"next claim answered {response.status_code}: is the queue empty?")
        url = response["Location"]
        record("GET /claims/<id>/", send("get", url))
        if rng.random() < skip_rate:
            record("POST /claims/<id>/skip/", send("post", f"{url}skip/"))
            continue
        rating = rng.choice(RATINGS)
        data = {"rating": rating, "evidence_urls": "", "explanation": f"Profile: {rating}."}
        response = record("POST /claims/<id>/ (verdict)", send("post", url, data))
        if response.status_code != 302:
            raise SystemExit(f"verdict answered {response.status_code}")


def timed_pass(client: Any, args: argparse.Namespace) -> dict[str, list[float]]:
    cpu: dict[str, list[float]] = defaultdict(list)

    def record(kind: str, call: Any) -> Any:
        started = time.process_time()
        response = call()
        cpu[kind].append((time.process_time() - started) * 1000)
        return response

    reviewer_mix(client, args.loops, args.skip_rate, record)
    return cpu


def print_cpu(cpu: dict[str, list[float]]) -> None:
    print(f"\n{'request':32} {'count':>6} {'CPU ms mean':>12} {'median':>8}")
    for kind, values in cpu.items():
        print(
            f"{kind:32} {len(values):6d} {statistics.mean(values):12.2f} "
            f"{statistics.median(values):8.2f}"
        )
    every = [v for values in cpu.values() for v in values]
    print(f"{'the mix (average per request)':32} {len(every):6d} {statistics.mean(every):12.2f}")


def frame_totals(root: Any) -> tuple[dict[str, float], dict[str, float]]:
    """Own time per function, and own time per category (the innermost one on the stack)."""
    own: dict[str, float] = defaultdict(float)
    categories: dict[str, float] = defaultdict(float)

    def walk(frame: Any, current: str) -> None:
        path = frame.file_path or ""
        if HANDLER in path:
            current = "view and the rest"
        for name, fragment in CATEGORIES:
            if fragment in path:
                current = name
                break
        children = frame.children
        mine = frame.time - sum(child.time for child in children)
        named = frame.parent if frame.is_synthetic and frame.parent else frame  # "[self]"
        own[f"{named.function} ({named.file_path_short}:{named.line_no})"] += mine
        categories[current] += mine
        for child in children:
            walk(child, current)

    walk(root, "outside any request")
    return own, categories


def profiled_pass(client: Any, args: argparse.Namespace) -> None:
    from pyinstrument import Profiler
    from pyinstrument.stack_sampler import get_stack_sampler

    # CPU time, not wall time: waiting for PostgreSQL's answer is not the web process's cost.
    get_stack_sampler().timer_func = time.process_time
    profiler = Profiler(interval=0.0005)
    profiled = 0

    def record(kind: str, call: Any) -> Any:
        nonlocal profiled
        if args.kind not in kind:
            return call()
        profiled += 1
        profiler.start()
        try:
            return call()
        finally:
            profiler.stop()

    reviewer_mix(client, args.loops, args.skip_rate, record)
    requests = profiled or 1
    root = profiler.last_session.root_frame() if profiler.last_session else None
    if root is None:
        return
    own, categories = frame_totals(root)
    total = root.time
    print(
        f"\nProfiled pass, {requests} requests{f' ({args.kind})' if args.kind else ''}: "
        f"{total * 1000 / requests:.2f} ms per request under the profiler"
    )
    print(f"\n{'own time by part':40} {'ms/request':>10} {'share':>6}")
    for name, seconds in sorted(categories.items(), key=lambda item: -item[1]):
        print(f"{name:40} {seconds * 1000 / requests:10.2f} {seconds / total:6.1%}")
    print(f"\n{'own time (top ' + str(args.top) + ')':90} {'ms/request':>10} {'share':>6}")
    for where, seconds in sorted(own.items(), key=lambda item: -item[1])[: args.top]:
        print(f"{where[:90]:90} {seconds * 1000 / requests:10.2f} {seconds / total:6.1%}")
    if args.html:
        Path(args.html).write_text(profiler.output_html())
        print(f"\nwrote {args.html}")


def main() -> None:
    args = parse_args()
    reviewer = setup()
    from django.test import Client

    client = Client()
    client.force_login(reviewer)
    reviewer_mix(client, 5, args.skip_rate, lambda kind, call: call())  # warm-up
    cpu = timed_pass(client, args)
    print_cpu(cpu)
    if not args.no_profile:
        profiled_pass(client, args)


if __name__ == "__main__":
    main()
