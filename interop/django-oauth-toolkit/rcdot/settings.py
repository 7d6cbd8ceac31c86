"""Settings of the test-only django-oauth-toolkit project (refresh-conformance interop).

Loopback only, DEBUG off, sqlite in the work dir. The refresh-token behaviour is
chosen by the configuration name in RC_DOT_CONFIG (see CONFIGS below); the
work dir (database) by RC_DOT_WORK. Every value here is a TEST VALUE.
"""

import os
from pathlib import Path

CONFIG = os.environ.get("RC_DOT_CONFIG", "rotate")
WORK = Path(os.environ.get("RC_DOT_WORK", Path(__file__).resolve().parents[2] / ".work" / f"dot-{CONFIG}"))

# Configuration name -> django-oauth-toolkit refresh-token settings. Semantics
# (read in the pinned 3.4.1 source, oauth2_provider/oauth2_validators.py):
#  - ROTATE_REFRESH_TOKEN: when False the same refresh token value is returned
#    and the access token row is updated in place (the previous access token
#    value stops working); when True the presented refresh token is revoked
#    (its access token deleted) and a new pair is minted.
#  - REFRESH_TOKEN_GRACE_PERIOD_SECONDS: a revoked refresh token is still
#    accepted within the window only if it was *superseded* by rotation (not
#    revoked via /o/revoke_token/); it then answers with the already-issued
#    successor pair instead of minting a new one.
#  - REFRESH_TOKEN_REUSE_PROTECTION: a revoked token presented outside the grace
#    window revokes every token of its family (token_family) -> invalid_grant.
CONFIGS = {
    "rotate": {"ROTATE_REFRESH_TOKEN": True},
    "norotate": {"ROTATE_REFRESH_TOKEN": False},
    "reuse": {"ROTATE_REFRESH_TOKEN": True, "REFRESH_TOKEN_REUSE_PROTECTION": True},
    "grace": {
        "ROTATE_REFRESH_TOKEN": True,
        "REFRESH_TOKEN_REUSE_PROTECTION": True,
        "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 10,
    },
}
if CONFIG not in CONFIGS:
    raise SystemExit(f"rcdot.settings: unknown RC_DOT_CONFIG {CONFIG!r} (known: {', '.join(CONFIGS)})")

SECRET_KEY = "rc-interop-test-only-django-secret-key-not-for-production"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "rcdot.urls"
TEMPLATES = []
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The test user's password is hashed with a fast hasher: Django's default
# PBKDF2 costs ~1 s of CPU per password grant, which on a small CI machine
# turns a parallel catalog run into timeouts. Test-only, like every value here.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": WORK / "db.sqlite3",
        # sqlite ignores SELECT ... FOR UPDATE; IMMEDIATE transactions take the
        # write lock at BEGIN, so concurrent refreshes of one token serialise
        # instead of failing with "database is locked".
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
    }
}

OAUTH2_PROVIDER = {
    "SCOPES": {
        "read": "Read scope",
        "write": "Write scope",
        "email": "Email scope",
        "introspection": "Introspect tokens",
    },
    "DEFAULT_SCOPES": ["read", "write"],
    # Short lifetimes, so that the catalog's expiry checks wait seconds, not
    # hours (library defaults: 36000 and None). Access tokens live 25 s. A
    # refresh token dies REFRESH_TOKEN_EXPIRE_SECONDS after its access token
    # expires (oauth2_validators.py:1287-1305); every refresh mints (or, without
    # rotation, re-dates) that access token, so this is an idle lifetime of
    # 25 + 10 = 35 s since the last grant or refresh.
    "ACCESS_TOKEN_EXPIRE_SECONDS": 25,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 10,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "REFRESH_TOKEN_REUSE_PROTECTION": False,
    **CONFIGS[CONFIG],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {
        "oauthlib": {"handlers": ["stderr"], "level": "WARNING"},
        "oauth2_provider": {"handlers": ["stderr"], "level": "WARNING"},
        "django.request": {"handlers": ["stderr"], "level": "ERROR"},
    },
}
