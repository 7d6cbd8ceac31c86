"""Render one Keycloak realm per interop configuration.

    python3 render-realms.py OUTDIR CONFIG...

Reads realm.json (the base realm, with @NAME@ placeholders) and realms.json (each
configuration's realm settings over the base; its "clientAttributes" object is
not a realm setting but attributes added to every client of that realm), and
writes OUTDIR/rc-<config>.json,
the files `kc.sh start-dev --import-realm` imports. Placeholders come from the
environment: RC_KC_MAIN_SECRET, RC_KC_POST_SECRET, RC_KC_OTHER_SECRET,
RC_KC_ALICE_PASSWORD (test values, interop/.work/env) and RC_KC_PKJWT_CERT (the
base64 DER certificate of rc-pkjwt's test-only key).

Every client also gets an audience mapper for each confidential client (AUDIENCE):
Keycloak 26 answers `"active": false` to an introspecting client that is not in
the token's audience ("Client '...' is not in the token audience"), as RFC 7662
§2.2 allows, so the suite's clients, which introspect one another's tokens,
must be in every token's `aud`, as a resource server would be.
"""
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
AUDIENCE = ["rc-main", "rc-post", "rc-other", "rc-pkjwt"]


def audience_mappers() -> list:
    return [
        {
            "name": f"audience {aud}",
            "protocol": "openid-connect",
            "protocolMapper": "oidc-audience-mapper",
            "config": {
                "included.client.audience": aud,
                "access.token.claim": "true",
                "introspection.token.claim": "true",
                "id.token.claim": "false",
            },
        }
        for aud in AUDIENCE
    ]


def main() -> None:
    out, configs = Path(sys.argv[1]), sys.argv[2:]
    base = (HERE / "realm.json").read_text()
    settings = json.loads((HERE / "realms.json").read_text())
    values = {
        "MAIN_SECRET": os.environ["RC_KC_MAIN_SECRET"],
        "POST_SECRET": os.environ["RC_KC_POST_SECRET"],
        "OTHER_SECRET": os.environ["RC_KC_OTHER_SECRET"],
        "ALICE_PASSWORD": os.environ["RC_KC_ALICE_PASSWORD"],
        "PKJWT_CERT": os.environ["RC_KC_PKJWT_CERT"],
    }
    out.mkdir(parents=True, exist_ok=True)
    for config in configs:
        text = base.replace("@REALM@", f"rc-{config}")
        for name, value in values.items():
            text = text.replace(f"@{name}@", json.dumps(value)[1:-1])
        realm = json.loads(text)
        realm.pop("_comment", None)
        own = dict(settings[config])
        attributes = own.pop("clientAttributes", {})
        for client in realm["clients"]:
            client.setdefault("protocolMappers", []).extend(audience_mappers())
            client.setdefault("attributes", {}).update(attributes)
        realm.update({k: v for k, v in own.items() if not k.startswith("_")})
        tmp = out / f".rc-{config}.json.tmp"
        tmp.write_text(json.dumps(realm, indent=2))
        tmp.replace(out / f"rc-{config}.json")


if __name__ == "__main__":
    main()
