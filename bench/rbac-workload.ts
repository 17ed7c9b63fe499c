/**
 * The RBAC benchmarks' workload (bench/rbac-scaling.ts, bench/rbac-instructions.ts): generated clusters
 * and requests, deterministic (a seeded generator), so that every run and both benchmarks measure the
 * same objects and the same 2,000 requests.
 */
import type { AuthorizationRequest, RbacObject } from '../src/rbac/types.js'

export const API = 'rbac.authorization.k8s.io/v1'
const REF = 'rbac.authorization.k8s.io'
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'delete']
const RESOURCES = ['pods', 'services', 'configmaps', 'secrets', 'deployments', 'jobs', 'ingresses', 'leases']

/** A deterministic pseudo-random generator (mulberry32), so every run builds the same clusters. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function cluster(
  bindings: number,
  roles: number,
  users: number,
  groups: number,
  namespaces: number,
): RbacObject[] {
  const rand = rng(42)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!
  const rule = () => ({
    apiGroups: [''],
    resources: [pick(RESOURCES), pick(RESOURCES)],
    verbs: [pick(VERBS), pick(VERBS)],
  })
  const objects: RbacObject[] = []
  const clusterRoles = Math.ceil(roles / 2)
  for (let i = 0; i < clusterRoles; i++)
    objects.push({
      apiVersion: API,
      kind: 'ClusterRole',
      metadata: { name: `cr-${i}` },
      rules: [rule(), rule(), rule()],
    })
  for (let i = 0; i < roles - clusterRoles; i++)
    objects.push({
      apiVersion: API,
      kind: 'Role',
      metadata: { name: `role-${i}`, namespace: `ns-${i % namespaces}` },
      rules: [rule(), rule()],
    })
  const subject = () =>
    rand() < 0.6
      ? { apiGroup: REF, kind: 'User', name: `user-${Math.floor(rand() * users)}` }
      : rand() < 0.9
        ? { apiGroup: REF, kind: 'Group', name: `group-${Math.floor(rand() * groups)}` }
        : {
            kind: 'ServiceAccount',
            name: `sa-${Math.floor(rand() * 50)}`,
            namespace: `ns-${Math.floor(rand() * namespaces)}`,
          }
  for (let i = 0; i < bindings; i++) {
    const subjects = [subject(), ...(rand() < 0.3 ? [subject()] : [])]
    if (i % 5 === 0)
      objects.push({
        apiVersion: API,
        kind: 'ClusterRoleBinding',
        metadata: { name: `crb-${i}` },
        roleRef: { apiGroup: REF, kind: 'ClusterRole', name: `cr-${Math.floor(rand() * clusterRoles)}` },
        subjects,
      })
    else {
      const ns = i % namespaces
      const toRole = rand() < 0.5 && roles - clusterRoles > namespaces
      objects.push({
        apiVersion: API,
        kind: 'RoleBinding',
        metadata: { name: `rb-${i}`, namespace: `ns-${ns}` },
        roleRef: toRole
          ? {
              apiGroup: REF,
              kind: 'Role',
              name: `role-${ns + namespaces * Math.floor((rand() * (roles - clusterRoles)) / namespaces)}`,
            }
          : { apiGroup: REF, kind: 'ClusterRole', name: `cr-${Math.floor(rand() * clusterRoles)}` },
        subjects,
      })
    }
  }
  return objects
}

/** The same 2,000 requests for both clusters: users with 5 groups, some with 250 (like dave). */
export function requests(users: number, groups: number, namespaces: number): AuthorizationRequest[] {
  const rand = rng(7)
  return Array.from({ length: 2000 }, (_, i) => {
    const groupCount = i % 20 === 0 ? 250 : 5
    const userGroups = Array.from({ length: groupCount }, () => `group-${Math.floor(rand() * groups)}`)
    const user =
      i % 10 === 0
        ? `system:serviceaccount:ns-${i % namespaces}:sa-${i % 50}`
        : `user-${Math.floor(rand() * users)}`
    return {
      user: { name: user, groups: [...userGroups, 'system:authenticated'] },
      resourceAttributes: {
        verb: VERBS[i % VERBS.length]!,
        resource: RESOURCES[(i * 7) % RESOURCES.length]!,
        namespace: i % 7 === 0 ? '' : `ns-${i % namespaces}`,
      },
    }
  })
}

// Scenario A (the question): the requesting users hold the same 10 bindings in both clusters;
// the large cluster adds 9,990 bindings and 1,000 roles for other teams. 250-group users (like dave)
// mostly carry groups no binding names, as AAD group claims do.
export function probeBindings(): RbacObject[] {
  const objects: RbacObject[] = [
    {
      apiVersion: API,
      kind: 'ClusterRole',
      metadata: { name: 'probe-reader' },
      rules: [{ apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: API,
      kind: 'ClusterRole',
      metadata: { name: 'probe-writer' },
      rules: [
        { apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['create', 'update', 'delete'] },
      ],
    },
  ]
  for (let i = 0; i < 10; i++) {
    const subjects = [
      { apiGroup: REF, kind: i % 2 ? 'Group' : 'User', name: i % 2 ? `probe-group-${i}` : `probe-user-${i}` },
    ]
    const roleRef = { apiGroup: REF, kind: 'ClusterRole', name: i % 3 ? 'probe-reader' : 'probe-writer' }
    objects.push(
      i < 4
        ? { apiVersion: API, kind: 'ClusterRoleBinding', metadata: { name: `probe-${i}` }, roleRef, subjects }
        : {
            apiVersion: API,
            kind: 'RoleBinding',
            metadata: { name: `probe-${i}`, namespace: `ns-${i % 3}` },
            roleRef,
            subjects,
          },
    )
  }
  return objects
}

export function probeRequests(): AuthorizationRequest[] {
  const rand = rng(11)
  return Array.from({ length: 2000 }, (_, i) => {
    const unbound = Array.from(
      { length: i % 20 === 0 ? 245 : 3 },
      () => `aad-group-${Math.floor(rand() * 100_000)}`,
    )
    return {
      user: {
        name: `probe-user-${(i % 5) * 2}`,
        groups: [
          `probe-group-${(i % 5) * 2 + 1}`,
          `probe-group-${((i + 2) % 5) * 2 + 1}`,
          ...unbound,
          'system:authenticated',
        ],
      },
      resourceAttributes: {
        verb: VERBS[i % VERBS.length]!,
        resource: RESOURCES[(i * 7) % RESOURCES.length]!,
        namespace: i % 7 === 0 ? '' : `ns-${i % 4}`,
      },
    }
  })
}

// Scenario B (worst case): every user's 5 or 250 groups come from the same 1,000 groups the 10,000
// bindings name, so the bindings that apply to a request grow with the cluster.
export const USERS = 5000
export const GROUPS = 1000
export const NAMESPACES = 50
