// A real OpenID provider for the single sign-on tests: oidc-provider (an
// OpenID-certified implementation) with its development login form.
//
//   PORT      the port to listen on (127.0.0.1)
//   CLIENTS   JSON list of {client_id, client_secret, redirect_uris}
//
// Anyone signs in with any login: the login is the account's e-mail
// address, verified unless it starts with "unverified". Consent is granted
// without asking. For the refusal tests, `GET /__mode?id_token=<mode>` makes
// the token endpoint misbehave from then on: `other-key` signs the ID token
// with a key the provider does not publish, `wrong-aud` and `wrong-nonce`
// change those claims (signed properly); `normal` goes back.

import Provider from 'oidc-provider';
import * as jose from 'jose';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.CLIENTS ?? '[]').map((client) => ({
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  ...client,
}));

const signing = await jose.generateKeyPair('RS256', { extractable: true });
const stranger = await jose.generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await jose.exportJWK(signing.privateKey)), kid: 'main', alg: 'RS256', use: 'sig' };

let mode = 'normal';

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [jwk] },
  cookies: { keys: ['voimavara test provider cookie key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  scopes: ['openid', 'email'],
  pkce: { required: () => true },
  // The e-mail claims in the ID token itself, as Entra ID and Google put them.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, email: id, email_verified: !id.startsWith('unverified') }),
  }),
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email');
    await grant.save();
    return grant;
  },
});

provider.use(async (ctx, next) => {
  if (ctx.path === '/__mode') {
    mode = String(ctx.query.id_token ?? 'normal');
    ctx.body = { mode };
    return;
  }
  await next();
  if (ctx.path === '/token' && ctx.body && ctx.body.id_token && mode !== 'normal') {
    const claims = jose.decodeJwt(ctx.body.id_token);
    let key = signing.privateKey;
    if (mode === 'wrong-aud') claims.aud = 'someone-else';
    if (mode === 'wrong-nonce') claims.nonce = 'not-the-nonce-we-were-given';
    if (mode === 'other-key') key = stranger.privateKey;
    ctx.body = {
      ...ctx.body,
      id_token: await new jose.SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'main' })
        .sign(key),
    };
  }
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`openid provider listening at ${issuer}`);
});
