/**
 * Token claim sets as Entra issues them (Microsoft Learn access-token-claims-reference):
 * v1 access tokens for resources that accept v1 (the AKS server app, Graph, ARM), v2 for the others,
 * v2 ID tokens for the client, and the groups overage claim above 200 groups.
 */
import { hash } from 'node:crypto'
import type { Application, Directory, User } from '../kernel/directory.js'
import { randomSlice } from '../kernel/ids.js'
import type { ResourceRequest } from './scopes.js'

/** JWT limit for the `groups` claim; above it Entra sends `_claim_names`/`_claim_sources` instead. */
export const GROUPS_CLAIM_LIMIT = 200

export interface Issuers {
  v1: string
  v2: string
}

export type Claims = Record<string, unknown>

/** Pairwise subject: stable per (user, app), different across apps, like Entra's `sub`. */
export const pairwiseSub = (oid: string, appId: string) =>
  hash('sha256', `${oid}:${appId}`, 'base64url').slice(0, 43)

const isGuest = (u: User) => u.userType === 'Guest'

function groupClaims(user: User, resource: Application, directory: Directory): Claims {
  if (resource.groupMembershipClaims === 'None') return {}
  const groups = directory
    .transitiveGroups(user.id)
    .filter((g) => resource.groupMembershipClaims === 'All' || g.securityEnabled)
    .map((g) => g.id)
  if (groups.length <= GROUPS_CLAIM_LIMIT) return { groups }
  return {
    _claim_names: { groups: 'src1' },
    _claim_sources: {
      src1: {
        endpoint: `https://graph.windows.net/${directory.tenant.id}/users/${user.id}/getMemberObjects`,
      },
    },
  }
}

/**
 * Random claim values (`aio`, `rh`, `uti`, `sid`): base64url of `sizes[i]` random bytes each, drawn in
 * one draw from the pooled CSPRNG bytes (a `randomBytes` call costs more than the bytes it draws on the
 * token hot path).
 */
function randomClaims(...sizes: number[]): string[] {
  let total = 0
  for (const n of sizes) total += n
  const bytes = randomSlice(total)
  let at = 0
  return sizes.map((n) => bytes.subarray(at, (at += n)).toString('base64url'))
}

/**
 * Built property by property in wire order (claim order is part of the token's bytes): spreads of
 * partial objects cost more than the rest of the claim set.
 */
export function userAccessTokenClaims(a: {
  user: User
  client: Application
  resource: ResourceRequest
  directory: Directory
  issuers: Issuers
  now: number
  lifetime: number
}): Claims {
  const { user, client, resource, directory, now } = a
  const v1 = resource.app.accessTokenVersion === 1
  const [aio, rh, uti] = randomClaims(24, 30, 16)
  const c: Claims = {
    aud: resource.audience,
    iss: v1 ? a.issuers.v1 : a.issuers.v2,
    iat: now,
    nbf: now,
    exp: now + a.lifetime,
    aio,
    name: user.displayName,
    oid: user.id,
    rh: `0.${rh}.`,
    scp: resource.permissions.join(' '),
    sub: pairwiseSub(user.id, resource.app.appId),
    tid: directory.tenant.id,
    uti,
  }
  Object.assign(c, groupClaims(user, resource.app, directory))
  if (!v1) {
    c.azp = client.appId
    c.azpacr = client.publicClient ? '0' : '1'
    c.preferred_username = user.mail ?? user.userPrincipalName
    c.ver = '2.0'
    return c
  }
  c.acr = '1'
  c.amr = ['pwd']
  c.appid = client.appId
  c.appidacr = client.publicClient ? '0' : '1'
  if (user.surname) c.family_name = user.surname
  if (user.givenName) c.given_name = user.givenName
  c.ipaddr = '127.0.0.1'
  if (isGuest(user)) {
    // B2B guests: no upn; unique_name is the home identity, idp the home tenant.
    c.unique_name = `live.com#${user.mail ?? user.userPrincipalName}`
    c.idp = 'live.com'
    c.email = user.mail
  } else {
    c.unique_name = user.userPrincipalName
    c.upn = user.userPrincipalName
  }
  c.ver = '1.0'
  return c
}

export function idTokenClaims(a: {
  user: User
  client: Application
  directory: Directory
  issuers: Issuers
  now: number
  lifetime: number
  nonce?: string
}): Claims {
  const { user, client, now } = a
  const [aio, rh, sid, uti] = randomClaims(24, 30, 16, 16)
  const c: Claims = {
    aud: client.appId,
    iss: a.issuers.v2,
    iat: now,
    nbf: now,
    exp: now + a.lifetime,
    aio,
    name: user.displayName,
  }
  if (a.nonce) c.nonce = a.nonce
  c.oid = user.id
  c.preferred_username = isGuest(user) ? (user.mail ?? user.userPrincipalName) : user.userPrincipalName
  c.rh = `0.${rh}.`
  c.sid = sid
  c.sub = pairwiseSub(user.id, client.appId)
  c.tid = a.directory.tenant.id
  c.uti = uti
  c.ver = '2.0'
  return c
}

/** `client_info`: base64url of `{"uid","utid"}`; MSAL builds the account's home id from it. */
export const clientInfo = (oid: string, tid: string) =>
  Buffer.from(JSON.stringify({ uid: oid, utid: tid })).toString('base64url')
