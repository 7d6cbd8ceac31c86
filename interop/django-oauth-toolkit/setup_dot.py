#!/usr/bin/env python3
"""Prepare the test-only django-oauth-toolkit database (idempotent).

Runs the migrations into RC_DOT_WORK/db.sqlite3 and (re)creates the fixed test
user and applications:

  user  alice                 password from RC_DOT_ALICE_PASSWORD
  app   rc-main    confidential, password grant, secret RC_DOT_MAIN_SECRET
  app   rc-other   confidential, password grant, secret RC_DOT_OTHER_SECRET
  app   rc-public  public,       password grant, no secret

Client secrets are stored in plaintext (hash_client_secret=False): they are
test values, and a hashed secret costs a PBKDF2 run on every token request.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rcdot.settings")


def env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"setup_dot.py: environment variable {name} is not set (source interop/.work/env)")
    return value


def main():
    import django
    from django.conf import settings

    Path(settings.DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    django.setup()

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oauth2_provider.models import get_application_model

    call_command("migrate", interactive=False, verbosity=0)

    User = get_user_model()
    alice, _ = User.objects.get_or_create(username="alice", defaults={"email": "alice@example.test"})
    alice.set_password(env("RC_DOT_ALICE_PASSWORD"))
    alice.save()

    Application = get_application_model()
    apps = [
        ("rc-main", Application.CLIENT_CONFIDENTIAL, env("RC_DOT_MAIN_SECRET")),
        ("rc-other", Application.CLIENT_CONFIDENTIAL, env("RC_DOT_OTHER_SECRET")),
        ("rc-public", Application.CLIENT_PUBLIC, ""),
    ]
    for client_id, client_type, secret in apps:
        app, _ = Application.objects.get_or_create(
            client_id=client_id,
            defaults={"name": client_id, "user": alice},
        )
        app.name = client_id
        app.client_type = client_type
        app.authorization_grant_type = Application.GRANT_PASSWORD
        app.hash_client_secret = False
        app.client_secret = secret
        app.redirect_uris = ""
        app.skip_authorization = True
        app.save()
    print(f"setup_dot.py: {settings.DATABASES['default']['NAME']} ready "
          f"(config {settings.CONFIG}; apps {', '.join(a[0] for a in apps)}; user alice)")


if __name__ == "__main__":
    main()
