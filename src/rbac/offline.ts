/**
 * An RBAC engine over manifests on disk, for the offline `aks-auth-sim rbac` commands: the bootstrap
 * policy (optional) plus every valid RBAC object found, with a warning for each object a real API server
 * would have rejected (those are left out, as a failed `kubectl apply` would leave them out).
 */
import { createRbacAuthorizer, type RbacAuthorizer } from './authorizer.js'
import { loadBootstrapPolicy } from './bootstrap.js'
import { readManifests } from './manifests.js'
import { createMemoryRbacObjects } from './object-source.js'
import { builtInResourceTypes, customResourceTypes, type ResourceType } from './resource-names.js'
import { isRbacObject, validateRbacObject } from './validate.js'

export interface OfflineCluster {
  rbac: RbacAuthorizer
  resourceTypes: ResourceType[]
  warnings: string[]
  /** RBAC objects loaded from the manifests (bootstrap objects not counted). */
  loaded: number
}

export function loadOfflineCluster(
  paths: readonly string[],
  options: { recursive?: boolean; bootstrap?: boolean } = {},
): OfflineCluster {
  const manifests = readManifests(paths, options)
  const objects = createMemoryRbacObjects(options.bootstrap === false ? [] : loadBootstrapPolicy())
  const warnings: string[] = []
  let loaded = 0
  for (const { object, origin } of manifests) {
    if (!isRbacObject(object)) continue
    const problems = validateRbacObject(object, origin)
    if (problems.length > 0) {
      warnings.push(`skipped ${origin} (the API server would reject it): ${problems.join('; ')}`)
      continue
    }
    objects.apply(object)
    loaded++
  }
  const rbac = createRbacAuthorizer(objects)
  warnings.push(...rbac.problems())
  const resourceTypes = [...builtInResourceTypes(), ...customResourceTypes(manifests.map((m) => m.object))]
  return { rbac, resourceTypes, warnings, loaded }
}
