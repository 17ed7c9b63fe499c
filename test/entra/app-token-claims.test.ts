/**
 * App-only access token claims (src/entra/app-tokens.ts) are built field by field: the key order is
 * Entra's (v1: app_displayname/appid/appidacr/idp; v2: azp/azpacr), and `extraClaims` behave as a
 * spread would — a claim already set keeps its place with the new value, a new claim goes last.
 * (The v1 token's bytes are pinned in test/entra/__snapshots__/fast-path.test.ts.snap.)
 */
import { describe, expect, it } from 'vitest'
import { appAccessTokenClaims } from '../../src/entra/app-tokens.js'
import type { Application } from '../../src/kernel/directory.js'

const client = { name: 'ci-app', appId: 'app-1', servicePrincipalId: 'sp-1' } as Application
const resource = (accessTokenVersion: 1 | 2, permissions: string[]) => ({
  app: { accessTokenVersion } as Application,
  audience: 'api://res',
  permissions,
  requestedScopes: [],
  isDefault: true,
})
const base = {
  client,
  clientAuth: 'assertion' as const,
  tenantId: 'tid',
  issuers: { v1: 'https://sts/tid/', v2: 'https://login/tid/v2.0' },
  now: 1000,
  lifetime: 3600,
}

/** Entra's order around the version's identity claims (v1: app_displayname…idp; v2: azp, azpacr). */
const ORDER_BEFORE = ['aud', 'iss', 'iat', 'nbf', 'exp', 'aio']
const ORDER_AFTER = (roles: boolean) => [
  'idtyp',
  'oid',
  'rh',
  ...(roles ? ['roles'] : []),
  'sub',
  'tid',
  'uti',
  'ver',
]

describe('appAccessTokenClaims', () => {
  it("orders a v2 token's claims as Entra does, without roles when none are granted", () => {
    const c = appAccessTokenClaims({ ...base, resource: resource(2, []) })
    expect(Object.keys(c)).toEqual([...ORDER_BEFORE, 'azp', 'azpacr', ...ORDER_AFTER(false)])
    expect(c).toMatchObject({
      iss: 'https://login/tid/v2.0',
      azp: 'app-1',
      azpacr: '2',
      ver: '2.0',
      exp: 4600,
    })
  })

  it('applies extra claims as a spread would: a set claim keeps its place, a new one goes last', () => {
    const c = appAccessTokenClaims({
      ...base,
      resource: resource(1, ['Read.All']),
      extraClaims: { idtyp: 'mi', xms_mirid: '/subscriptions/s/mi' },
    })
    expect(Object.keys(c)).toEqual([
      ...ORDER_BEFORE,
      ...['app_displayname', 'appid', 'appidacr', 'idp'],
      ...ORDER_AFTER(true),
      'xms_mirid',
    ])
    expect(c).toMatchObject({ idtyp: 'mi', roles: ['Read.All'], appidacr: '2', ver: '1.0' })
  })
})
