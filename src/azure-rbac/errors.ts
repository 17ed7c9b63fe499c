/**
 * ARM errors of the role-assignment API and of authorization checks, named after their ARM `code`.
 * The wire body is `{"error":{"code","message"}}` (`toArmBody`). Texts are ARM's where public output
 * shows them; the others are marked in docs/azure-rbac.md.
 */
import { SimulatorError } from '../kernel/errors.js'
import { dashless } from './model.js'

export abstract class ArmError extends SimulatorError {
  toArmBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } }
  }
}

const armError = (code: string, status: number) =>
  class extends ArmError {
    readonly code = code
    readonly status = status
  }

export class RoleDefinitionDoesNotExist extends armError('RoleDefinitionDoesNotExist', 400) {
  constructor(id: string) {
    super(`The specified role definition with ID '${dashless(id)}' does not exist.`)
  }
}

export class PrincipalNotFound extends armError('PrincipalNotFound', 400) {
  constructor(principalId: string, tenantId: string) {
    super(`Principal ${dashless(principalId)} does not exist in the directory ${tenantId}.`)
  }
}

export class UnmatchedPrincipalType extends armError('UnmatchedPrincipalType', 400) {
  constructor(principalId: string, actual: string, given: string) {
    super(
      `The PrincipalId '${dashless(principalId)}' has type '${actual}' , which is different from specified PrincipalType '${given}'.`,
    )
  }
}

export class RoleAssignmentExists extends armError('RoleAssignmentExists', 409) {
  constructor() {
    super('The role assignment already exists.')
  }
}

export class RoleAssignmentUpdateNotPermitted extends armError('RoleAssignmentUpdateNotPermitted', 409) {
  constructor() {
    super('Tenant ID, application ID, principal ID, and scope are not allowed to be updated.')
  }
}

/** A scope that is not a well-formed ARM id, or where the role cannot be assigned (simulator wording). */
export class InvalidScope extends armError('InvalidScope', 400) {}

export class SubscriptionNotFound extends armError('SubscriptionNotFound', 404) {
  constructor(subscriptionId: string) {
    super(`The subscription '${subscriptionId}' could not be found.`)
  }
}

export class ResourceGroupNotFound extends armError('ResourceGroupNotFound', 404) {
  constructor(resourceGroup: string) {
    super(`Resource group '${resourceGroup}' could not be found.`)
  }
}

export class ResourceNotFound extends armError('ResourceNotFound', 404) {
  constructor(type: string, name: string, resourceGroup: string) {
    super(`The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found.`)
  }
}

/** What ARM answers when `hasAction` is false (format from Azure/AKS#413). */
export class AuthorizationFailed extends armError('AuthorizationFailed', 403) {
  constructor(client: string, objectId: string, action: string, scope: string) {
    super(
      `The client '${client}' with object id '${objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    )
  }
}

// Custom role definitions (Microsoft.Authorization/roleDefinitions PUT/DELETE). Texts of the first
// four are ARM's as public output shows them (Microsoft Learn: troubleshoot custom roles; issues of
// azure-powershell and terraform-provider-azurerm quoting the answers).

const UNSUPPORTED_ACTION = (a: string) =>
  `'${a}' does not match any of the actions supported by the providers.`

export class InvalidActionOrNotAction extends armError('InvalidActionOrNotAction', 400) {
  constructor(action: string) {
    super(UNSUPPORTED_ACTION(action))
  }
}

export class InvalidDataActionOrNotDataAction extends armError('InvalidDataActionOrNotDataAction', 400) {
  constructor(action: string) {
    super(UNSUPPORTED_ACTION(action))
  }
}

export class RoleDefinitionWithSameNameExists extends armError('RoleDefinitionWithSameNameExists', 409) {
  constructor() {
    super('A role definition cannot be updated with a name that already exists.')
  }
}

export class RoleDefinitionHasAssignments extends armError('RoleDefinitionHasAssignments', 409) {
  constructor() {
    super('There are existing role assignments referencing role')
  }
}

/** A malformed definition (no name, no permission): simulator wording. */
export class InvalidRoleDefinition extends armError('InvalidRoleDefinition', 400) {}

/** Assignable scopes empty, malformed or the root "/": simulator wording. */
export class InvalidAssignableScopes extends armError('InvalidAssignableScopes', 400) {
  constructor(scope?: string) {
    super(
      scope === undefined
        ? 'The role definition must have at least one assignable scope.'
        : `The assignable scope '${scope}' is not valid: it must be a management group, subscription, resource group or resource id.`,
    )
  }
}

/** PUT or DELETE of a built-in role's id (simulator wording). */
export class BuiltInRoleDefinitionReadOnly extends armError('RoleDefinitionUpdateNotPermitted', 400) {
  constructor(id: string) {
    super(`The role definition '${id}' is a built-in role and cannot be changed or deleted.`)
  }
}
