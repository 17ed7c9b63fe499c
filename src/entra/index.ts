/**
 * The mock Entra ID: what the composition root wires and what other slices may use. A slice that adds a
 * grant (the pod-identity slice's managed-identity tokens) or an assertion verifier (workload identity
 * federation) builds it from the grant-extension exports below and hands it to `createEntraApp`.
 */
export { createEntraApp } from './routes.js'
export type { EntraDeps } from './deps.js'
export { GROUPS_CLAIM_LIMIT, type Issuers } from './claims.js'
export { createDeviceCodeStore } from './device-codes.js'
export { createRefreshTokenStore } from './refresh-tokens.js'
export { decideDeviceCode, DeviceCodeDecisionError } from './device-authorization.js'
export { createDeviceLoginRouter } from './login-page.js'
export { createVerifiedTokenCache, verifyIssuedToken, type VerifiedTokenCache } from './token-verifier.js'
// Grant extensions: the registry, a grant's contract, and what an app-only grant issues with.
export { createGrantRegistry } from './grants/index.js'
export type { GrantHandler, TokenRequest } from './grants/types.js'
export { parseAppScope } from './grants/client-credentials.js'
export { grantedAppRoles, issueAppTokens } from './app-tokens.js'
export type { ResourceRequest } from './scopes.js'
export type { IssuedTokens } from './tokens.js'
// Client assertions: the authenticator and the contract of a federated assertion verifier.
export { createAssertionAuthenticator, type FederatedAssertionVerifier } from './client-assertion.js'
// Errors a grant or verifier throws, rendered by Entra's error renderer.
export { EntraError, InvalidRequest, InvalidResource } from './errors.js'
export { AssertionMalformed, AssertionOutOfTimeRange } from './app-errors.js'
