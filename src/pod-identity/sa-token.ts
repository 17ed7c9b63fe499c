/**
 * Service-account token claims exactly as kube-apiserver issues them (k8s
 * `pkg/serviceaccount/claims.go`): `aud` always an array, `exp`, `iat` = `nbf`, `iss`, `jti`, the
 * `kubernetes.io` private claims (namespace, serviceaccount, and the bound pod / secret / node with
 * the pod's node when it is scheduled), and `sub` = `system:serviceaccount:<ns>:<sa>`. Keys appear in
 * the order Go's encoder writes them.
 */
import { randomUUID } from 'node:crypto'

export interface Ref {
  name: string
  uid: string
}

export interface ServiceAccountClaimsInput {
  issuer: string
  audiences: string[]
  namespace: string
  serviceAccount: Ref
  pod?: Ref
  secret?: Ref
  node?: Ref
  /** Seconds since the epoch. */
  now: number
  expirationSeconds: number
  jti?: string
}

export const serviceAccountUsername = (namespace: string, name: string) =>
  `system:serviceaccount:${namespace}:${name}`

export function serviceAccountClaims(a: ServiceAccountClaimsInput): Record<string, unknown> {
  const k8s: Record<string, unknown> = { namespace: a.namespace }
  if (a.node) k8s.node = { name: a.node.name, uid: a.node.uid }
  if (a.pod) k8s.pod = { name: a.pod.name, uid: a.pod.uid }
  if (a.secret) k8s.secret = { name: a.secret.name, uid: a.secret.uid }
  k8s.serviceaccount = { name: a.serviceAccount.name, uid: a.serviceAccount.uid }
  return {
    aud: [...a.audiences],
    exp: a.now + a.expirationSeconds,
    iat: a.now,
    iss: a.issuer,
    jti: a.jti ?? randomUUID(),
    'kubernetes.io': k8s,
    nbf: a.now,
    sub: serviceAccountUsername(a.namespace, a.serviceAccount.name),
  }
}
