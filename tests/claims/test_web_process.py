import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
settings.ALLOWED_HOSTS = ["testserver"]
client = Client()
for url in ["/accounts/login/", "/api/v1/schema/", "/"]:
    client.get(url)
from factcheck.celery import app
app.loader.import_default_modules()  # what a web process does when it publishes a task
assert "workers.tasks" in sys.modules
print("spacy" in sys.modules)
"""


def test_the_web_process_never_imports_spacy():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=REPO, capture_output=True, text=True, timeout=120,
        env={"DJANGO_SETTINGS_MODULE": "factcheck.settings", "PATH": "/usr/bin:/bin",
             "FACTCHECK_VAR_DIR": str(REPO / "var" / "test")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "False"
