/**
 * Kubernetes 1.32's bootstrap RBAC policy (the roles and bindings every cluster starts with), shipped as
 * data in bootstrap-policy.yaml next to this file.
 */
import { existsSync, readFileSync } from 'node:fs'
import { parse } from 'yaml'
import type { RbacObject } from './types.js'

const POLICY_FILE = new URL('./bootstrap-policy.yaml', import.meta.url)
/** The same data as JSON, written next to the compiled code by `npm run build`: parsed 100 times faster. */
const POLICY_JSON = new URL('./bootstrap-policy.json', import.meta.url)

/**
 * A fresh copy of the bootstrap ClusterRoles, ClusterRoleBindings, and the Roles and RoleBindings in
 * kube-system and kube-public (aggregated roles carry `rules: null`; the engine aggregates them).
 *
 * @example
 * const objects = createMemoryRbacObjects(loadBootstrapPolicy())
 */
export function loadBootstrapPolicy(): RbacObject[] {
  const list = (
    existsSync(POLICY_JSON)
      ? JSON.parse(readFileSync(POLICY_JSON, 'utf8'))
      : parse(readFileSync(POLICY_FILE, 'utf8'))
  ) as { items: RbacObject[] }
  return list.items
}
