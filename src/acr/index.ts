/**
 * Azure Container Registry's data plane (docs/acr.md): the OCI distribution API, ACR's `/acr/v1`
 * metadata API and its token server (`/oauth2/exchange`, `/oauth2/token`), authorised from the Azure
 * RBAC store (legacy and ABAC modes), scope-map tokens, the admin user and anonymous pull. The
 * composition root opens one listener per registry and serves `createRegistryService`'s handler.
 */
export {
  createRegistryService,
  DEFAULT_LIFETIMES,
  type RegistryService,
  type RegistryServiceDeps,
} from './service.js'
export type { RegistrySettings, RetentionPolicy, ScopeMap, RegistryToken } from './settings.js'
export { generatePassword, scopeMapProblems, SYSTEM_SCOPE_MAPS } from './settings.js'
export { NULL_GUID_USER, type EntraVerification } from './token-server.js'
export { generateImage, tarOf } from './images.js'
export { registriesAdminExtension } from './admin-routes.js'
export {
  parseAgo,
  parseFilter,
  checkPurgeOptions,
  purge,
  PurgeUsageError,
  type PurgeOptions,
  type PurgeResult,
} from './purge.js'
