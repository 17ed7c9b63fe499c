/**
 * What the directory is built from (createDirectory in directory.ts): one Entra tenant, its users,
 * groups and applications. The scenario file's top-level `tenant`, `users`, `groups` and
 * `applications` keys have this shape; directory-validation.ts holds their schema and reference checks.
 */

export interface DirectoryInput {
  tenant: TenantInput
  users?: UserInput[]
  groups?: GroupInput[]
  applications?: ApplicationInput[]
}

export interface TenantInput {
  /** Directory (tenant) GUID: the `tid` claim. */
  id: string
  /** Initial domain, e.g. `contoso.onmicrosoft.com`. Accepted in URLs in place of the GUID. */
  domain: string
  displayName?: string
}

export interface UserInput {
  userPrincipalName: string
  id: string
  displayName: string
  givenName?: string
  surname?: string
  mail?: string
  jobTitle?: string
  /** `false` makes every sign-in fail with AADSTS50057. Default `true`. */
  accountEnabled?: boolean
  /** `Guest` users get tokens without `upn` (B2B), like invited accounts. Default `Member`. */
  userType?: 'Member' | 'Guest'
  /** Password for flows that ask for one (the device login page's password form). */
  password?: string
}

export interface GroupInput {
  displayName: string
  id: string
  description?: string
  /** Default `true`. Only security groups appear in the `groups` claim of AKS tokens. */
  securityEnabled?: boolean
  mailEnabled?: boolean
  members?: {
    /** userPrincipalName or object id. */
    users?: string[]
    /** displayName or object id (nested groups). */
    groups?: string[]
    /** application name or appId (the application's service principal). */
    servicePrincipals?: string[]
  }
}

export interface PermissionInput {
  /** The resource application: appId or an identifier URI (`https://graph.microsoft.com`). */
  resource: string
  /** Application permissions (app roles) granted with admin consent: go into `roles` of app-only tokens. */
  applicationPermissions?: string[]
  /** Delegated permissions consented for users: go into `scp` of user tokens requested with `.default`. */
  delegatedPermissions?: string[]
}

export interface ApplicationInput {
  /** Display name; also how other scenario entries refer to the application. */
  name: string
  appId: string
  /** Object id of the application's service principal in this tenant (`oid` of its app-only tokens). */
  servicePrincipalId?: string
  /** `true` for public clients (device code, no secret), like kubelogin and the Azure CLI. */
  publicClient?: boolean
  secrets?: { value: string; displayName?: string }[]
  /** PEM certificates whose keys may sign client assertions. */
  certificates?: { certificatePem: string; displayName?: string }[]
  identifierUris?: string[]
  /** Access-token version this application accepts as a resource. Default 2. */
  accessTokenVersion?: 1 | 2
  /** Which groups go into tokens issued for this resource. Default `None`. */
  groupMembershipClaims?: 'None' | 'SecurityGroup' | 'All'
  /** Delegated scopes this application exposes as a resource (`scp` values). */
  exposedScopes?: string[]
  /** App roles this application exposes as a resource (`roles` values). */
  appRoles?: string[]
  /** Permissions granted to this application on other resources. */
  permissions?: PermissionInput[]
}
