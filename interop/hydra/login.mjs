// Grant source for the Ory Hydra interop targets (kind = "command").
//
// Usage: node interop/hydra/login.mjs PUBLIC_URL ADMIN_URL CLIENT_ID SCOPE
//
// Hydra has no password grant and no login UI: it redirects the browser to the
// login and consent apps it is configured with (URLS_LOGIN / URLS_CONSENT),
// which accept the flow through Hydra's admin API. This script is both the
// browser and those apps:
//
//   1. GET PUBLIC/oauth2/auth (code flow, PKCE S256, state, nonce);
//      Hydra answers with a redirect to the login URL carrying login_challenge;
//   2. PUT ADMIN/admin/oauth2/auth/requests/login/accept (subject "alice");
//   3. follow redirect_to: Hydra redirects to the consent URL with consent_challenge;
//   4. GET the consent request and PUT .../consent/accept granting every
//      requested scope and audience;
//   5. follow redirect_to to the client's redirect_uri, take the code;
//   6. exchange the code at the token endpoint, authenticating as the client
//      (client_secret_basic, client_secret_post, private_key_jwt or none).
//
// Prints the token endpoint's JSON response on stdout, unchanged; exits
// non-zero (with the reason on stderr) when anything is off. The login and
// consent URLs are never fetched: only their query strings are read.
//
// Extra authorization-request parameters of the grant step (a scenario's
// `params`, e.g. a `nonce`) arrive form-encoded in RC_GRANT_PARAMS (set by
// refresh-conformance for command grant sources); they override the defaults
// below (a random nonce, ...).
//
// Client credentials come from the environment, under the variable names the
// target files name (interop/.work/env). TEST VALUES only. No dependencies:
// node >= 20 (fetch, crypto).

import { createHash, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';

const CLIENTS = {
  'rc-main': { auth: 'client_secret_basic', secretEnv: 'RC_HYDRA_MAIN_SECRET' },
  'rc-other': { auth: 'client_secret_post', secretEnv: 'RC_HYDRA_OTHER_SECRET' },
  'rc-public': { auth: 'none' },
  'rc-pkjwt': { auth: 'private_key_jwt', keyEnv: 'RC_HYDRA_PKJWT_KEY_FILE', kid: 'rc-hydra-pkjwt-1', alg: 'ES256' },
};
const REDIRECT_URI = 'http://127.0.0.1/callback';
const SUBJECT = 'alice';
const MAX_HOPS = 8;
const TIMEOUT_MS = 10_000;

function die(msg) {
  process.stderr.write(`hydra/login.mjs: ${msg}\n`);
  process.exit(1);
}

const [publicArg, adminArg, clientId, scope] = process.argv.slice(2);
if (!publicArg || !adminArg || !clientId || scope === undefined) {
  die('usage: login.mjs PUBLIC_URL ADMIN_URL CLIENT_ID SCOPE');
}
const client = CLIENTS[clientId];
if (!client) die(`unknown client id "${clientId}" (known: ${Object.keys(CLIENTS).join(', ')})`);
const publicUrl = publicArg.replace(/\/$/, '');
const adminUrl = adminArg.replace(/\/$/, '');

// A minimal cookie jar (Hydra's CSRF and session cookies): one origin, host-only.
const jar = new Map();
function storeCookies(res) {
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attrs.some((a) => /^\s*max-age=(0|-\d+)\s*$/i.test(a))
      || attrs.some((a) => /^\s*expires=thu, 01 jan 1970/i.test(a));
    if (expired || value === '') jar.delete(name); else jar.set(name, value);
  }
}

async function browse(url) {
  const headers = {};
  if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  storeCookies(res);
  return res;
}

async function admin(method, path, body) {
  const res = await fetch(`${adminUrl}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json', accept: 'application/json' } : { accept: 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  if (res.status !== 200) die(`admin ${method} ${path.split('?')[0]} answered HTTP ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');

// Follow Hydra's redirects until one leaves the public URL: the login or
// consent app (a challenge in the query), or the client's redirect_uri.
async function followToApp(start) {
  let next = start;
  for (let hop = 0; hop < MAX_HOPS; hop += 1) {
    const res = await browse(next);
    await res.arrayBuffer();
    if (res.status < 300 || res.status >= 400) {
      die(`HTTP ${res.status} at ${new URL(next).pathname} (expected a redirect)`);
    }
    const loc = new URL(res.headers.get('location'), next);
    if (!loc.href.startsWith(`${publicUrl}/`)) return loc;
    next = loc.href;
  }
  return die(`more than ${MAX_HOPS} redirects`);
}

function clientAssertion(audience) {
  const keyFile = process.env[client.keyEnv] || die(`${client.keyEnv} is not set`);
  const key = createPrivateKey(readFileSync(keyFile));
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: client.alg, kid: client.kid, typ: 'JWT' }));
  const claims = b64url(JSON.stringify({
    iss: clientId, sub: clientId, aud: audience, jti: b64url(randomBytes(16)), iat: now, exp: now + 60,
  }));
  const input = `${header}.${claims}`;
  // ES256: the JOSE signature is r || s (IEEE P1363), not DER.
  const sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(sig)}`;
}

async function main() {
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  const state = b64url(randomBytes(16));

  const auth = new URL(`${publicUrl}/oauth2/auth`);
  auth.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope,
    state,
    nonce: b64url(randomBytes(16)),
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  for (const [k, v] of new URLSearchParams(process.env.RC_GRANT_PARAMS || '')) auth.searchParams.set(k, v);

  // 1-2: login.
  let at = await followToApp(auth.href);
  const loginChallenge = at.searchParams.get('login_challenge');
  if (!loginChallenge) die(`expected a redirect to the login app, got ${at.origin}${at.pathname}${authError(at)}`);
  const login = await admin('PUT', `/admin/oauth2/auth/requests/login/accept?login_challenge=${encodeURIComponent(loginChallenge)}`,
    { subject: SUBJECT, remember: false });

  // 3-4: consent, granting what was asked.
  at = await followToApp(login.redirect_to);
  const consentChallenge = at.searchParams.get('consent_challenge');
  if (!consentChallenge) die(`expected a redirect to the consent app, got ${at.origin}${at.pathname}${authError(at)}`);
  const q = `?consent_challenge=${encodeURIComponent(consentChallenge)}`;
  const consent = await admin('GET', `/admin/oauth2/auth/requests/consent${q}`);
  const accepted = await admin('PUT', `/admin/oauth2/auth/requests/consent/accept${q}`, {
    grant_scope: consent.requested_scope || [],
    grant_access_token_audience: consent.requested_access_token_audience || [],
    remember: false,
  });

  // 5: the code at the redirect_uri.
  at = await followToApp(accepted.redirect_to);
  if (!at.href.startsWith(REDIRECT_URI)) die(`expected the redirect_uri, got ${at.origin}${at.pathname}`);
  const p = at.searchParams;
  if (p.get('error')) die(`authorization error: ${p.get('error')}: ${p.get('error_description') || ''}`);
  if (p.get('state') !== state) die('state mismatch in the authorization response');
  const code = p.get('code') || die('authorization response without code');

  // 6: code exchange, authenticated as the client.
  const tokenEndpoint = `${publicUrl}/oauth2/token`;
  const form = new URLSearchParams({
    grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier,
  });
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  switch (client.auth) {
    case 'client_secret_basic': {
      const secret = process.env[client.secretEnv] || die(`${client.secretEnv} is not set`);
      const enc = encodeURIComponent; // RFC 6749 §2.3.1: form-urlencode id and secret
      headers.authorization = `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64')}`;
      break;
    }
    case 'client_secret_post':
      form.set('client_id', clientId);
      form.set('client_secret', process.env[client.secretEnv] || die(`${client.secretEnv} is not set`));
      break;
    case 'none':
      form.set('client_id', clientId);
      break;
    case 'private_key_jwt':
      form.set('client_id', clientId);
      form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      form.set('client_assertion', clientAssertion(tokenEndpoint));
      break;
    default:
      die(`unsupported auth ${client.auth}`);
  }
  const res = await fetch(tokenEndpoint, {
    method: 'POST', headers, body: form.toString(), signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  if (res.status !== 200) die(`token endpoint answered HTTP ${res.status}: ${text.slice(0, 500)}`);
  process.stdout.write(`${text}\n`);
}

// An OAuth error redirect (to the client's redirect_uri) explains itself.
function authError(url) {
  const e = url.searchParams.get('error');
  return e ? ` (${e}: ${url.searchParams.get('error_description') || ''})` : '';
}

main().catch((err) => die(err?.stack || String(err)));
