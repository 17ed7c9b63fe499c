/**
 * Token claim sets as Entra issues them (entra-and-graph-protocol.md §5, aks-guard-kubelogin.md §2.3):
 * v1 access tokens for resources that accept v1 (the AKS server app, Graph, ARM), v2 for the others,
 * v2 ID tokens for the client, and the groups overage claim above 200 groups.
 */
import { createHash } from 'node:crypto'
import type { Application, Directory, User } from '../kernel/directory.js'
import { opaque } from '../kernel/ids.js'
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
  createHash('sha256').update(`${oid}:${appId}`).digest('base64url').slice(0, 43)

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
  const common: Claims = {
    aud: resource.audience,
    iss: v1 ? a.issuers.v1 : a.issuers.v2,
    iat: now,
    nbf: now,
    exp: now + a.lifetime,
    aio: opaque(24),
    name: user.displayName,
    oid: user.id,
    rh: `0.${opaque(30)}.`,
    scp: resource.permissions.join(' '),
    sub: pairwiseSub(user.id, resource.app.appId),
    tid: directory.tenant.id,
    uti: opaque(16),
    ...groupClaims(user, resource.app, directory),
  }
  if (!v1)
    return {
      ...common,
      azp: client.appId,
      azpacr: client.publicClient ? '0' : '1',
      preferred_username: user.mail ?? user.userPrincipalName,
      ver: '2.0',
    }
  const identity: Claims = isGuest(user)
    ? // B2B guests: no upn; unique_name is the home identity, idp the home tenant.
      { unique_name: `live.com#${user.mail ?? user.userPrincipalName}`, idp: 'live.com', email: user.mail }
    : { unique_name: user.userPrincipalName, upn: user.userPrincipalName }
  return {
    ...common,
    acr: '1',
    amr: ['pwd'],
    appid: client.appId,
    appidacr: client.publicClient ? '0' : '1',
    ...(user.surname && { family_name: user.surname }),
    ...(user.givenName && { given_name: user.givenName }),
    ipaddr: '127.0.0.1',
    ...identity,
    ver: '1.0',
  }
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
  return {
    aud: client.appId,
    iss: a.issuers.v2,
    iat: now,
    nbf: now,
    exp: now + a.lifetime,
    aio: opaque(24),
    name: user.displayName,
    ...(a.nonce && { nonce: a.nonce }),
    oid: user.id,
    preferred_username: isGuest(user) ? (user.mail ?? user.userPrincipalName) : user.userPrincipalName,
    rh: `0.${opaque(30)}.`,
    sid: opaque(16),
    sub: pairwiseSub(user.id, client.appId),
    tid: a.directory.tenant.id,
    uti: opaque(16),
    ver: '2.0',
  }
}

/** `client_info`: base64url of `{"uid","utid"}`; MSAL builds the account's home id from it. */
export const clientInfo = (oid: string, tid: string) =>
  Buffer.from(JSON.stringify({ uid: oid, utid: tid })).toString('base64url')
