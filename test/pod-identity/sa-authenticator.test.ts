import { SignJWT, generateKeyPair } from 'jose'
import { describe, expect, it } from 'vitest'
import { createServiceAccountAuthenticator } from '../../src/pod-identity/sa-authenticator.js'
import { claimsOf } from './helpers.js'
import { NODE, testCluster } from './cluster.js'

const API = ['https://kubernetes.default.svc']

async function setup() {
  const c = await testCluster()
  const auth = createServiceAccountAuthenticator({ issuer: c.issuer, objects: c.objects, clock: c.clock })
  const pod = c.objects.get('Pod', 'dev', 'app-0')!
  const mint = async (audiences: string[], bound = true) => {
    const r = await c.request({
      spec: {
        audiences,
        ...(bound && {
          boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'app-0', uid: pod.metadata.uid },
        }),
      },
    })
    return (r.body.status as { token: string }).token
  }
  return { ...c, auth, pod, mint }
}

describe('service-account token authentication (kube-apiserver)', () => {
  it('authenticates a pod-bound token for the API audience with the real user info', async () => {
    const { auth, mint, objects, pod } = await setup()
    const token = await mint(API)
    const r = await auth.authenticate(token, API)
    expect(r).toEqual({
      authenticated: true,
      audiences: API,
      user: {
        username: 'system:serviceaccount:dev:app',
        uid: objects.get('ServiceAccount', 'dev', 'app')!.metadata.uid,
        groups: ['system:serviceaccounts', 'system:serviceaccounts:dev'],
        extra: {
          'authentication.kubernetes.io/credential-id': [`JTI=${claimsOf(token).jti}`],
          'authentication.kubernetes.io/node-name': [NODE],
          'authentication.kubernetes.io/node-uid': [objects.get('Node', '', NODE)!.metadata.uid],
          'authentication.kubernetes.io/pod-name': ['app-0'],
          'authentication.kubernetes.io/pod-uid': [pod.metadata.uid],
        },
      },
    })
  })

  it('refuses the workload identity token: its audience is not an API audience', async () => {
    const { auth, mint } = await setup()
    const token = await mint(['api://AzureADTokenExchange'])
    expect(await auth.authenticate(token, API)).toEqual({
      authenticated: false,
      error:
        '[invalid bearer token, token audiences ["api://AzureADTokenExchange"] is invalid for the target audiences ["https://kubernetes.default.svc"]]',
    })
    // A TokenReview that names the exchange audience accepts it.
    expect(await auth.authenticate(token, ['api://AzureADTokenExchange'])).toMatchObject({
      authenticated: true,
    })
  })

  it('expires with the clock, and dies with its pod (after the 60 s grace) or a recreated service account', async () => {
    const { auth, mint, clock, objects, pod } = await setup()
    const token = await mint(API)
    clock.advance(3601_000)
    expect(await auth.authenticate(token, API)).toEqual({
      authenticated: false,
      error: '[invalid bearer token, service account token has expired]',
    })
    const fresh = await mint(API)
    objects.put({
      ...pod,
      metadata: { ...pod.metadata, deletionTimestamp: new Date(clock.now()).toISOString() },
    })
    expect(await auth.authenticate(fresh, API)).toMatchObject({ authenticated: true })
    clock.advance(61_000)
    expect(await auth.authenticate(fresh, API)).toEqual({
      authenticated: false,
      error: '[invalid bearer token, service account token has been invalidated]',
    })
    const c2 = await setup()
    const t2 = await c2.mint(API)
    const sa = c2.objects.remove('ServiceAccount', 'dev', 'app')!
    c2.objects.put({ ...sa, metadata: { name: 'app', namespace: 'dev' } })
    const r = await c2.auth.authenticate(t2, API)
    expect(r).toMatchObject({ authenticated: false })
    expect((r as { error: string }).error).toMatch(/service account UID \(.+\) does not match claim \(.+\)/)
  })

  it('is not the authenticator for other issuers; forged signatures are refused', async () => {
    const { auth, mint } = await setup()
    expect(await auth.authenticate('not-a-jwt', API)).toBeUndefined()
    const { privateKey } = await generateKeyPair('RS256')
    const other = await new SignJWT({ iss: 'https://login.example/', aud: API })
      .setProtectedHeader({ alg: 'RS256' })
      .sign(privateKey)
    expect(await auth.authenticate(other, API)).toBeUndefined()
    const token = await mint(API)
    const forged = await new SignJWT(claimsOf(token))
      .setProtectedHeader(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()))
      .sign(privateKey)
    expect(await auth.authenticate(forged, API)).toEqual({
      authenticated: false,
      error: '[invalid bearer token, crypto/rsa: verification error]',
    })
  })

  it("passes on a token naming the cluster's issuer that the strict parse refuses, and one naming another issuer", async () => {
    const { auth, mint } = await setup()
    const token = await mint(API)
    const [h, p, sig] = token.split('.') as [string, string, string]
    const b64 = (text: string) => Buffer.from(text).toString('base64url')
    const iss = claimsOf(token).iss as string
    const json = Buffer.from(p, 'base64url').toString()
    // The issuer read leniently is ours, the strict parse refuses: not this authenticator's token.
    expect(await auth.authenticate(`${h}.${b64(`{"iss":"x",${json.slice(1)}`)}.${sig}`, API)).toBeUndefined()
    expect(await auth.authenticate(`${h}.${p}.${sig}.x`, API)).toBeUndefined()
    expect(await auth.authenticate(`${b64('{"typ":"JWT"}')}.${p}.${sig}`, API)).toBeUndefined()
    // Another issuer, or none a lenient reader finds: passed on before any parse.
    expect(await auth.authenticate(`${h}.${b64(json.replace(iss, `${iss}x`))}.${sig}`, API)).toBeUndefined()
    expect(await auth.authenticate(`${h}.${b64('[1]')}.${sig}`, API)).toBeUndefined()
    expect(await auth.authenticate(`${h}.%%%.${sig}`, API)).toBeUndefined()
    expect(await auth.authenticate('..', API)).toBeUndefined()
    // The token itself still authenticates.
    expect(await auth.authenticate(token, API)).toMatchObject({ authenticated: true })
  })
})
