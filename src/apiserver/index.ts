/**
 * The mock Kubernetes API server: what the composition root wires (see docs/apiserver.md).
 */
export { createApiServer, createApiServerApp, type ApiServer } from './server.js'
export { DEFAULT_VERSION, versionInfo, type ApiServerDeps, type VersionInfo } from './deps.js'
export type { StaticToken } from './authn/authenticate.js'
export type { CustomResourceDefinition, JsonSchema, PrinterColumn } from './crd/definition.js'
export type { RbacKind, RbacObjectSource } from './rbac-source.js'
export type { ObjectStore, StoreEvent } from './store/object-store.js'
export type {
  Authenticated,
  AuthorizationAttributes,
  AuthorizationResult,
  Decision,
  KubeObject,
  NonResourceRule,
  ResourceRule,
  RulesResult,
  SelectorRequirement,
  TokenAuthResult,
  UserInfo,
} from './types.js'
