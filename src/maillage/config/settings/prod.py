"""Production: PostgreSQL, secrets from the environment, HTTPS behind a reverse proxy."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env.mandatory("DJANGO_SECRET_KEY")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.flag("SECURE_HSTS_PRELOAD", False)
# Preloading HSTS into browsers is a commitment for a domain and all its
# subdomains: the operator opts in with SECURE_HSTS_PRELOAD=1; we do not.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
LOG_LEVEL = env.get("LOG_LEVEL", "INFO")
