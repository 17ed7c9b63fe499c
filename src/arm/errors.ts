/**
 * Errors of the mock Azure Resource Manager surface, named after their ARM `code`. The role-assignment
 * and authorization errors live in azure-rbac/errors.ts and are re-exported here, so the ARM routes
 * have one import and `render-error.ts` one base class (`ArmError`) to render. Texts are ARM's where
 * public output shows them; docs/arm.md marks the ones that are the simulator's own wording.
 */
import { ArmError } from '../azure-rbac/index.js'

export {
  ArmError,
  AuthorizationFailed,
  ResourceGroupNotFound,
  ResourceNotFound,
  SubscriptionNotFound,
} from '../azure-rbac/index.js'

const armError = (code: string, status: number) =>
  class extends ArmError {
    readonly code = code
    readonly status = status
  }

/** ARM's audiences for management-plane tokens, in the order its error message lists them. */
export const ARM_AUDIENCES = [
  'https://management.core.windows.net/',
  'https://management.core.windows.net',
  'https://management.azure.com/',
  'https://management.azure.com',
]

/** 401 before any token is looked at: no `Authorization` header, or not `Bearer <token>`. */
export class AuthenticationFailed extends armError('AuthenticationFailed', 401) {
  static missingHeader(): AuthenticationFailed {
    return new AuthenticationFailed("Authentication failed. The 'Authorization' header is missing.")
  }
  static badFormat(): AuthenticationFailed {
    return new AuthenticationFailed(
      "Authentication failed. The 'Authorization' header is provided in an invalid format.",
    )
  }
}

export class InvalidAuthenticationToken extends armError('InvalidAuthenticationToken', 401) {
  constructor() {
    super('The access token is invalid.')
  }
}

/** .NET's en-US general date format, which ARM prints times in: `4/17/2026 9:05:03 AM`. */
export function dotnetUtc(seconds: number): string {
  const d = new Date(seconds * 1000)
  const h = d.getUTCHours()
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`
}

export class ExpiredAuthenticationToken extends armError('ExpiredAuthenticationToken', 401) {
  constructor(exp: number, now: number) {
    super(
      `The access token expiry UTC time '${dotnetUtc(exp)}' is earlier than current UTC time '${dotnetUtc(now)}'.`,
    )
  }
}

export class InvalidAuthenticationTokenAudience extends armError('InvalidAuthenticationTokenAudience', 401) {
  constructor(audience: string) {
    super(
      `The access token has been obtained for wrong audience or resource '${audience}'. It should exactly match with one of the allowed audiences ${ARM_AUDIENCES.map((a) => `'${a}'`).join(',')}.`,
    )
  }
}

export class InvalidAuthenticationTokenTenant extends armError('InvalidAuthenticationTokenTenant', 401) {
  constructor(tokenIssuer: string, expectedIssuer: string, authority: string) {
    super(
      `The access token is from the wrong issuer '${tokenIssuer}'. It must match the tenant '${expectedIssuer}' associated with this subscription. Please use the authority (URL) '${authority}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
    )
  }
}

export class MissingApiVersionParameter extends armError('MissingApiVersionParameter', 400) {
  constructor() {
    super('The api-version query parameter (?api-version=) is required for all requests.')
  }
}

export class InvalidApiVersionParameter extends armError('InvalidApiVersionParameter', 400) {
  constructor(given: string, supported: string[]) {
    super(`The api-version '${given}' is invalid. The supported versions are '${supported.join(',')}'.`)
  }
}

export class NoRegisteredProviderFound extends armError('NoRegisteredProviderFound', 400) {
  constructor(given: string, type: string, location: string, supported: string[]) {
    super(
      `No registered resource provider found for location '${location}' and API version '${given}' for type '${type}'. The supported api-versions are '${supported.join(', ')}'. The supported locations are '${location}'.`,
    )
  }
}

export class InvalidSubscriptionId extends armError('InvalidSubscriptionId', 400) {
  constructor(given: string) {
    super(`The provided subscription identifier '${given}' is malformed or invalid.`)
  }
}

/** AKS's answer to listClusterAdminCredential with `disableLocalAccounts`, and other AKS 400s. */
export class BadRequest extends armError('BadRequest', 400) {
  static localAccountsDisabled(): BadRequest {
    // The wire text (Azure/caf-terraform-landingzones#416, hashicorp/terraform-provider-azurerm#15489);
    // the AKS docs paraphrase it as "isn't allowed".
    return new BadRequest(
      'Getting static credential is not allowed because this cluster is set to disable local accounts.',
    )
  }
}

export class InvalidResourceNamespace extends armError('InvalidResourceNamespace', 404) {
  constructor(namespace: string) {
    super(`The resource namespace '${namespace}' is invalid.`)
  }
}

export class InvalidResourceType extends armError('InvalidResourceType', 404) {
  constructor(type: string, namespace: string, apiVersion: string) {
    super(
      `The resource type '${type}' could not be found in the namespace '${namespace}' for api version '${apiVersion}'.`,
    )
  }
}

/** A path ARM has no route for (outside `/subscriptions/…` and `…/providers/…`). */
export class NoRouteFound extends armError('NotFound', 404) {
  constructor(path: string) {
    super(`No HTTP resource was found that matches the request URI '${path}'.`)
  }
}

export class MethodNotAllowed extends armError('MethodNotAllowed', 405) {
  constructor(method: string) {
    super(`The requested resource does not support http method '${method}'.`)
  }
}

export class InvalidRequestContent extends armError('InvalidRequestContent', 400) {
  constructor(detail: string) {
    super(`The request content was invalid and could not be deserialized: '${detail}'.`)
  }
}

export class UnsupportedMediaType extends armError('UnsupportedMediaType', 415) {
  constructor(type: string) {
    super(`The content media type '${type}' is not supported. Only 'application/json' is supported.`)
  }
}

export class RoleAssignmentNotFound extends armError('RoleAssignmentNotFound', 404) {
  constructor(name: string) {
    super(`The role assignment '${name}' is not found.`)
  }
}

export class RoleDefinitionNotFound extends armError('RoleDefinitionDoesNotExist', 404) {
  constructor(id: string) {
    super(`The specified role definition with ID '${id.replace(/-/g, '')}' does not exist.`)
  }
}

export class InvalidCreateRoleAssignmentRequest extends armError('InvalidCreateRoleAssignmentRequest', 400) {}

export class InvalidRoleAssignmentId extends armError('InvalidRoleAssignmentId', 400) {
  constructor(name: string) {
    super(`The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`)
  }
}

/** A `$filter` the role-assignment list does not understand. */
export class UnsupportedQuery extends armError('UnsupportedQuery', 400) {
  constructor(filter: string) {
    super(
      `The filter '${filter}' is not supported. Supported filters are 'atScope()', 'principalId eq '{id}'' and 'assignedTo('{id}')'.`,
    )
  }
}

export class InvalidFilterInQueryString extends armError('InvalidFilterInQueryString', 400) {
  constructor(filter: string) {
    super(
      `The filter '${filter}' is not supported. Supported filters are 'roleName eq '{name}'' and 'type eq '{type}''.`,
    )
  }
}

export class TooManyRequests extends armError('TooManyRequests', 429) {
  constructor() {
    super('The request is being throttled as the limit has been reached for operation type. Retry after.')
  }
}

export class ServiceUnavailable extends armError('ServiceUnavailable', 503) {
  constructor() {
    super('The service is temporarily unavailable. Please retry later.')
  }
}

/** Any other injected fault: the status and code the fault names. */
export class InjectedArmFault extends ArmError {
  readonly status: number
  readonly code: string
  constructor(status: number, code: string) {
    super(`Injected fault: ${code}.`)
    this.status = status
    this.code = code
  }
}

/**
 * Microsoft.ManagedIdentity's answers for federated identity credentials. The texts are those of the
 * Entra "workload identity federation considerations" error table, and the one a Terraform user
 * reported for missing fields (zioproto/istio-aks-example#6); the ones for field lengths and the
 * 20-credential limit are the simulator's (docs/arm.md).
 */
export class FederatedCredentialBadRequest extends armError('BadRequest', 400) {
  static audienceCount(): FederatedCredentialBadRequest {
    return new FederatedCredentialBadRequest('Federated identity credentials must have exactly one audience.')
  }
  static nameInvalid(name: string): FederatedCredentialBadRequest {
    return new FederatedCredentialBadRequest(`Federated Identity Credential name '${name}' is invalid.`)
  }
  static emptyProperties(): FederatedCredentialBadRequest {
    return new FederatedCredentialBadRequest(
      'Federated Identity Credential from HTTP body has empty properties',
    )
  }
  static missingFields(): FederatedCredentialBadRequest {
    return new FederatedCredentialBadRequest(
      "The request format was unexpected. Federated Identity Credential must specify 'issuer', 'subject' and 'audience'.",
    )
  }
  static duplicateIssuerSubject(): FederatedCredentialBadRequest {
    return new FederatedCredentialBadRequest(
      'Issuer and subject combination already exists for this Managed Identity.',
    )
  }
  static tooLong(field: string): FederatedCredentialBadRequest {
    return new FederatedCredentialBadRequest(
      `The '${field}' of the Federated Identity Credential exceeds the maximum length of 600 characters.`,
    )
  }
  static limit(identityId: string): FederatedCredentialBadRequest {
    return new FederatedCredentialBadRequest(
      `Too many Federated Identity Credentials are written to Managed Identity '${identityId}'. The maximum number allowed is 20.`,
    )
  }
  /** `$top` / `$skiptoken` of a list that are not what a nextLink carries (simulator wording). */
  static paging(parameter: string, value: string): FederatedCredentialBadRequest {
    return new FederatedCredentialBadRequest(`The value '${value}' of '${parameter}' is invalid.`)
  }
}

export class ParentIdentityNotFound extends armError('ParentResourceNotFound', 404) {
  constructor() {
    super("The parent user-assigned identity doesn't exist.")
  }
}

export class FederatedCredentialNotFound extends armError('NotFound', 404) {
  constructor(name: string) {
    super(`Federated Identity Credential '${name}' was not found.`)
  }
}

/** PUT/PATCH/DELETE of an identity: the simulator's identities are the scenario's (simulator wording). */
export class IdentityReadOnly extends armError('MethodNotAllowed', 405) {
  constructor(method: string) {
    super(
      `The simulator serves the scenario's user-assigned identities read-only (podIdentity.managedIdentities); http method '${method}' is not supported on them.`,
    )
  }
}

/**
 * `PUT …/registries/{name}` for a name another registry holds (registry names are global). Code and
 * text as `az acr create` prints them (Azure/azure-cli#13951, MicrosoftDocs/azure-dev-docs#1303).
 */
export class RegistryNameAlreadyInUse extends armError('AlreadyInUse', 400) {
  constructor(name: string) {
    super(
      `The registry DNS name ${name.toLowerCase()}.azurecr.io is already in use. You can check if the name is already claimed using following API: https://docs.microsoft.com/en-us/rest/api/containerregistry/registries/checknameavailability`,
    )
  }
}

/** A tracked resource's PUT without `location` (ARM's own validation, before the provider). */
export class LocationRequired extends armError('LocationRequired', 400) {
  constructor() {
    super('The location property is required for this definition.')
  }
}

/**
 * The simulator's own limit, not Azure's: a registry created over ARM needs a listener of its own, and
 * the port its slot maps to (`--port-base` + 20 + slot) is taken by another process. 409 rather than a
 * 5xx: the request is fine, the machine is not ready for it (docs/differences.md).
 */
export class RegistryListenerUnavailable extends armError('Conflict', 409) {
  constructor(name: string, detail: string) {
    super(
      `The simulator could not open a listener for registry '${name}': ${detail}. Free that port or start the simulator with another --port-base (or --port-base 0), then retry.`,
    )
  }
}
