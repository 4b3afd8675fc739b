// Single sign-on in real Chromium against a real OpenID provider on loopback: a person the LA's
// provider gives a Stride role signs in there and arrives in Stride with that role; one it gives
// no Stride role is refused.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { startStride, freePort, launchChromium, checkAccessibility } from './support.mjs'
import { startIdentityProvider } from './identity-provider.mjs'

let browser
let base
let stopStride
let identityProvider

const people = {
  'priya.shah': { name: 'Priya Shah', preferred_username: 'priya.shah@ashbourne.example', roles: ['Stride.data-manager', 'Finance.Reader'] },
  'sam.jones': { name: 'Sam Jones', preferred_username: 'sam.jones@ashbourne.example', roles: ['Finance.Reader'] }
}

before(async () => {
  const [stridePort, providerPort] = [await freePort(), await freePort()]
  const clientSecret = randomBytes(24).toString('hex')
  const listen = `127.0.0.1:${stridePort}`
  const redirectUri = `http://${listen}/sign-in/single-sign-on/return`
  identityProvider = await startIdentityProvider({ port: providerPort, redirectUri, clientSecret, people })
  ;({ base, stop: stopStride } = await startStride([
    '--oidc-issuer', identityProvider.issuer,
    '--oidc-client-id', 'stride',
    '--oidc-redirect-url', redirectUri,
    '--oidc-provider-name', 'your Ashbourne Vale account'
  ], { listen, env: { STRIDE_OIDC_CLIENT_SECRET: clientSecret } }))
  browser = await launchChromium()
})

after(async () => {
  await browser?.close()
  stopStride?.()
  identityProvider?.close()
})

/** Signs in at the provider's development pages as one of its people, and consents. */
async function signInAtProvider (page, login) {
  await page.goto(`${base}/sign-in`)
  await page.getByRole('button', { name: 'Sign in with your Ashbourne Vale account' }).click()
  await page.locator('input[name="login"]').fill(login)
  await page.locator('input[name="password"]').fill('any password: the provider\'s development pages take one')
  await page.locator('button[type="submit"]').click()
  // The provider asks once whether Stride may have the claims.
  await page.locator('button[type="submit"]').click()
}

test('a person the provider gives a Stride role arrives in Stride with it', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${base}/sign-in`)
  await checkAccessibility(page, 'sign-in-single-sign-on')
  await signInAtProvider(page, 'priya.shah')
  await page.getByRole('heading', { name: 'Schools', level: 1 }).waitFor()
  assert.match(page.url(), /\/schools$/)
  await page.getByText('Priya Shah').first().waitFor()
  // The role the provider's claim named: a data manager brings files in, and cannot read the
  // audit log, which is the administrator's.
  assert.equal((await page.goto(`${base}/imports`)).status(), 200)
  assert.equal((await page.goto(`${base}/audit`)).status(), 403)
  await context.close()
})

test('a person the provider gives no Stride role is refused', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  await signInAtProvider(page, 'sam.jones')
  await page.getByRole('heading', { name: 'Your account has no Stride role' }).waitFor()
  await checkAccessibility(page, 'single-sign-on-refused')
  assert.match(page.url(), /\/sign-in\/single-sign-on\/return/)
  assert.notEqual((await page.goto(`${base}/schools`)).url().endsWith('/schools'), true, 'not signed in')
  await context.close()
})
