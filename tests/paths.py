"""Where tests find the shared, read-only data: ``../shared/data`` beside the repository."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("FACTCHECK_SHARED_DATA", REPO.parent / "shared" / "data"))
SAMPLE_ARTICLE = REPO / "claims" / "sample" / "patriot-article.txt"
