"""Settings for Comcep, read from the environment.

Every value has a production-safe default: with nothing configured the site
runs with DEBUG off, secure cookies, HSTS and HTTPS redirects. The ``./dev``
script turns on what a developer's laptop needs (DEBUG, plain HTTP).
"""

from __future__ import annotations

import os
import secrets
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Set by ./dev (and the test settings): this checkout runs on a laptop or in CI, so a missing
# DATABASE_URL starts the embedded PostgreSQL and a missing SECRET_KEY is generated under var/.
# Anywhere else both must be configured: a production process refuses to start without them.
LOCAL = env.bool("COMCEP_LOCAL", default=False)


def _secret_key() -> str:
    """Use SECRET_KEY from the environment, or (./dev only) one kept under var/ for this checkout."""
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if not LOCAL:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string in the environment; the key "
            "generated under var/ is only for ./dev (COMCEP_LOCAL=1).")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The site's public address, without a trailing slash: every absolute link (emails, allauth's
# links, exports) is built from it. `./dev up` sets it from PORT when it is not given.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "comcep",
    "enrolment",
    "forum",
    "resources",
    "privatespace",
    "conversations",
    "groups",
    "events",
    "stats",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "guardian",
    "taggit",
    "django_htmx",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "comcep.middleware.LanguageMiddleware",
    # Before anything reads the body (CSRF reads the form): refuses one larger than its route takes.
    "comcep.body_limits.BodyLimitMiddleware",
    # A NUL character in the address or a form field answers 400 (templates/400.html).
    "comcep.middleware.RejectNulBytesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A member who has not accepted the charter in force is asked to first (comcep.legal).
    "comcep.legal.CharterMiddleware",
]

ROOT_URLCONF = "comcep.urls"
WSGI_APPLICATION = "comcep.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "comcep.context_processors.navigation",
            ],
        },
    },
    {
        # The fragments drawn once per post or row on the forum's busiest pages (comcep/jinja2.py).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "comcep.jinja2.environment", "autoescape": True},
    },
]

# --- Database: PostgreSQL only -------------------------------------------------
if not LOCAL and not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Point it at the PostgreSQL server, e.g. "
        "postgres://user:password@host:5432/comcep; the embedded PostgreSQL is only for ./dev "
        "(COMCEP_LOCAL=1).")
if not os.environ.get("DATABASE_URL"):
    # A checkout with nothing configured: the developer tooling starts the embedded server
    # under var/ and exports DATABASE_URL (imported here only, a deployment never needs it).
    from devtools.embedded import ensure_database_url

    ensure_database_url(BASE_DIR)
DATABASES = {"default": env.db_url_config(os.environ["DATABASE_URL"])}
# A Unix socket directory arrives percent-encoded in the URL's host part.
DATABASES["default"]["HOST"] = unquote(DATABASES["default"]["HOST"])
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Parameters bound by the server, and a statement run five times on a connection prepared
# there, so that PostgreSQL plans it once rather than on every request (on the hot pages,
# planning cost more than running). Behind a pooler that cannot keep prepared statements
# (PgBouncer before 1.21 in transaction mode), set DATABASE_PREPARED_STATEMENTS=0.
DATABASES["default"].setdefault("OPTIONS", {}).update(
    server_side_binding=True,
    prepare_threshold=5 if env.bool("DATABASE_PREPARED_STATEMENTS", default=True) else None,
)
# Test databases carry the run's process id, so concurrent test runs never collide.
DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise environ.ImproperlyConfigured("Comcep runs on PostgreSQL only.")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ----------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "comcep.cache.Redis",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="comcep"),
            # Short timeouts: while Redis is away, pages are built from the database
            # (comcep.cache.Redis answers misses) instead of waiting on it.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Accounts ---------------------------------------------------------------------
AUTH_USER_MODEL = "comcep.User"
AUTHENTICATION_BACKENDS = [
    "comcep.auth.Backend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "comcep.accounts.AccountAdapter"
# An account is named by the member's pseudonym in its owner's own messages, never by an
# email address or a real name (allauth's default would show « compte #37 »).
ACCOUNT_USER_DISPLAY = "comcep.accounts.user_display"
# Where « apply » leads (the sign-in page): sign-up is closed, joining goes through enrolment.
COMCEP_APPLY_URL_NAME = "enrolment:apply"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Comcep] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# allauth's rate limits stay on (its defaults); they need a shared cache in production.
ACCOUNT_RATE_LIMITS_ENABLED = env.bool("ACCOUNT_RATE_LIMITS_ENABLED", default=True)
if not ACCOUNT_RATE_LIMITS_ENABLED:
    ACCOUNT_RATE_LIMITS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Comcep"
# A code typed in the last seconds of its 30-second period, or from a phone whose clock is a
# little off, is still accepted (one period either side, as RFC 6238 advises); a code is
# still accepted only once.
MFA_TOTP_TOLERANCE = 1
MFA_FORMS = {
    "authenticate": "comcep.mfa_forms.AuthenticateForm",
    "reauthenticate": "comcep.mfa_forms.ReauthenticateForm",
    "activate_totp": "comcep.mfa_forms.ActivateTOTPForm",
}
# Sessions are recorded at sign-in, so that deactivating an account can end them
# all; not on every request, which would cost a write per page.
USERSESSIONS_TRACK_ACTIVITY = False
# No anonymous user row: guardian reads this name (without a GUARDIAN_ prefix).
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# --- Internationalisation ---------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served publicly: private files go through views
STORAGES: dict[str, dict[str, Any]] = {
    # The local disk, files written whole or not at all (comcep/storage.py).
    "default": {"BACKEND": "comcep.storage.MediaStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATICFILES_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Behind the deployment's nginx, files are sent by nginx after the permission check
# (X-Accel-Redirect to this internal prefix, deploy/nginx/comcep.conf); empty: Python streams.
MEDIA_ACCEL_REDIRECT = env.str("MEDIA_ACCEL_REDIRECT", default="")
# Scaled out, media live in an S3-compatible bucket (comcep/object_storage.py: private objects,
# signed URLs only); a permitted download is a redirect to a URL signed for this many seconds.
# A video player keeps using the URL it was sent to while it seeks: a longer video wants more.
MEDIA_S3_BUCKET = env.str("MEDIA_S3_BUCKET", default="")
MEDIA_S3_URL_EXPIRY = env.int("MEDIA_S3_URL_EXPIRY", default=300)
# The origin the browser fetches the signed URLs from (added below to the pages' img-src and
# media-src: a redirected image or video is checked against the page's policy too).
MEDIA_S3_ORIGIN = ""
if MEDIA_S3_BUCKET:
    _s3_endpoint = env.str("MEDIA_S3_ENDPOINT_URL", default="")
    _s3_region = env.str("MEDIA_S3_REGION", default="")
    _s3_style = env.str("MEDIA_S3_ADDRESSING_STYLE", default="path")
    STORAGES["default"] = {"BACKEND": "comcep.object_storage.ObjectStorage", "OPTIONS": {
        "bucket_name": MEDIA_S3_BUCKET,
        "endpoint_url": _s3_endpoint or None,
        "access_key": env.str("MEDIA_S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("MEDIA_S3_SECRET_ACCESS_KEY", default="") or None,
        "region_name": _s3_region or None,
        "addressing_style": _s3_style,
    }}
    _s3_host = urlsplit(_s3_endpoint) if _s3_endpoint else urlsplit(
        f"https://s3.{_s3_region or 'us-east-1'}.amazonaws.com")
    MEDIA_S3_ORIGIN = env.str("MEDIA_S3_PUBLIC_ORIGIN", default="") or (
        f"{_s3_host.scheme}://{MEDIA_S3_BUCKET + '.' if _s3_style == 'virtual' else ''}"
        f"{_s3_host.netloc}")
# --- Request bodies ------------------------------------------------------------------
# The largest body each route accepts, refused from its declared length before it is read
# (comcep.body_limits) and, in front, by the reverse proxy (deploy/nginx/comcep.conf, which
# the tests check against these). An ordinary form takes REQUEST_BODY_DEFAULT_BYTES; an
# upload route takes its file limit (the setting or function named here) plus that much.
REQUEST_BODY_DEFAULT_BYTES = 1024**2
REQUEST_BODY_LIMITS = {
    "forum:attachment_upload": (_("une image dans un message du forum"), "forum.images.MAX_BYTES"),
    "conversations:new": (_("une image dans un message privé"), "forum.images.MAX_BYTES"),
    "conversations:reply": (_("une image dans un message privé"), "forum.images.MAX_BYTES"),
    "privatespace:upload_file": (_("un fichier de l'espace privé ou une couverture de cours"),
                                 "privatespace.uploads.max_file_bytes"),
    "privatespace:create_course": (_("un fichier de l'espace privé ou une couverture de cours"),
                                   "privatespace.uploads.max_file_bytes"),
    "privatespace:edit_course": (_("un fichier de l'espace privé ou une couverture de cours"),
                                 "privatespace.uploads.max_file_bytes"),
    "resources:propose": (_("un document proposé à la bibliothèque"), "resources.conf.document_max_bytes"),
    "resources:edit": (_("un document proposé à la bibliothèque"), "resources.conf.document_max_bytes"),
    "resources:upload_video": (_("une vidéo"), "resources.conf.video_max_bytes"),
    "events:recording": (_("une vidéo"), "resources.conf.video_max_bytes"),
    "groups:files": (_("un fichier partagé dans un groupe"), "groups.services.FILE_MAX_BYTES"),
}
# Files larger than this are streamed to a temporary file rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# What a form holds besides its files: as much as an ordinary form's whole body.
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_DEFAULT_BYTES

# --- Email --------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL",
    default=f"filemail://{VAR_DIR / 'mail'}" if DEBUG else "smtp://localhost:25",
)
if "EMAIL_FILE_PATH" in EMAIL_CONFIG:  # django-environ drops the path's leading slash
    EMAIL_CONFIG["EMAIL_FILE_PATH"] = "/" + EMAIL_CONFIG["EMAIL_FILE_PATH"].lstrip("/")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Comcep <ne-pas-repondre@comcep.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# How many times the worker tries to send a notification before giving up on it.
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=8)
# A relay that accepts and never answers gives up after this, and the message is retried.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=15)
# A message claimed this long ago and not marked sent is retried (same Message-ID).
NOTIFICATION_CLAIM_SECONDS = env.int("NOTIFICATION_CLAIM_SECONDS", default=600)
EMAIL_MESSAGE_ID_DOMAIN = env.str("EMAIL_MESSAGE_ID_DOMAIN", default="comcep.fr")

# --- Jobs (Celery) --------------------------------------------------------------------
# With REDIS_URL, Redis is the broker; without it, a broker on the local disk
# lets a real worker process run jobs with no server to install.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # A broker that accepts and never answers must not hold a web request: publishing gives up
    # after these, and the job's row waits for its sweep (comcep.jobs).
    # A web request publishing to a broker that is down tries once, at once (comcep.jobs):
    # kombu would otherwise retry the connection for seconds. Workers reconnect on their own
    # (broker_connection_retry).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_timeout": 2,
                                       "socket_connect_timeout": 1, "max_retries": 1,
                                       "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="comcep")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Every job has a limit: past the soft one it is told (SoftTimeLimitExceeded) and fails with a
# reason, past the hard one its process is replaced. The video job sets its own, larger ones.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
RESOURCES_VIDEO_JOB_SECONDS = env.int("RESOURCES_VIDEO_JOB_SECONDS", default=12 * 3600)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Sweeps notifications whose first dispatch could not reach the broker.
    "dispatch-pending-notifications": {
        "task": "comcep.tasks.dispatch_pending_notifications",
        "schedule": env.int("OUTBOX_SWEEP_SECONDS", default=60),
    },
    # Tells members whose pseudonym was lifted once the date the law set has come.
    "tell-disclosed-members": {
        "task": "comcep.tasks.tell_disclosed_members",
        "schedule": crontab(hour=8, minute=0),
    },
}

# --- Enrolment ---------------------------------------------------------------------
# A pending application reminds its operator's managers, then escalates to the
# platform manager; an unanswered request for a refusal's reason is reminded.
ENROLMENT_REMINDER_DAYS = env.int("ENROLMENT_REMINDER_DAYS", default=5)
ENROLMENT_ESCALATION_DAYS = env.int("ENROLMENT_ESCALATION_DAYS", default=10)
ENROLMENT_REASON_REMINDER_DAYS = env.int("ENROLMENT_REASON_REMINDER_DAYS", default=7)
ENROLMENT_APPEAL_LINK_DAYS = env.int("ENROLMENT_APPEAL_LINK_DAYS", default=30)
CELERY_BEAT_SCHEDULE["enrolment-reminders"] = {
    "task": "enrolment.tasks.send_enrolment_reminders",
    "schedule": env.int("ENROLMENT_REMINDER_SWEEP_SECONDS", default=3600),
}

# --- Resources: video limits (see resources/conf.py for the rest) ------------------
RESOURCES_VIDEO_MAX_BYTES = env.int("RESOURCES_VIDEO_MAX_BYTES", default=2 * 1024**3)
RESOURCES_VIDEO_MAX_SECONDS = env.int("RESOURCES_VIDEO_MAX_SECONDS", default=3 * 3600)
CELERY_BEAT_SCHEDULE["resume-stalled-videos"] = {
    "task": "resources.tasks.resume_stalled_videos",
    "schedule": env.int("VIDEO_RESUME_SWEEP_SECONDS", default=60),
}

# --- Resources: the regulatory watch (resources/watch.py) -----------------------------
CELERY_BEAT_SCHEDULE["watch-sweep"] = {
    "task": "resources.tasks.sweep_watch", "schedule": crontab(hour=6, minute=15),
}
CELERY_BEAT_SCHEDULE["watch-weekly-digests"] = {
    "task": "resources.tasks.send_watch_digests",
    "schedule": crontab(hour=7, minute=45, day_of_week="mon"),
}

# --- Statistics: their figures read again before they leave the cache (stats/tasks.py) --
CELERY_BEAT_SCHEDULE["stats-keep-figures-fresh"] = {
    "task": "stats.tasks.keep_figures_fresh",
    "schedule": env.int("STATS_REFRESH_SECONDS", default=2400),
}

# --- Events: reminders the day before and an hour before (events/reminders.py) ---------
CELERY_BEAT_SCHEDULE["event-reminders"] = {
    "task": "events.tasks.send_event_reminders",
    "schedule": env.int("EVENT_REMINDER_SWEEP_SECONDS", default=300),
}

# --- Private space -------------------------------------------------------------------
PRIVATESPACE_QUOTA_BYTES = env.int("PRIVATESPACE_QUOTA_BYTES", default=500 * 1024**2)

# --- Antivirus (comcep/antivirus.py): clamd, e.g. unix:///run/clamav/clamd.ctl or
# tcp://127.0.0.1:3310; empty = no scanner (uploads are taken unscanned).
CLAMAV_ADDRESS = env.str("CLAMAV_ADDRESS", default="")

# Where « Poser une question sur ce texte » (a legal text's page) opens its topic.
FORUM_QUESTIONS_CATEGORY = env.str("FORUM_QUESTIONS_CATEGORY", default="questions-vives")

# --- Forum digests ---------------------------------------------------------------------
CELERY_BEAT_SCHEDULE["forum-daily-digests"] = {
    "task": "forum.tasks.send_digests", "schedule": crontab(hour=7, minute=0), "args": ("daily",),
}
CELERY_BEAT_SCHEDULE["forum-weekly-digests"] = {
    "task": "forum.tasks.send_digests",
    "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    "args": ("weekly",),
}
# Images uploaded but never published in a post are deleted after a day.
CELERY_BEAT_SCHEDULE["forum-delete-unused-images"] = {
    "task": "forum.tasks.delete_unused_images",
    "schedule": env.int("FORUM_IMAGE_SWEEP_SECONDS", default=3600),
}

# --- Data rights and retention (listed on /donnees-conservees/) ---------------------------
# How long each kind of data is kept, in days; the retention job purges what is older.
DATA_EXPORT_DAYS = env.int("DATA_EXPORT_DAYS", default=7)  # a member's data download link
CLOSED_ACCOUNT_IDENTITY_DAYS = env.int("CLOSED_ACCOUNT_IDENTITY_DAYS", default=365)
REFUSED_APPLICATION_DAYS = env.int("REFUSED_APPLICATION_DAYS", default=90)  # after the appeal window
NOTIFICATION_RETENTION_DAYS = env.int("NOTIFICATION_RETENTION_DAYS", default=180)
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=90)
SESSION_IP_RETENTION_DAYS = env.int("SESSION_IP_RETENTION_DAYS", default=30)
# The text a moderator masked in a post (a beneficiary's data) stays this long in the
# moderation log, then is purged.
MODERATION_REDACTED_ORIGINAL_DAYS = env.int("MODERATION_REDACTED_ORIGINAL_DAYS", default=30)
LEGAL_CONTACT_EMAIL = env.str("LEGAL_CONTACT_EMAIL", default="dpo@comcep.fr")
LEGAL_PUBLISHER = env.str("LEGAL_PUBLISHER", default="Comcep")
LEGAL_HOST = env.str("LEGAL_HOST", default="")
CELERY_BEAT_SCHEDULE["purge-expired-data"] = {
    "task": "comcep.tasks.purge_expired_data",
    "schedule": crontab(hour=3, minute=15),
}
# Form submission tokens (comcep.idempotency) are kept a day, far longer than a resent form.
CELERY_BEAT_SCHEDULE["purge-submission-tokens"] = {
    "task": "comcep.tasks.purge_submission_tokens",
    "schedule": crontab(minute=40),  # every hour
}

# --- Security -------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): only this origin's files run or style a page; no
# inline script, style attribute or event handler, no eval, nothing from a third party.
# Scripts go in static/js/, styles in static/css/ (tests/e2e/test_csp.py crawls every page
# under this policy). A response that sets its own header (uploaded files: "sandbox") keeps it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        # blob: lets the upload form read a chosen video's duration before sending it.
        "media-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if MEDIA_S3_ORIGIN:  # images and videos, after their redirect to a signed URL
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(MEDIA_S3_ORIGIN)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["media-src"].append(MEDIA_S3_ORIGIN)

# --- Error reports ------------------------------------------------------------------
# To Sentry (or a self-hosted GlitchTip) when SENTRY_DSN is set, web and worker alike; by
# email to ADMINS ("Name <email>,…") otherwise. No personal data is sent: no account, no
# address, no request body (members write under a pseudonym; their identity stays here).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
ADMINS = [parseaddr(admin) for admin in env.list("ADMINS", default=[])]
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(dsn=SENTRY_DSN, send_default_pii=False, max_request_body_size="never",
                    environment=env.str("SENTRY_ENVIRONMENT", default="production"),
                    traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # Worker failures and other errors outside a request (Django mails those of requests).
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR",
                        "filters": ["require_debug_false"]},
    },
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "root": {"handlers": ["console", *(["mail_admins"] if ADMINS and not SENTRY_DSN else [])],
             "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "pgserver": {"level": "WARNING"},
    },
}
