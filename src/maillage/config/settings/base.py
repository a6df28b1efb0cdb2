"""Settings shared by every environment. Values come from the environment (see env.py)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from . import env

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent  # src/maillage
# Where the running instance keeps its files (SQLite database, media, caches).
DATA_DIR = Path(env.get("MAILLAGE_DATA_DIR", str(Path.cwd() / "var"))).resolve()

SECRET_KEY = env.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS = env.listed("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env.listed("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "lucide",
    "simple_history",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "maillage.core",
    "maillage.accounts",
    "maillage.territory",
    "maillage.places",
    "maillage.api",
    "maillage.web",
    "maillage.participation",
    "maillage.analysis",
    "maillage.events",
    "maillage.journeys",
    "maillage.booking",
    "maillage.agora",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compresses pages and JSON (and static files served without a precompressed copy).
    "maillage.config.middleware.CompressMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # before the session: a NUL byte in the session cookie never reaches the database
    "maillage.config.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "maillage.config.urls"
WSGI_APPLICATION = "maillage.config.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
            # French dates, hours and counts in every template (maillage.core.french)
            "builtins": ["maillage.core.templatetags.french"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'maillage.sqlite3'}"),
        conn_max_age=int(env.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh checkout has no var/ yet: SQLite creates the file, not its folder.
    if str(DATABASES["default"]["NAME"]) != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers work while one writer writes; IMMEDIATE makes write
    # transactions take the write lock at BEGIN, so they serialise instead of
    # failing with "database is locked" half-way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
# French only until a translation catalogue exists: every text is marked for
# translation, and offering English before it is translated would mix languages
# (Django's own strings in English, ours in French). Add ("en", _("English"))
# with locale/en/.
LANGUAGES = [("fr", _("Français"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# E-mail goes through SMTP (tests run a real aiosmtpd server on loopback).
EMAIL_BACKEND = env.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(env.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env.get("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.get("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.flag("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL", "Maillage <ne-pas-repondre@maillage.localhost>")

# Background work (e-mail delivery first): Django's Tasks framework (django-tasks
# backport). The database backend needs nothing more than the database; another
# backend (e.g. django_tasks_rq.RQBackend) is a setting away. Run `maillage worker`.
TASKS = {
    "default": {
        "BACKEND": env.get("MAILLAGE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": [],
    }
}
# The outbox (maillage.core.mail): attempts before a message is marked failed, the
# first retry delay (doubled each time), how long a worker holds a message it is
# sending, and the days after which a sent message's body is forgotten.
MAILLAGE_MAIL_MAX_ATTEMPTS = int(env.get("MAILLAGE_MAIL_MAX_ATTEMPTS", "8"))
MAILLAGE_MAIL_RETRY_SECONDS = int(env.get("MAILLAGE_MAIL_RETRY_SECONDS", "60"))
MAILLAGE_MAIL_LEASE_SECONDS = int(env.get("MAILLAGE_MAIL_LEASE_SECONDS", "300"))
MAILLAGE_MAIL_KEEP_DAYS = int(env.get("MAILLAGE_MAIL_KEEP_DAYS", "30"))

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

REST_FRAMEWORK = {
    # one error shape and its documentation for every API (maillage.core.api_errors)
    "DEFAULT_SCHEMA_CLASS": "maillage.core.api_errors.ErrorSchema",
    "EXCEPTION_HANDLER": "maillage.core.api_errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "maillage.core.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Maillage API",
    "DESCRIPTION": "Shared places of a territory: directory, mesh analysis, open data.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {"IdeaStatusEnum": "maillage.agora.models.Status"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "maillage.core.openapi.shared_parameters_hook",
    ],
}

# Maps: Leaflet is vendored under web/static/vendor; no tile server unless one is
# configured (commune boundaries from our own data are the base layer).
MAILLAGE_TILE_URL = env.get("MAILLAGE_TILE_URL", "")
MAILLAGE_TILE_ATTRIBUTION = env.get(
    "MAILLAGE_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)
# The base map: vector tiles served by Maillage itself from PMTiles archives (no third-party
# host). The territory's own archive (communes) is built by `maillage build-tiles`; a full
# OpenStreetMap extract of the territory in the same format can be laid under it (docs/deploy.md).
MAILLAGE_TERRITORY_TILES_PATH = Path(
    env.get("MAILLAGE_TERRITORY_TILES_PATH", str(DATA_DIR / "tiles" / "territory.pmtiles"))
)
MAILLAGE_TILES_PATH = env.get("MAILLAGE_TILES_PATH", "")
MAILLAGE_MAP_CENTER = (44.52, 3.50)  # Lozère; override per territory
MAILLAGE_MAP_ZOOM = 9

# The territory this instance serves: a list of département codes (configuration, not code).
MAILLAGE_DEPARTEMENTS = env.listed("MAILLAGE_DEPARTEMENTS", "48")
MAILLAGE_NETWORK_NAME = env.get("MAILLAGE_NETWORK_NAME", "Solozère")
# Where open data is read from instead of downloaded (laid out like shared/data).
MAILLAGE_OPEN_DATA = env.get("MAILLAGE_OPEN_DATA", "")
# Without MAILLAGE_OPEN_DATA, where it is downloaded from (once, into DATA_DIR/open-data);
# empty: the defaults of maillage.opendata.sources (see docs/data.md).
MAILLAGE_FRANCE_SERVICES_URL = env.get("MAILLAGE_FRANCE_SERVICES_URL", "")
MAILLAGE_GEO_API_COMMUNES_URL = env.get("MAILLAGE_GEO_API_COMMUNES_URL", "")
# The public address of this instance, for links in e-mails sent outside a request
# (moderation decisions, reminders, newsletters): e.g. https://lieux.example.org
MAILLAGE_SITE_URL = env.get("MAILLAGE_SITE_URL", "http://127.0.0.1:8000")
# Where the orientation engine finds events (it imports no other app itself).
MAILLAGE_JOURNEY_EVENT_PROVIDERS = ["maillage.events.journeys.events_between"]
# What the apps above accounts hold about a person (export, deletion, account page):
# accounts calls them without importing those apps (no import loop).
MAILLAGE_PERSONAL_DATA_PROVIDERS = [
    "maillage.participation.services.personal_data",
    "maillage.agora.services.personal_data",
    "maillage.booking.services.personal_data",
    "maillage.events.services.personal_data",
]
MAILLAGE_FORGET_PERSON_HOOKS = [
    "maillage.participation.services.forget_person",
    "maillage.agora.services.forget_person",
    "maillage.booking.services.forget_person",
    "maillage.events.services.forget_person",
]
MAILLAGE_ACCOUNT_CONTEXT_PROVIDERS = [
    "maillage.participation.services.account_context",
    "maillage.booking.services.account_context",
]
# Who adds dated stops of mobile units to the read model of the network
# (maillage.places.network): events at a mobile unit are its stops.
MAILLAGE_NETWORK_VISIT_PROVIDERS = ["maillage.events.network.mobile_visits"]
# How many reverse proxies stand in front of the application (1 behind the
# documented nginx): the client's address is read from X-Forwarded-For through
# them only, for the rate limits (maillage.core.client). 0: the header is ignored.
MAILLAGE_TRUSTED_PROXIES = int(env.get("MAILLAGE_TRUSTED_PROXIES", "0"))
# Days after which a place's page counts as not checked, and its hosts are reminded.
MAILLAGE_STALE_AFTER_DAYS = int(env.get("MAILLAGE_STALE_AFTER_DAYS", "180"))

# Fetching URLs hosts give (calendar feeds): maillage.core.fetch. Networks let through
# although not public (comma-separated CIDR, e.g. an intranet calendar server): none by default.
MAILLAGE_FETCH_ALLOWED_NETWORKS = env.listed("MAILLAGE_FETCH_ALLOWED_NETWORKS", "")
MAILLAGE_FETCH_TIMEOUT = float(env.get("MAILLAGE_FETCH_TIMEOUT", "20"))  # seconds
MAILLAGE_FETCH_MAX_BYTES = int(env.get("MAILLAGE_FETCH_MAX_BYTES", str(10_000_000)))
MAILLAGE_FETCH_MAX_REDIRECTS = int(env.get("MAILLAGE_FETCH_MAX_REDIRECTS", "3"))

# No third-party host, ever: every asset is self-hosted.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"]
        + ([MAILLAGE_TILE_URL.split("/{")[0]] if MAILLAGE_TILE_URL else []),
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get("LOG_LEVEL", "WARNING")},
}
