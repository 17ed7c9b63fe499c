/**
 * The API server's objects, before its HTTP server exists: the served resources (built-in kinds and
 * installed CRDs), the object store loaded from the state dir, and the RBAC objects view. Built first
 * so that what reads the store at construction — the Kubernetes RBAC engine, the pod-identity slice's
 * service-account authenticator and admission — can be handed to the server when it is built.
 */
import { ConfigError } from '../kernel/errors.js'
import type { CustomResourceDefinition } from './crd/definition.js'
import { customResourceDef } from './crd/resource-def.js'
import { CRD_DEF } from './crd/definitions-api.js'
import { versionInfo, type VersionInfo } from './version.js'
import { createRbacSource, type RbacObjectSource } from './rbac-source.js'
import { createRegistry, type Registry } from './registry.js'
import { servedResources } from './served-resources.js'
import { createObjectStore, type ObjectStore } from './store/object-store.js'
import { createFilePersistence } from './store/persistence.js'

/** The node pods are scheduled on (the API server simulates it without storing a Node). */
export const DEFAULT_NODE_NAME = 'aks-nodepool1-12345678-vmss000000'

export interface ApiServerStorage {
  registry: Registry
  store: ObjectStore
  /** The RBAC objects, for the Kubernetes RBAC authorizer. */
  rbac: RbacObjectSource
  nodeName: string
  customResources: readonly CustomResourceDefinition[]
  /** The store was seeded before (a restored state dir): the scenario's objects are not created again. */
  seeded: boolean
  /** Records that the store now holds its seed. */
  markSeeded(): void
}

export function createApiServerStorage(deps: {
  version?: string | VersionInfo
  stateDir?: string
  customResources?: readonly CustomResourceDefinition[]
  nodeName?: string
}): ApiServerStorage {
  const version = versionInfo(deps.version)
  const customResources = deps.customResources ?? []
  const registry = createRegistry([
    ...servedResources(Number.parseInt(version.minor, 10) || 32),
    ...(customResources.length ? [CRD_DEF, ...customResources.map(customResourceDef)] : []),
  ])
  const common = { registry, nodeName: deps.nodeName ?? DEFAULT_NODE_NAME, customResources }
  if (!deps.stateDir) {
    const store = createObjectStore()
    return {
      ...common,
      store,
      rbac: createRbacSource({ store, registry }),
      seeded: false,
      markSeeded: () => {},
    }
  }
  const persistence = createFilePersistence(deps.stateDir)
  const loaded = persistence.load()
  if (loaded.problems.length) throw new ConfigError(loaded.problems.map((p) => `API server state: ${p}`))
  const store = createObjectStore({ persistence, initialRevision: loaded.revision })
  for (const { group, resource, object } of loaded.objects) {
    const def = registry.byResource(group, resource)
    if (def?.stored) store.restore(def, object)
  }
  return {
    ...common,
    store,
    rbac: createRbacSource({ store, registry }),
    seeded: loaded.seeded,
    markSeeded: () => persistence.markSeeded(),
  }
}
