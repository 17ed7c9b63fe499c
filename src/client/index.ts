/** The client side used by the CLI (kubelogin-like get-token, get-credentials, the ARM calls): docs/cli.md. */
export { convertKubeconfig, type ConvertOptions, setGetTokenTimeout } from './convert.js'
export { SignInError } from './errors.js'
export {
  mergeKubeconfig,
  parseKubeconfig,
  permissionWarning,
  readKubeconfig,
  renameForMerge,
  writeKubeconfig,
} from './kubeconfig-file.js'
export { ArmCallError, armRequest } from './arm-client.js'
export { signInToAzure } from './azure-sign-in.js'
export { parseGetTokenArgs, parseGoDuration } from './kubelogin-options.js'
export { AKS_API_VERSION } from './well-known.js'
export { acquireToken } from './acquire-token.js'
export { execParentPid } from './failed-sign-in.js'
export { buildExecCredential, execApiVersion } from './exec-credential.js'
export { locateSimulator } from './locate.js'
export { adminFetch, type AdminTarget } from './admin-fetch.js'
export {
  azView,
  DEFAULT_AUDIENCE,
  deleteCredential,
  type IdentityRef,
  listCredentials,
  pathSegment,
  putCredential,
  resolveSubscription,
  showCredential,
} from './federated-credentials.js'
export {
  type ArmContext,
  createAssignment,
  deleteAssignments,
  listAssignments,
  resolveScope,
} from './role-assignments.js'
export { defaultAzureConfigDir, defaultKubeloginCacheDir, readCachedToken } from './token-cache.js'
