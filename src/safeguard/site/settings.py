"""Django settings for Safeguard.

Everything that differs between a laptop demo and production comes from the environment:
``DATABASE_URL`` (SQLite file under ``SAFEGUARD_DATA_DIR`` by default), ``SAFEGUARD_SECRET_KEY``,
``SAFEGUARD_DEBUG``, ``SAFEGUARD_ALLOWED_HOSTS``, ``SAFEGUARD_AUDIT_CHECKPOINT_PATH`` and
``SAFEGUARD_AUDIT_CHECKPOINT_KEY``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The checkout (src/safeguard/.. /..) unless told otherwise: node_modules and var/ live there.
HOME_DIR = Path(os.environ.get("SAFEGUARD_HOME", PACKAGE_DIR.parents[1])).resolve()
DATA_DIR = Path(os.environ.get("SAFEGUARD_DATA_DIR", HOME_DIR / "var")).resolve()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("SAFEGUARD_DEBUG", False)
# The demo key is only for a laptop: production refuses to start without a real one
# (see safeguard.site.checks).
SECRET_KEY = os.environ.get("SAFEGUARD_SECRET_KEY", "insecure-demo-key-change-me-" + "0" * 32)
ALLOWED_HOSTS = os.environ.get("SAFEGUARD_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
    ","
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "safeguard.site",
    "safeguard.accounts",
    "safeguard.audit",
    "safeguard.people",
    "safeguard.safeguarding",
    "safeguard.licences",
    "safeguard.referrals",
    "safeguard.monitoring",
    "safeguard.linkage",
    "safeguard.alerts",
    "safeguard.recall",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "safeguard.site.security.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "safeguard.site.middleware.AccessPolicyMiddleware",
    "safeguard.site.security.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "safeguard.site.urls"
WSGI_APPLICATION = "safeguard.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'safeguard.sqlite3'}"),
        # Seconds a request's database connection is kept for the next request of the same
        # worker (0: a new connection per request, the safe default for runserver).
        conn_max_age=int(os.environ.get("SAFEGUARD_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; the timeout makes concurrent writers
    # wait for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/sign-in"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Front-end packages are installed by npm (package-lock.json) into node_modules and the
# stylesheet is built by `npm run build` into var/frontend (see the Makefile). GOV.UK Frontend's
# built files are served from /static/govuk/, Leaflet's from /static/leaflet/.
FRONTEND_DIR = Path(os.environ.get("SAFEGUARD_FRONTEND_DIR", HOME_DIR / "node_modules"))
# Built by `npm run build` into the checkout's var/ (package.json), wherever the data lives.
FRONTEND_BUILD_DIR = HOME_DIR / "var" / "frontend"
STATICFILES_DIRS: list[str | Path | tuple[str, str | Path]] = [PACKAGE_DIR / "site" / "static"]
for _prefix, _folder in [
    ("govuk", FRONTEND_DIR / "govuk-frontend" / "dist" / "govuk"),
    ("leaflet", FRONTEND_DIR / "leaflet" / "dist"),
    ("geoman", FRONTEND_DIR / "@geoman-io" / "leaflet-geoman-free" / "dist"),
]:
    if _folder.is_dir():
        STATICFILES_DIRS.append((_prefix, _folder))
if FRONTEND_BUILD_DIR.is_dir():
    STATICFILES_DIRS.append(FRONTEND_BUILD_DIR)
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60
# Two factors for staff (password + authenticator code). Only the demo turns this off.
REQUIRE_TWO_FACTOR = _env_bool("SAFEGUARD_REQUIRE_TWO_FACTOR", True)
# Security keys (WebAuthn): the relying-party id is the domain staff sign in at (keys are bound
# to it) and the origins are the exact https origins of the site. Unset in development: the
# request's own host and origin. `check --deploy` refuses production without them (E005).
WEBAUTHN_RP_ID = os.environ.get("SAFEGUARD_WEBAUTHN_RP_ID", "")
WEBAUTHN_ORIGINS = [
    o.strip() for o in os.environ.get("SAFEGUARD_WEBAUTHN_ORIGINS", "").split(",") if o.strip()
]
SESSION_IDLE_TIMEOUT_SECONDS = 15 * 60
SESSION_ABSOLUTE_TIMEOUT_SECONDS = 12 * 60 * 60
# Sign-in throttling (safeguard.accounts.throttle; ADR 0007).
SIGN_IN_MAX_FAILURES = 5
SIGN_IN_COOL_OFF_SECONDS = 15 * 60
SIGN_IN_MAX_FAILURES_PER_ADDRESS = 50
# Map tiles: none by default (maps draw zones on a plain background). An origin here, e.g.
# "https://tiles.example.org", is allowed by the content security policy.
MAP_TILE_URL = os.environ.get("SAFEGUARD_MAP_TILE_URL", "")
MAP_TILE_ORIGIN = "/".join(MAP_TILE_URL.split("/")[:3]) if MAP_TILE_URL else ""
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Production (behind TLS): secure cookies, HSTS, HTTPS redirects. `safeguard`'s demo and the
# tests run over plain HTTP on this machine, so this is a switch (docs/operations.md).
PRODUCTION = _env_bool("SAFEGUARD_PRODUCTION", False)
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 63_072_000  # two years
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

AUDIT_CHECKPOINT_PATH = Path(
    os.environ.get("SAFEGUARD_AUDIT_CHECKPOINT_PATH", DATA_DIR / "audit-checkpoint.json")
)
# Signs audit checkpoints. Deliberately separate from SECRET_KEY so that a leaked Django key
# does not let anyone forge a checkpoint.
AUDIT_CHECKPOINT_KEY = os.environ.get("SAFEGUARD_AUDIT_CHECKPOINT_KEY", "demo-checkpoint-key")

# Electronic monitoring: where a tag-feed batch is evaluated (ADR 0112). "request": in the
# request, after its commit (development, tests, pilots); "queue": queued in the batch's
# transaction for `safeguard monitor evaluator` processes, one per shard (national volume).
MONITORING_EVALUATION = os.environ.get("SAFEGUARD_MONITORING_EVALUATION", "request")
MONITORING_EVALUATOR_SHARDS = int(os.environ.get("SAFEGUARD_MONITORING_EVALUATOR_SHARDS", "1"))

# Roles that may see protected-identity links and current addresses.
PROTECTED_IDENTITY_ROLES = ["privacy_officer"]
# How long break-glass access lasts before it must be asked for again.
BREAK_GLASS_MINUTES = 60

# Records are cleaned as they are created (safeguard.site.logging, installed at start-up).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
