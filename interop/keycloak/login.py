"""Grant source for the Keycloak interop targets (kind = "command").

    python3 interop/keycloak/login.py ISSUER CLIENT_ID SCOPE

Drives the authorization code flow with PKCE (S256) through Keycloak's own
login form, as a browser would: the authorization request (with a random
state and nonce), the login page's form posted with the test user alice's
password, the redirect to the client's redirect URI caught (never followed),
then the code exchange at the token endpoint, authenticating as the client
(client_secret_basic, client_secret_post or none). Prints the token
endpoint's JSON response on stdout, unchanged; exits non-zero with the
reason on stderr when anything is off.

When the client is DPoP-bound, refresh-conformance hands the proof it made
for this grant in RC_DPOP_PROOF (RFC 9449 §4): it is sent as the code
exchange's DPoP header, so the tokens are bound to a key the suite holds.

Extra authorization-request parameters of the grant step (a scenario's
`params`, e.g. a `nonce`) arrive form-encoded in RC_GRANT_PARAMS (set by
refresh-conformance for command grant sources) and override the defaults.
Credentials come from the environment (interop/.work/env). TEST VALUES only.
Python standard library only.
"""
import base64
import hashlib
import html
import json
import os
import re
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request

CLIENTS = {
    "rc-main": ("client_secret_basic", "RC_KC_MAIN_SECRET"),
    "rc-post": ("client_secret_post", "RC_KC_POST_SECRET"),
    "rc-other": ("client_secret_post", "RC_KC_OTHER_SECRET"),
    "rc-public": ("none", None),
}
REDIRECT_URI = "http://127.0.0.1/rc-callback"
USER = "alice"
TIMEOUT = 30
MAX_HOPS = 8


def die(msg: str) -> None:
    print(f"login.py: {msg}", file=sys.stderr)
    sys.exit(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def open_url(opener, url, data=None, headers=None, jar=None):
    """One request, redirects not followed. `jar` (name -> value) is sent and
    updated by hand: Keycloak marks its cookies Secure even on http://127.0.0.1
    (browsers treat loopback as a secure context), which http.cookiejar would
    never send back over http."""
    headers = dict(headers or {})
    if jar:
        headers["cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
    req = urllib.request.Request(url, data=data, headers=headers)
    try:
        r = opener.open(req, timeout=TIMEOUT)
    except urllib.error.HTTPError as e:
        r = e  # 3xx (not followed) and errors alike: status, headers, body
    if jar is not None:
        for line in r.headers.get_all("set-cookie") or []:
            name, _, rest = line.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in line.lower():
                jar[name.strip()] = value
            else:
                jar.pop(name.strip(), None)
    return r


def main() -> None:
    if len(sys.argv) != 4:
        die("usage: login.py ISSUER CLIENT_ID SCOPE")
    issuer, client_id, scope = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    if client_id not in CLIENTS:
        die(f"unknown client id {client_id!r} (known: {', '.join(CLIENTS)})")
    auth, secret_env = CLIENTS[client_id]
    secret = os.environ.get(secret_env, "") if secret_env else ""
    if secret_env and not secret:
        die(f"{secret_env} is not set (source interop/.work/env)")
    password = os.environ.get("RC_KC_ALICE_PASSWORD") or die("RC_KC_ALICE_PASSWORD is not set")

    jar = {}
    opener = urllib.request.build_opener(NoRedirect)
    verifier = b64url(secrets.token_bytes(32))
    state = b64url(secrets.token_bytes(16))
    params = {
        "client_id": client_id,
        "response_type": "code",
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": state,
        "nonce": b64url(secrets.token_bytes(16)),
        "code_challenge": b64url(hashlib.sha256(verifier.encode()).digest()),
        "code_challenge_method": "S256",
    }
    params.update(urllib.parse.parse_qsl(os.environ.get("RC_GRANT_PARAMS", "")))
    url = f"{issuer}/protocol/openid-connect/auth?{urllib.parse.urlencode(params)}"

    # The login page, its form posted, and redirects followed until the redirect URI.
    code, data = None, None
    for _ in range(MAX_HOPS):
        r = open_url(opener, url, data, {"content-type": "application/x-www-form-urlencoded"} if data else None, jar)
        if 300 <= r.status < 400:
            loc = urllib.parse.urljoin(url, r.headers.get("location", ""))
            if loc.startswith(REDIRECT_URI):
                q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(loc).query))
                if "error" in q:
                    die(f"authorization error: {q['error']}: {q.get('error_description', '')}")
                if q.get("state") != state:
                    die("state mismatch in the authorization response")
                code = q.get("code") or die("authorization response without code")
                break
            url, data = loc, None
            continue
        body = r.read().decode("utf-8", "replace")
        form = re.search(r'<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"', body)
        if r.status != 200 or not form:
            die(f"HTTP {r.status} at {urllib.parse.urlsplit(url).path}, and no login form: {body[:300]!r}")
        url = html.unescape(form.group(1))
        data = urllib.parse.urlencode({"username": USER, "password": password, "credentialId": ""}).encode()
    if not code:
        die(f"no authorization code after {MAX_HOPS} hops")

    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier}
    headers = {"content-type": "application/x-www-form-urlencoded"}
    if os.environ.get("RC_DPOP_PROOF"):
        headers["dpop"] = os.environ["RC_DPOP_PROOF"]
    if auth == "client_secret_basic":
        q = urllib.parse.quote
        headers["authorization"] = "Basic " + base64.b64encode(f"{q(client_id, safe='')}:{q(secret, safe='')}".encode()).decode()
    else:
        form["client_id"] = client_id
        if auth == "client_secret_post":
            form["client_secret"] = secret
    r = open_url(urllib.request.build_opener(NoRedirect), f"{issuer}/protocol/openid-connect/token",
                 urllib.parse.urlencode(form).encode(), headers)
    body = r.read().decode("utf-8", "replace")
    if r.status != 200:
        die(f"code exchange answered HTTP {r.status}: {body[:300]}")
    json.loads(body)  # a JSON object, or die with the traceback
    sys.stdout.write(body)


if __name__ == "__main__":
    try:
        main()
    except (OSError, ValueError) as e:  # connection refused or reset, a timeout, a body that is not JSON
        die(f"{type(e).__name__}: {e}")
