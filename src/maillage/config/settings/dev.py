"""Development and the embedded demo: SQLite by default, debug on, e-mails printed."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.flag("DJANGO_DEBUG", True)
EMAIL_BACKEND = env.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Serve static files straight from the apps' folders (no collectstatic step for the demo).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
