// A real OpenID provider for the single sign-on journey: panva's oidc-provider (from npm) on
// loopback, with its development sign-in pages, Stride registered as a client, and the people it
// knows with the claims an LA's Entra ID would send (app roles in `roles`).

import Provider from 'oidc-provider'

export async function startIdentityProvider ({ port, redirectUri, clientSecret, people }) {
  const issuer = `http://127.0.0.1:${port}`
  const provider = new Provider(issuer, {
    clients: [{
      client_id: 'stride',
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code']
    }],
    async findAccount (_, id) {
      return { accountId: id, async claims () { return { sub: id, ...(people[id] ?? { name: id }) } } }
    },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'roles'], email: ['email'] },
    // Entra ID puts these in the ID token itself, which is where Stride reads them.
    conformIdTokenClaims: false,
    cookies: { keys: ['the single sign-on journey only'] },
    features: { devInteractions: { enabled: true } }
  })
  const server = provider.listen(port, '127.0.0.1')
  await new Promise(resolve => server.once('listening', resolve))
  return { issuer, close: () => server.close() }
}
