// Grant source for the oidc-provider interop targets (kind = "command").
//
// Usage: node interop/oidc-provider/login.mjs ISSUER CLIENT_ID SCOPE
//
// Drives the authorization code flow with PKCE (S256) against the test
// provider started by server.mjs: authorization request with prompt=consent
// (oidc-provider issues a refresh token only for offline_access with
// prompt=consent), devInteractions login as the fixed test user "alice",
// consent, then the code exchange at the token endpoint, authenticating as the
// client (client_secret_basic, client_secret_post, none, or private_key_jwt).
// Prints the token endpoint's JSON response on stdout, unchanged; exits
// non-zero (with the reason on stderr) when anything is off.
//
// Extra authorization-request parameters of the grant step (a scenario's
// `params`, e.g. a `nonce`) arrive form-encoded in RC_GRANT_PARAMS (set by
// refresh-conformance for command grant sources); they override the defaults
// below (a random nonce, prompt=consent, ...).
//
// For a DPoP client (dpop = true in the target) the suite passes a DPoP proof
// for the token request in RC_DPOP_PROOF; it is sent as the DPoP header.
//
// Client credentials come from the environment, under the same variable
// names the target files name (see interop/.work/env). TEST VALUES only.

import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { SignJWT } from 'jose';

const CLIENTS = {
  'rc-main': { auth: 'client_secret_basic', secretEnv: 'RC_OP_MAIN_SECRET' },
  'rc-other': { auth: 'client_secret_post', secretEnv: 'RC_OP_OTHER_SECRET' },
  'rc-public': { auth: 'none' },
  'rc-pkjwt': { auth: 'private_key_jwt', keyEnv: 'RC_OP_PKJWT_KEY_FILE', kid: 'rc-pkjwt-1', alg: 'RS256' },
};
const REDIRECT_URI = 'http://127.0.0.1/callback';
const USER = 'alice';
const USER_PASSWORD_ENV = 'RC_OP_ALICE_PASSWORD'; // devInteractions accept any password
const MAX_HOPS = 12;
const TIMEOUT_MS = 10_000;

function die(msg) {
  process.stderr.write(`login.mjs: ${msg}\n`);
  process.exit(1);
}

const [issuerArg, clientId, scope] = process.argv.slice(2);
if (!issuerArg || !clientId || scope === undefined) {
  die('usage: login.mjs ISSUER CLIENT_ID SCOPE');
}
const client = CLIENTS[clientId];
if (!client) die(`unknown client id "${clientId}" (known: ${Object.keys(CLIENTS).join(', ')})`);
const issuer = issuerArg.replace(/\/$/, '');

// --- a minimal cookie jar: name -> value, all cookies are host-only on one origin.
const jar = new Map();
function storeCookies(res) {
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attrs.some((a) => /^\s*expires=thu, 01 jan 1970/i.test(a))
      || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
    if (expired || value === '') jar.delete(name); else jar.set(name, value);
  }
}
const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

async function request(url, init = {}) {
  const headers = { ...(init.headers || {}) };
  if (jar.size) headers.cookie = cookieHeader();
  const res = await fetch(url, {
    ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  storeCookies(res);
  return res;
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');

async function discover() {
  const res = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) die(`discovery failed: HTTP ${res.status}`);
  return res.json();
}

async function main() {
  const meta = await discover();

  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  const state = b64url(randomBytes(16));
  const nonce = b64url(randomBytes(16));

  const auth = new URL(meta.authorization_endpoint);
  auth.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope,
    state,
    nonce,
    prompt: 'consent',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  for (const [k, v] of new URLSearchParams(process.env.RC_GRANT_PARAMS || '')) auth.searchParams.set(k, v);

  // Follow redirects by hand; answer each interaction (login, then consent).
  let next = auth.toString();
  let code;
  for (let hop = 0; hop < MAX_HOPS && !code; hop += 1) {
    const res = await request(next);
    if (res.status >= 300 && res.status < 400) {
      const loc = new URL(res.headers.get('location'), next);
      if (loc.href.startsWith(REDIRECT_URI)) {
        const p = loc.searchParams;
        if (p.get('error')) die(`authorization error: ${p.get('error')}: ${p.get('error_description') || ''}`);
        if (p.get('state') !== state) die('state mismatch in authorization response');
        code = p.get('code');
        if (!code) die('authorization response without code');
        break;
      }
      next = loc.href;
      continue;
    }
    const body = await res.text();
    if (res.status !== 200) die(`unexpected HTTP ${res.status} at ${new URL(next).pathname}: ${body.slice(0, 300)}`);
    const prompt = /name="prompt" value="(login|consent)"/.exec(body)?.[1];
    const action = /<form[^>]*action="([^"]+)"/.exec(body)?.[1];
    if (!prompt || !action) die(`no login/consent form at ${new URL(next).pathname}`);
    const form = prompt === 'login'
      ? { prompt, login: USER, password: process.env[USER_PASSWORD_ENV] || 'test-only' }
      : { prompt };
    const submit = new URL(action.replace(/&amp;/g, '&'), next);
    const post = await request(submit, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    if (post.status < 300 || post.status >= 400) die(`interaction ${prompt} answered HTTP ${post.status}`);
    next = new URL(post.headers.get('location'), submit).href;
  }
  if (!code) die(`no authorization code after ${MAX_HOPS} redirects`);

  // Code exchange, authenticated as the client.
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
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
    case 'private_key_jwt': {
      const keyFile = process.env[client.keyEnv] || die(`${client.keyEnv} is not set`);
      const key = createPrivateKey(readFileSync(keyFile));
      const now = Math.floor(Date.now() / 1000);
      const assertion = await new SignJWT({})
        .setProtectedHeader({ alg: client.alg, kid: client.kid })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience(meta.token_endpoint)
        .setJti(b64url(randomBytes(16)))
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .sign(key);
      form.set('client_id', clientId);
      form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      form.set('client_assertion', assertion);
      break;
    }
    default:
      die(`unsupported auth ${client.auth}`);
  }
  // A DPoP client: the suite's proof (RFC 9449 §4) for this request, so the
  // tokens are bound to the key the suite holds. Not answerable here: a
  // use_dpop_nonce challenge (no nonce is required by server.mjs).
  if (process.env.RC_DPOP_PROOF) headers.dpop = process.env.RC_DPOP_PROOF;
  const res = await fetch(meta.token_endpoint, {
    method: 'POST', headers, body: form.toString(), signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  if (res.status !== 200) die(`token endpoint answered HTTP ${res.status}: ${text.slice(0, 500)}`);
  process.stdout.write(`${text}\n`);
}

main().catch((err) => die(err?.stack || String(err)));
