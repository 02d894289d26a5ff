"""goldthread settings: one module, driven by environment variables.

GOLDTHREAD_DEBUG            "1" for development (never in production). Default off.
GOLDTHREAD_SECRET_KEY       set it in production; without it a key is generated once and kept in
                            GOLDTHREAD_DATA_DIR/secret_key (fine for one server, the demo and tests).
DATABASE_URL                e.g. postgres://user@127.0.0.1:5432/goldthread. Default: SQLite in GOLDTHREAD_DATA_DIR.
GOLDTHREAD_DATA_DIR         where the SQLite database and the demo's files live. Default: ./var
GOLDTHREAD_ALLOWED_HOSTS    comma-separated host names. Default: localhost,127.0.0.1
GOLDTHREAD_SECURE_COOKIES   "0" only for plain-http local use (the demo). Default on.
GOLDTHREAD_MAX_UPLOAD_MB    the largest file the upload page takes. Default 200.
GOLDTHREAD_READ_MEMORY_MB   memory (address space) of the process that reads an uploaded file. Default 3072.
GOLDTHREAD_READ_SECONDS     time that process may take. Default 300.
GOLDTHREAD_UPLOAD_KEEP_HOURS   an upload nobody confirms is deleted after this many hours. Default 24.
GOLDTHREAD_WITHDRAWN_RETENTION_DAYS   a withdrawn extract's rows are deleted after this many days. Default 30.

A flag ("1", "0", "true", "false", "yes", "no", "on", "off") or number with any other value is an error, never
a silent default.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url


class SettingError(ValueError):
    """An environment variable has a value goldthread cannot use."""


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingError(f"{name} must be 1 or 0 (or true/false, yes/no, on/off); it is {raw!r}.")


def _whole_number(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    if not raw.strip().isdigit() or int(raw) < minimum:
        raise SettingError(f"{name} must be a whole number of at least {minimum}; it is {raw!r}.")
    return int(raw)


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("GOLDTHREAD_DATA_DIR", Path.cwd() / "var")).resolve()

DEBUG = _flag("GOLDTHREAD_DEBUG", False)
DEMO = _flag("GOLDTHREAD_DEMO", False)


def _secret_key() -> str:
    key = os.environ.get("GOLDTHREAD_SECRET_KEY")
    if key:
        return key
    # Development, tests and the demo keep a generated key beside their database.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("GOLDTHREAD_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
                 if h.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "goldthread.councils",
    "goldthread.extracts",
    "goldthread.store",
    "goldthread.national",
    "goldthread.accounts",
    "goldthread.portal",
    "goldthread.audits",
    "goldthread.plans",
    "goldthread.packs",
    "goldthread.jobs",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (CONTENT_SECURITY_POLICY below)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "goldthread.middleware.NoStoreMiddleware",  # Cache-Control: no-store on everything a signed-in person gets
    "django_otp.middleware.OTPMiddleware",
    "goldthread.accounts.middleware.SessionActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses sign-in while an account or address is locked out
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): 5 failures for a username from an address locks it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False  # nothing about people in the application log
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("GOLDTHREAD_PROXY_COUNT", "0"))  # reverse proxies in front (1 behind nginx)
OTP_TOTP_ISSUER = "goldthread"

ROOT_URLCONF = "goldthread.urls"
WSGI_APPLICATION = "goldthread.wsgi.application"

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

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'goldthread.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE",
                                       "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    # Connections are kept between requests (per thread) as on PostgreSQL: opening one and running the
    # PRAGMAs above on every request took a seventh of each request's CPU under load.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]  # the compiled GOV.UK Frontend (goldthread/static/govuk)
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# WhiteNoise serves static files. Production runs `goldthread collectstatic` once (hashed, compressed
# names); the demo, development and tests serve straight from the package.
WHITENOISE_USE_FINDERS = not _flag("GOLDTHREAD_COLLECTED_STATIC", False)
if not WHITENOISE_USE_FINDERS:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# Secure defaults. The demo runs over plain http on 127.0.0.1, so it alone turns secure cookies off.
_secure_cookies = _flag("GOLDTHREAD_SECURE_COOKIES", not DEMO)
SESSION_COOKIE_SECURE = _secure_cookies
CSRF_COOKIE_SECURE = _secure_cookies
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 30 * 60  # expire after 30 minutes of inactivity
SESSION_SAVE_EVERY_REQUEST = False  # goldthread.accounts.middleware refreshes the expiry once a minute
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Behind a TLS-terminating proxy (documented in the README): HTTPS only, HSTS for a year.
if _flag("GOLDTHREAD_HTTPS", False):
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # HSTS preloading commits a whole domain to browsers' lists: that is the domain owner's decision.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Uploads: Annex A workbooks of a large council are tens of megabytes.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024**2
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024**2
GOLDTHREAD_MAX_UPLOAD_BYTES = _whole_number("GOLDTHREAD_MAX_UPLOAD_MB", 200) * 1024**2
# Files from users are read in a separate process limited to this memory and time (goldthread.core.untrusted;
# it reads the same variables itself): checked here so a wrong value stops the service at start.
GOLDTHREAD_READ_MEMORY_MB = _whole_number("GOLDTHREAD_READ_MEMORY_MB", 3072, minimum=256)
GOLDTHREAD_READ_SECONDS = _whole_number("GOLDTHREAD_READ_SECONDS", 300)
GOLDTHREAD_UPLOAD_KEEP_HOURS = _whole_number("GOLDTHREAD_UPLOAD_KEEP_HOURS", 24)
GOLDTHREAD_WITHDRAWN_RETENTION_DAYS = _whole_number("GOLDTHREAD_WITHDRAWN_RETENTION_DAYS", 30)

# Background jobs (checking and importing uploads, housekeeping) wait in a queue in the database and are run by
# `goldthread worker` (goldthread.jobs): durable across restarts, shared by several workers on PostgreSQL.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Nothing personal goes to logs: log levels and messages only, never request bodies or row values.
# Request paths carry child IDs and team names: goldthread.logfilters.RequestPathFilter logs each as the route it
# matched ("/councils/<str:la>/children/<text:child_id>/"). It sits on the loggers that print paths (Django's
# 4xx/5xx and CSRF messages, runserver's request lines) and on the one handler, which everything else reaches.
# Django's own default handlers (its DEBUG console, mail to ADMINS with the request) are replaced by that one.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_request_paths": {"()": "goldthread.logfilters.RequestPathFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["no_request_paths"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "goldthread": {"level": os.environ.get("GOLDTHREAD_LOG_LEVEL", "WARNING"), "handlers": ["console"], "propagate": False},
        "django": {"handlers": [], "level": "INFO" if DEBUG else "WARNING"},  # to the root's console handler
        "django.request": {"filters": ["no_request_paths"]},
        "django.security.csrf": {"filters": ["no_request_paths"]},
        "django.server": {"handlers": ["console"], "level": "INFO", "filters": ["no_request_paths"], "propagate": False},
    },
}

# Content-Security-Policy (django-csp): scripts, styles, images and connections from goldthread itself only; no
# inline script or style attribute (the base layout's "js-enabled" snippet is a static file); charts are inline
# SVG without style attributes; no framing, no plugins, forms post only to goldthread.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
