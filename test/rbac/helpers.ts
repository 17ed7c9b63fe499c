/** Shared fixtures for the RBAC tests: the reference-table.yaml cluster and request builders. */
import { fileURLToPath } from 'node:url'
import { createRbacAuthorizer } from '../../src/rbac/authorizer.js'
import { loadBootstrapPolicy } from '../../src/rbac/bootstrap.js'
import { readManifests } from '../../src/rbac/manifests.js'
import { createMemoryRbacObjects } from '../../src/rbac/object-source.js'
import type { AuthorizationRequest, ResourceAttributes } from '../../src/rbac/types.js'

export const FIXTURES = fileURLToPath(new URL('../fixtures/rbac/', import.meta.url))
export const REFERENCE_FIXTURE = `${FIXTURES}reference-table.yaml`

/** The bootstrap policy plus REFERENCE_FIXTURE, loaded without validation (crb-sa-nons is invalid on purpose). */
export function referenceObjects() {
  return createMemoryRbacObjects([
    ...loadBootstrapPolicy(),
    ...readManifests([REFERENCE_FIXTURE]).map((m) => m.object),
  ])
}

export const referenceEngine = () => createRbacAuthorizer(referenceObjects())

/** `ra(verb, "[group:]resource[/subresource]", ns, name)`: `apps:deployments/status`, `pods/log`, `*:*`. */
export function ra(verb: string, what: string, namespace = '', name = ''): ResourceAttributes {
  const [group, rest] = what.includes(':') ? (what.split(':', 2) as [string, string]) : ['', what]
  const slash = rest.indexOf('/')
  const resource = slash < 0 ? rest : rest.slice(0, slash)
  const subresource = slash < 0 ? '' : rest.slice(slash + 1)
  return { verb, group, resource, subresource, namespace, name }
}

export const asUser = (name: string, groups: string[] = []) => ({ name, groups })

export function req(
  user: string,
  groups: string[],
  attrs: ResourceAttributes | { verb: string; path: string },
): AuthorizationRequest {
  return 'path' in attrs
    ? { user: asUser(user, groups), nonResourceAttributes: attrs }
    : { user: asUser(user, groups), resourceAttributes: attrs }
}

export const nra = (verb: string, path: string) => ({ verb, path })

/** `RBAC: allowed by ClusterRoleBinding "b" of ClusterRole "r" to <subject>`. */
export const byCRB = (binding: string, role: string, subject: string) =>
  `RBAC: allowed by ClusterRoleBinding "${binding}" of ClusterRole "${role}" to ${subject}`
