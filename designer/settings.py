"""Settings from environment variables (one file, as healthchecks does).

DJANGO_SECRET_KEY, DJANGO_DEBUG, DJANGO_ALLOWED_HOSTS, DATABASE_URL, REDIS_URL,
POD_DESIGNER_SIGNUP (open sign-up), POD_DESIGNER_GRAPHVIZ (engine), POD_DESIGNER_MAX_UPLOAD,
POD_DESIGNER_THROTTLE_LIMIT / _COOLOFF / _PROXY_COUNT (sign-in throttling), EMAIL_HOST and
friends (password reset mail). The README's configuration table documents each.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONCE

# Lets Django's generic classes be subscripted as the type stubs declare them (ModelForm[Design]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _local_secret_key() -> str:
    # A development key generated once and kept out of git (.gitignore), so sessions survive
    # restarts of `make run` without anyone committing a key.
    path = BASE_DIR / ".secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


DEBUG = envbool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",  # the API docs page serves swagger-ui from ninja's static files, not from a CDN
    "axes",
    "csp",
    "designer.apps.DesignerConfig",
]

MIDDLEWARE = [
    # First: probes answer before the host check and the HTTPS redirect (views/health.py).
    "designer.views.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "designer.api_auth.BearerTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "designer.security_headers.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After the response-making middleware, as django-axes asks: it turns a locked-out sign-in
    # into the 429 page (it has no process_exception, so the fault middleware below keeps its place).
    "axes.middleware.AxesMiddleware",
    # Last, so its process_exception sees a view's database failure first (designer/faults.py).
    "designer.faults.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "designer.urls"
WSGI_APPLICATION = "designer.wsgi.application"

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
                "designer.context_processors.site",
            ],
        },
    }
]

_sqlite_default = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL") or _sqlite_default, conn_max_age=60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE transactions take the write lock at
    # BEGIN so concurrent saves queue on the busy timeout instead of failing "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server is refused at once; one that drops packets must not hold a worker
    # for the kernel's TCP timeout (minutes) before the 503 (designer/faults.py).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Sub-second timeouts and a circuit breaker (designer/cache.py): a hung Redis costs a page
    # milliseconds, not the 10-20 s of two default socket timeouts per drawing.
    CACHES = {
        "default": {
            "BACKEND": "designer.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling (django-axes): after THROTTLE_LIMIT failed sign-ins for one username, or
# from one address, that username or address gets 429 with Retry-After for THROTTLE_COOLOFF
# seconds. Sign-up and API token creation count attempts against the same numbers
# (designer/throttle.py). The first backend asks axes before the password is checked.
POD_DESIGNER_THROTTLE_LIMIT = envint("POD_DESIGNER_THROTTLE_LIMIT", 5)
POD_DESIGNER_THROTTLE_COOLOFF = envint("POD_DESIGNER_THROTTLE_COOLOFF", 900)
AUTHENTICATION_BACKENDS = [
    "designer.throttle.ThrottledSignInBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = POD_DESIGNER_THROTTLE_LIMIT
AXES_COOLOFF_TIME = timedelta(seconds=POD_DESIGNER_THROTTLE_COOLOFF)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Failed attempts are kept (they are the throttle); a row per successful sign-in is not needed.
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "designer.throttle.locked_out"
# Behind N reverse proxies the client's address is the Nth from the right of X-Forwarded-For;
# 0 = no proxy, REMOTE_ADDR is the client (a forged X-Forwarded-For is ignored).
POD_DESIGNER_PROXY_COUNT = envint("POD_DESIGNER_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "designer.throttle.client_address"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "designer:library"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files once `collectstatic` has run (production); plain files before
        # that (development, tests), so a missing manifest never breaks a page.
        # DJANGO_STATIC_MANIFEST=1 (the Dockerfile) asks for the hashed files before the first
        # collectstatic, which is what writes staticfiles.json.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if (STATIC_ROOT / "staticfiles.json").exists() or envbool("DJANGO_STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# The largest manifest a user may import (bytes); the domain loader enforces it too.
POD_DESIGNER_MAX_UPLOAD = envint("POD_DESIGNER_MAX_UPLOAD", 1_048_576)
DATA_UPLOAD_MAX_MEMORY_SIZE = POD_DESIGNER_MAX_UPLOAD * 3
FILE_UPLOAD_MAX_MEMORY_SIZE = POD_DESIGNER_MAX_UPLOAD * 2
# The editor's no-JS form posts every field of every container and volume (~80 per container):
# Django's default of 1,000 fields rejected a 12-container pod's save. The body size cap above
# still bounds the memory a post can take.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 50_000
POD_DESIGNER_SIGNUP = envbool("POD_DESIGNER_SIGNUP", False)
POD_DESIGNER_GRAPHVIZ = os.environ.get("POD_DESIGNER_GRAPHVIZ", "")
# Drafts untouched for this many days are deleted by `manage.py clean_drafts`.
POD_DESIGNER_DRAFT_MAX_AGE_DAYS = envint("POD_DESIGNER_DRAFT_MAX_AGE_DAYS", 14)

# Production hardening (`manage.py check --deploy` is clean when DEBUG is off).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy (django-csp): nothing inline, nothing from elsewhere. img-src allows
# data: for the history page's diagrams, which are SVG data URLs shown through <img>.
# 'wasm-unsafe-eval' lets the editor compile Graphviz (WebAssembly), never eval JavaScript;
# style-src's nonce is for the style elements CodeMirror adds (request.csp_nonce in the page),
# not style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'wasm-unsafe-eval'"],
        "style-src": ["'self'", NONCE],
        "connect-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Powerful browser features no page of the app uses (security_headers.py sends it).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "midi=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=()"
)

# Password reset mail. With EMAIL_HOST set, mail goes out through that SMTP server; in DEBUG
# it is printed on the console; otherwise there is no way to send it and the reset pages are
# not offered (designer/views/password_reset.py answers 404).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "pod-designer@localhost")
POD_DESIGNER_PASSWORD_RESET = bool(EMAIL_HOST) or DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
