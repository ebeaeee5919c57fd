"""The cyclic garbage collector of a long-running web process.

Python's collector walks every tracked object it has not frozen when it runs a full collection.
A web process holds about 170,000 of them once Django, DRF and the URL conf are loaded, all of
them alive until the process ends; a full collection over them took 94 ms of CPU in the
reviewer's request mix (bench/profile_requests.py), landing on whichever request happened to
allocate the object that tipped the counters: that was the verdict list's p95. Freezing what is
loaded at start moves those objects out of the collector's sight (they would never be freed
anyway), and a larger first generation lets a request's short-lived objects die by reference
counting before a collection looks at them.
"""

import gc


def gc_tune_for_serving(*, freeze: bool, gen0_threshold: int) -> None:
    """Freeze what is alive now and set the first generation's threshold (0 keeps Python's).

    Call once per process, after the application is loaded. Idempotent: a second call freezes
    what was allocated since, which is as harmless as the first."""
    if freeze:
        gc.collect()
        gc.freeze()
    if gen0_threshold:
        _, gen1, gen2 = gc.get_threshold()
        gc.set_threshold(gen0_threshold, gen1, gen2)
