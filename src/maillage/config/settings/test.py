"""Tests: the database comes from DATABASE_URL (SQLite unless said otherwise)."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# Whitenoise warns (an error under filterwarnings=error) when STATIC_ROOT does not
# exist; a fresh checkout has collected nothing, so make sure the folder is there.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
