// oidc-provider (OpenID Certified, https://github.com/panva/node-oidc-provider) as the
// identity provider of tmverify's relying-party tests (tests/oidc/test_oidc_provider.py).
// Only its configuration is ours: the clients, the claims of one test person, and a
// plain interaction page (who signs in, which acr the proofing reached, or a refusal).
//
//   PORT=... CONFIG='{"clients": [...], "accounts": {...}, "userinfoOnly": false}' node provider.mjs
import http from 'node:http';
import { URLSearchParams } from 'node:url';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://localhost:${port}`;
const { clients, accounts, userinfoOnly } = JSON.parse(process.env.CONFIG);
const IAL2 = 'http://idmanagement.gov/ns/assurance/ial/2';
const IAL1 = 'http://idmanagement.gov/ns/assurance/ial/1';

const provider = new Provider(issuer, {
  clients,
  acrValues: [IAL2, IAL1],
  scopes: ['openid', 'profile', 'tmverify_identity'],
  claims: {
    openid: ['sub'],
    profile: ['given_name', 'family_name'],
    tmverify_identity: ['document_number', 'document_country', 'verification_method'],
  },
  // the identity claims in the ID token itself; or (userinfoOnly, oidc-provider's default
  // and Login.gov's way) only from the UserInfo endpoint
  conformIdTokenClaims: Boolean(userinfoOnly),
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
  enabledJWA: { clientAuthSigningAlgValues: ['RS256', 'ES256'] },
  async findAccount(ctx, id) {
    if (!accounts[id]) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // tmverify is a first-party client here: its scopes are granted without a consent page
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile tmverify_identity');
    await grant.save();
    return grant;
  },
});

function page(uid) {
  const options = Object.keys(accounts).map((id) => `<option value="${id}">${id}</option>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test provider</title></head>
<body><main><h1>Test identity provider (oidc-provider)</h1>
<form method="post" action="/interaction/${uid}">
<label for="account">Person</label><select id="account" name="account">${options}</select>
<fieldset><legend>Identity proofing</legend>
<label><input type="radio" name="acr" value="${IAL2}" checked> IAL2 (government ID checked)</label>
<label><input type="radio" name="acr" value="${IAL1}"> IAL1 only</label>
<label><input type="radio" name="acr" value="deny"> Could not confirm the identity</label>
</fieldset>
<button type="submit">Continue</button></form></main></body></html>`;
}

function body(req) {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk) => { text += chunk; });
    req.on('end', () => resolve(new URLSearchParams(text)));
  });
}

const callback = provider.callback();
http.createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([\w-]+)$/);
  if (!match) return callback(req, res);
  try {
    await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return res.end(page(match[1]));
    }
    const form = await body(req);
    const result = form.get('acr') === 'deny'
      ? { error: 'access_denied', error_description: 'the identity could not be confirmed' }
      : { login: { accountId: form.get('account'), acr: form.get('acr') } };
    return await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  } catch (err) {
    res.writeHead(400, { 'Content-Type': 'text/plain' });
    return res.end(String(err));
  }
}).listen(port, 'localhost', () => console.log(`listening ${issuer}`));
