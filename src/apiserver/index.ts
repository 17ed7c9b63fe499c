/**
 * The mock Kubernetes API server: what the composition root wires (see docs/apiserver.md).
 */
export { createApiServer, type ApiServer } from './server.js'
/** The 403 Status kube-apiserver answers for a denied request (the UI explains decisions with it). */
export { forbidden } from './authz/attributes.js'
export type { ApiServerDeps, PodAdmission, ServiceAccountTokenRequest, TokenAuthenticator } from './deps.js'
export { DEFAULT_VERSION, versionInfo, type VersionInfo } from './version.js'
export { createApiServerStorage, DEFAULT_NODE_NAME, type ApiServerStorage } from './storage.js'
export type { ObjectWriter } from './object-writer.js'
export type { Registry } from './registry.js'
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
// The API server's clients of the webhook (kube-apiserver's webhook token authenticator and authorizer).
export { readWebhookKubeconfig } from './webhook-client/kubeconfig.js'
export { createSarWebhookAuthorizer } from './webhook-client/sar-authorizer.js'
export { createTokenWebhookAuthenticator } from './webhook-client/token-authenticator.js'
export { unionAuthorizer, type NamedAuthorizer } from './webhook-client/union.js'
