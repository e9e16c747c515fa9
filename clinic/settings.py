"""Settings for the clinic site, read from the environment.

Safe defaults for a first local run (SQLite, console email, local-memory cache);
production sets the variables listed in the README.
"""

import re
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from clinic.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "dev-only-secret-key-not-for-production"  # noqa: S105 (debug only)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # django.contrib.admin, with the staff app's site: its sign-in asks for two-factor codes.
    "staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The job engine's worker command (run_huey) and its task decorators.
    "huey.contrib.djhuey",
    "clinic",
    "staff",
    "images",
    "clinicfacts",
    "pages",
    "inquiries",
    "consultations",
]

MIDDLEWARE = [
    # Anonymous page views are answered from the shared cache here, before anything else
    # runs; the stored response carries every header the stack below added. See
    # pages/cache.py.
    "pages.cache.PublicPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Refuses files outside the admin, and oversized uploads in it, from the headers:
    # before CsrfViewMiddleware.process_view or any view reads the body. See clinic/uploads.py.
    "clinic.uploads.UploadLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A view that can't reach the database answers 503 with the phone number.
    "clinic.middleware.DatabaseOutageMiddleware",
    # An admin list's query string that PostgreSQL refuses becomes a message, not a 500.
    "clinic.admin_query_guard.AdminQueryGuardMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

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
                "clinic.context_processors.clinic",
                "pages.context_processors.navigation",
                "clinicfacts.context_processors.main_location",
            ],
        },
    },
]

# Database: DATABASE_URL (PostgreSQL in tests and production), else a SQLite file
# in the project folder so a newcomer can run the site at once.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if not DATABASES["default"]["NAME"]:
        DATABASES["default"]["NAME"] = "clinic"
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    }
# Persistent connections, checked before reuse so a restarted database heals itself.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that doesn't answer is given up on quickly: the page is served from
    # the cache or answered 503 with the phone number instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 3)
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when given (shared by every worker and server), else local memory.
# clinic.cache's backend is Django's own with one rule added: Redis down costs speed,
# never a page (a failed read is a miss, a failed write is skipped, logged once).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    DEFAULT_CACHE = {
        "BACKEND": "clinic.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "clinic"),
        # A Redis that is down or slow must cost speed only: give up on it within a
        # quarter of a second. redis-py's connections from a pool, as Django's backend
        # makes them, don't retry.
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    }
else:
    DEFAULT_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
CACHES = {
    "default": DEFAULT_CACHE,
    # Each process's own short-lived copy of the page cache's hottest entries, in front
    # of the shared cache: a cached page costs no network round trip (pages/cache.py).
    "pages-local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages-local",
        "TIMEOUT": 60,
        "OPTIONS": {"MAX_ENTRIES": 200},
    },
}

# Background jobs: huey through huey.contrib.djhuey (`manage.py run_huey` is the worker).
# With REDIS_URL its queue lives in that Redis, so workers on any number of machines share
# it; without, in a SQLite file in the project folder, for `make run`. The tests switch it
# to immediate mode (tests/conftest.py): a job runs where it is queued.
HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", False)
_IN_WORKER = "run_huey" in sys.argv
HUEY = {
    "name": "clinic-jobs",
    "immediate": HUEY_IMMEDIATE,
    "results": False,  # no job's return value is read; don't keep them in the queue
    "consumer": {"workers": 2, "worker_type": "thread"},
}
if REDIS_URL:
    import redis

    HUEY["huey_class"] = "huey.RedisHuey"
    # A request that queues a job gives up on a dead or hung Redis quickly (the outbox
    # sweep sends the email later); the worker waits on the queue for up to a second at
    # a time (read_timeout), so its socket must wait longer than that.
    HUEY["connection_pool"] = redis.ConnectionPool.from_url(
        REDIS_URL,
        socket_connect_timeout=0.25 if not _IN_WORKER else 2,
        socket_timeout=0.5 if not _IN_WORKER else 5,
    )
else:
    HUEY["huey_class"] = "huey.SqliteHuey"
    HUEY["filename"] = str(env_str("HUEY_SQLITE_PATH") or BASE_DIR / "jobs.sqlite3")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True
# One way to write a date on every staff screen, the admin's own pages included:
# "Dec 5, 2026 17:54" (clinic/formats/en/formats.py, as inquiries/dates.py writes them).
FORMAT_MODULE_PATH = "clinic.formats"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap's CSS from the XStatic package, served as our own static file.
    ("vendor/bootstrap", Path(xstatic.pkg.bootstrap.BASE_DIR) / "css"),
]
# Uploaded images and their renditions. Local files by default; a deployment with more than
# one server sets MEDIA_STORAGE_BACKEND to a shared storage (django-storages' S3 backend,
# say) so every server sees the same files.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {
        "BACKEND": env_str("MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: console by default; SMTP (or any backend) from the environment.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Clinic <no-reply@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
INTAKE_NOTIFY_EMAILS = env_list("INTAKE_NOTIFY_EMAILS")

# The clinic's public details: any clinic can deploy the site without editing templates.
CLINIC_NAME = env_str("CLINIC_NAME", "Riverside Ketamine Clinic")
CLINIC_PHONE = env_str("CLINIC_PHONE", "+1 555 010 0100")
CLINIC_EMAIL = env_str("CLINIC_EMAIL", "hello@example.com")
CLINIC_ADDRESS = env_str("CLINIC_ADDRESS", "100 Example Street, Springfield, ST 00000")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Educational pages: the reading grade (Flesch-Kincaid) a page should not exceed; pages
# above it are flagged in the admin, never blocked.
PAGES_READING_GRADE_TARGET = env_int("PAGES_READING_GRADE_TARGET", 8)
# check_links requests external addresses (HEAD); off in tests, which have no network.
PAGES_CHECK_EXTERNAL_LINKS = env_bool("PAGES_CHECK_EXTERNAL_LINKS", True)
# Where replies to patients send them to book ({booking_link}); its host, like the site's,
# is one replies may link to.
CLINIC_BOOKING_URL = env_str("CLINIC_BOOKING_URL", SITE_URL + "/get-in-touch/")

# Security. Production defaults are strict; each can be relaxed from the environment
# (the test command turns off the HTTPS redirect so the test client can speak HTTP).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    # The load balancer terminates TLS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Oversized or field-stuffed requests are refused (400) before any view parses them:
# the largest real form (a long article in the admin) is far below these limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = 512 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Staff accounts. The admin's address is configurable so it is not where bots look first.
ADMIN_PATH = env_str("DJANGO_ADMIN_PATH", "admin").strip("/") + "/"
# Staff only ever sign in to the admin; a missing or refused ?next= lands there.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
if not re.fullmatch(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*/", ADMIN_PATH):
    raise ImproperlyConfigured(
        f"DJANGO_ADMIN_PATH must be a path such as 'staff-desk', not {ADMIN_PATH!r}."
    )
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: lock a username on one address after 5 failures, for 15 minutes.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCK_OUT_AT_FAILURE = True
AXES_RESET_ON_SUCCESS = True
AXES_ONLY_ADMIN_SITE = False
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_TEMPLATE = "staff/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_USERNAME_FORM_FIELD = "username"
AXES_CLIENT_IP_CALLABLE = "clinic.net.client_ip"
AXES_VERBOSE = False
# A mistyped backup code is close to a real one: never kept with the failed attempt.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]
# Sessions end after 15 idle minutes (each request renews them) and when the browser closes.
SESSION_COOKIE_AGE = 15 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Two-factor sign-in (django-otp): whoever turns it on needs a code at every sign-in;
# DJANGO_REQUIRE_2FA makes it everyone's, and then a session must be verified by a code.
REQUIRE_STAFF_2FA = env_bool("DJANGO_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = CLINIC_NAME
# Salt for hashing client addresses (audit trail, inquiries): set it in production so
# rotating the secret key does not change the hashes.
IP_HASH_SALT = env_str("IP_HASH_SALT") or f"ip-hash:{SECRET_KEY}"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # An outage's 503s are logged once by clinic.outages, not once per request.
    "filters": {"drop_outage_responses": {"()": "clinic.outages.DropOutageResponses"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"filters": ["drop_outage_responses"]},
        "django.server": {"filters": ["drop_outage_responses"]},
        # The worker (run_huey) gives huey's logger a handler of its own: once is enough.
        "huey": {"propagate": False},
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}

# Inquiries
# The public form's rate limit per client address, shared by every worker through the
# cache (0 turns it off; a benchmark raises it). Addresses are hashed with IP_HASH_SALT.
INQUIRY_RATE_LIMIT = env_int("INQUIRY_RATE_LIMIT", 5)
INQUIRY_RATE_WINDOW_SECONDS = env_int("INQUIRY_RATE_WINDOW_SECONDS", 10 * 60)
# The retention purge, run daily by the worker only when a period is set (days; empty
# or 0: never). "anonymise" keeps the figures and drops the personal data; "delete" removes.
INQUIRY_RETENTION_DAYS = env_int("INQUIRY_RETENTION_DAYS", 0)
INQUIRY_RETENTION_ACTION = env_str("INQUIRY_RETENTION_ACTION", "anonymise")
if INQUIRY_RETENTION_ACTION not in ("anonymise", "delete"):
    raise ImproperlyConfigured('INQUIRY_RETENTION_ACTION must be "anonymise" or "delete".')
if INQUIRY_RATE_WINDOW_SECONDS < 1:
    raise ImproperlyConfigured("INQUIRY_RATE_WINDOW_SECONDS must be at least 1.")
