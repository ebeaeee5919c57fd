import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from factcheck.gc_tuning import gc_tune_for_serving

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

application = get_wsgi_application()

# After the application is loaded: what is alive now lives as long as the process.
gc_tune_for_serving(
    freeze=settings.FACTCHECK_WEB_GC_FREEZE, gen0_threshold=settings.FACTCHECK_WEB_GC_GEN0_THRESHOLD
)
