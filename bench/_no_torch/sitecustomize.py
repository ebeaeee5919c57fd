"""Refuses ``import torch`` in a bench's worker processes, as in the venv ``make run`` builds.

spaCy's thinc imports PyTorch whenever it is installed (CI and the shared venv install it for
the training tests), which no worker needs and which costs a worker about 200 MB. A bench puts
this directory on PYTHONPATH to measure a worker as production runs it; bench/worker_rss.py and
bench/end_to_end.py take ``--with-torch`` to let it load."""

import sys
from importlib.abc import MetaPathFinder


class NoTorch(MetaPathFinder):
    def find_spec(self, name: str, path: object, target: object = None) -> None:
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r}")


def refuse_torch() -> None:
    if not any(isinstance(finder, NoTorch) for finder in sys.meta_path):
        sys.meta_path.insert(0, NoTorch())


refuse_torch()
