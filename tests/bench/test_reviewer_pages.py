"""bench/reviewer_pages.py: a run of some pages (--only) never replaces the full table's results,
which run_all.py reads and the README quotes."""

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "reviewer_pages", ROOT / "bench" / "reviewer_pages.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_partial_run_writes_beside_the_full_table() -> None:
    bench = _bench()
    full = bench.results_name(only="", quick=False)
    assert full == "reviewer_pages.json"
    assert bench.results_name(only="export", quick=False) not in (full, "")
    assert bench.results_name(only="", quick=True) == "reviewer_pages-quick.json"
    assert bench.results_name(only="export", quick=True) not in (
        full,
        "reviewer_pages-quick.json",
        bench.results_name(only="export", quick=False),
    )
