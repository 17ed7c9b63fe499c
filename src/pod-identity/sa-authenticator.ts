/**
 * How kube-apiserver authenticates a service-account token itself (k8s
 * pkg/serviceaccount/jwt.go and claims.go): a token whose `iss` is not one of the cluster's issuers is
 * not ours (`undefined`, the next authenticator tries); otherwise signature against the issuer's
 * published keys, the audiences intersected with the requested ones (the workload-identity audience
 * is refused by the API server), the time window, and the service account and bound pod / secret still
 * existing with the same uid. The user gets the SA's name, uid, groups and the pod / node extras.
 */
import { compactVerify, type JWTPayload } from 'jose'
import { parseCompactJws } from '../kernel/jws.js'
import type { Clock } from '../kernel/clock.js'
import type { ClusterKind, ClusterObjects } from './cluster-objects.js'
import { IN_CLUSTER_ISSUER } from './constants.js'
import type { ServiceAccountIssuer } from './issuer.js'
import { serviceAccountUsername } from './sa-token.js'

export interface ServiceAccountUser {
  username: string
  uid: string
  groups: string[]
  extra: Record<string, string[]>
}

export type ServiceAccountAuthResult =
  | { authenticated: true; user: ServiceAccountUser; audiences: string[] }
  | { authenticated: false; error: string }

/** Go's %q of a []string. */
const quoted = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`
/** Objects deleted less than this long ago still validate (graceful deletion). */
const DELETION_GRACE_MS = 60_000

interface Ref {
  name?: unknown
  uid?: unknown
}

/**
 * The payload's `iss`, read leniently as kube-apiserver's `hasCorrectIssuer` reads it before parsing
 * the token (k8s pkg/serviceaccount/jwt.go): a token whose issuer is not the cluster's goes to the next
 * authenticator. When the strict parse would succeed it reads the same `iss` from the same bytes, so a
 * token this turns away is one the strict path turns away too.
 */
function claimedIssuer(token: string): unknown {
  const first = token.indexOf('.')
  const second = token.indexOf('.', first + 1)
  if (first < 0 || second < 0) return undefined
  try {
    const payload: unknown = JSON.parse(
      Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'),
    )
    return typeof payload === 'object' && payload !== null ? (payload as { iss?: unknown }).iss : undefined
  } catch {
    return undefined
  }
}

export function createServiceAccountAuthenticator(deps: {
  issuer: ServiceAccountIssuer
  objects: ClusterObjects
  clock: Clock
}) {
  const fail = (reason: string): ServiceAccountAuthResult => ({
    authenticated: false,
    error: `[invalid bearer token, ${reason}]`,
  })
  const stillValid = (
    kind: ClusterKind,
    ns: string,
    ref: Ref | undefined,
    label: string,
  ): string | undefined => {
    if (!ref || typeof ref.name !== 'string') return undefined
    const o = deps.objects.get(kind, ns, ref.name)
    if (!o) return 'service account token has been invalidated'
    if (
      o.metadata.deletionTimestamp &&
      Date.parse(o.metadata.deletionTimestamp) + DELETION_GRACE_MS < deps.clock.now()
    )
      return 'service account token has been invalidated'
    if (typeof ref.uid === 'string' && o.metadata.uid !== ref.uid)
      return `${label} UID (${o.metadata.uid ?? ''}) does not match claim (${ref.uid})`
    return undefined
  }

  const ours = (iss: unknown) =>
    iss === deps.issuer.issuer() || iss === deps.issuer.publicIssuer || iss === IN_CLUSTER_ISSUER

  /** `undefined` when the token is not a JWT from this cluster's issuer. */
  async function authenticate(
    token: string,
    audiences: string[],
  ): Promise<ServiceAccountAuthResult | undefined> {
    // Every bearer token of the cluster's users passes here first: skip the strict parse for them.
    if (!ours(claimedIssuer(token))) return undefined
    let payload: JWTPayload
    let kid: string | undefined
    try {
      const parsed = parseCompactJws(token)
      payload = parsed.payload
      kid = typeof parsed.header.kid === 'string' ? parsed.header.kid : undefined
    } catch {
      return undefined
    }
    const accepted = new Set([deps.issuer.issuer(), deps.issuer.publicIssuer, IN_CLUSTER_ISSUER])
    if (typeof payload.iss !== 'string' || !accepted.has(payload.iss)) return undefined
    const keys = deps.issuer.published().filter((k) => kid === undefined || k.kid === kid)
    let verified = false
    for (const k of keys) {
      try {
        await compactVerify(token, k.publicKey, { algorithms: ['RS256'] })
        verified = true
        break
      } catch {
        // try the next published key
      }
    }
    if (!verified) return fail('crypto/rsa: verification error')
    const tokenAuds = Array.isArray(payload.aud)
      ? payload.aud
      : typeof payload.aud === 'string'
        ? [payload.aud]
        : []
    const auds = tokenAuds.filter((a) => audiences.includes(a))
    if (auds.length === 0)
      return fail(
        `token audiences ${quoted(tokenAuds)} is invalid for the target audiences ${quoted(audiences)}`,
      )
    const now = deps.clock.nowSeconds()
    if (typeof payload.exp === 'number' && now > payload.exp) return fail('service account token has expired')
    if (typeof payload.nbf === 'number' && now < payload.nbf)
      return fail('service account token is not valid yet')
    const k8s = (payload['kubernetes.io'] ?? {}) as {
      namespace?: unknown
      serviceaccount?: Ref
      pod?: Ref
      secret?: Ref
      node?: Ref
    }
    const ns = typeof k8s.namespace === 'string' ? k8s.namespace : ''
    const saName = typeof k8s.serviceaccount?.name === 'string' ? k8s.serviceaccount.name : ''
    if (!ns || !saName || payload.sub !== serviceAccountUsername(ns, saName))
      return fail('service account token claims are malformed')
    const problem =
      stillValid('ServiceAccount', ns, k8s.serviceaccount, 'service account') ??
      stillValid('Pod', ns, k8s.pod, 'pod') ??
      stillValid('Secret', ns, k8s.secret, 'secret')
    if (problem) return fail(problem)
    const extra: Record<string, string[]> = {}
    if (typeof payload.jti === 'string')
      extra['authentication.kubernetes.io/credential-id'] = [`JTI=${payload.jti}`]
    if (typeof k8s.node?.name === 'string') extra['authentication.kubernetes.io/node-name'] = [k8s.node.name]
    if (typeof k8s.node?.uid === 'string') extra['authentication.kubernetes.io/node-uid'] = [k8s.node.uid]
    if (typeof k8s.pod?.name === 'string') extra['authentication.kubernetes.io/pod-name'] = [k8s.pod.name]
    if (typeof k8s.pod?.uid === 'string') extra['authentication.kubernetes.io/pod-uid'] = [k8s.pod.uid]
    return {
      authenticated: true,
      audiences: auds,
      user: {
        username: serviceAccountUsername(ns, saName),
        uid: typeof k8s.serviceaccount?.uid === 'string' ? k8s.serviceaccount.uid : '',
        groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`],
        extra,
      },
    }
  }
  return { authenticate }
}
