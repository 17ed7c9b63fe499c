/**
 * The directory input as the scenario file spells it (the top-level `tenant`, `users`, `groups` and
 * `applications` keys): its JSON Schema properties, and the checks a schema cannot express — unique ids
 * and names, and references between entries that resolve.
 */
import type { ApplicationInput, DirectoryInput } from './directory-input.js'

const guid = {
  type: 'string',
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
}
const nonEmpty = { type: 'string', minLength: 1 }
const names = { type: 'array', items: nonEmpty, uniqueItems: true }

/** The directory keys of the scenario's JSON Schema: which are required, and their properties. */
/** An application's (or managed identity's) granted permissions, as `PermissionInput[]`. */
export const permissionsSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['resource'],
    properties: { resource: nonEmpty, applicationPermissions: names, delegatedPermissions: names },
  },
} as const

export const directoryInputSchema = {
  required: ['tenant'],
  properties: {
    tenant: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'domain'],
      properties: {
        id: guid,
        domain: { type: 'string', pattern: '^[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$' },
        displayName: nonEmpty,
      },
    },
    users: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['userPrincipalName', 'id', 'displayName'],
        properties: {
          userPrincipalName: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' },
          id: guid,
          displayName: nonEmpty,
          givenName: nonEmpty,
          surname: nonEmpty,
          mail: nonEmpty,
          jobTitle: nonEmpty,
          accountEnabled: { type: 'boolean' },
          userType: { enum: ['Member', 'Guest'] },
          password: nonEmpty,
        },
      },
    },
    groups: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['displayName', 'id'],
        properties: {
          displayName: nonEmpty,
          id: guid,
          description: { type: 'string' },
          securityEnabled: { type: 'boolean' },
          mailEnabled: { type: 'boolean' },
          members: {
            type: 'object',
            additionalProperties: false,
            properties: { users: names, groups: names, servicePrincipals: names },
          },
        },
      },
    },
    applications: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'appId'],
        properties: {
          name: nonEmpty,
          appId: guid,
          servicePrincipalId: guid,
          publicClient: { type: 'boolean' },
          secrets: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['value'],
              properties: { value: { type: 'string', minLength: 8 }, displayName: nonEmpty },
            },
          },
          certificates: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['certificatePem'],
              properties: {
                certificatePem: { type: 'string', pattern: '-----BEGIN CERTIFICATE-----' },
                displayName: nonEmpty,
              },
            },
          },
          identifierUris: names,
          accessTokenVersion: { enum: [1, 2] },
          groupMembershipClaims: { enum: ['None', 'SecurityGroup', 'All'] },
          exposedScopes: names,
          appRoles: names,
          permissions: permissionsSchema,
        },
      },
    },
  },
} as const

function duplicates(values: string[]): string[] {
  const seen = new Set<string>()
  const dup = new Set<string>()
  for (const v of values) (seen.has(v) ? dup : seen).add(v)
  return [...dup]
}

/**
 * Every problem of the directory input, with the path that holds it, e.g.
 * `groups[2].members.users[0]: no user 'bob@x'`. `firstParty` are the applications every tenant has.
 */
export function directoryInputProblems(s: DirectoryInput, firstParty: readonly ApplicationInput[]): string[] {
  const problems: string[] = []
  const users = s.users ?? []
  const groups = s.groups ?? []
  const apps = [
    ...firstParty.filter((f) => !(s.applications ?? []).some((a) => a.appId === f.appId)),
    ...(s.applications ?? []),
  ]
  const lower = (x: string) => x.toLowerCase()
  const ids = [
    ...users.map((u) => lower(u.id)),
    ...groups.map((g) => lower(g.id)),
    ...apps.flatMap((a) => (a.servicePrincipalId ? [lower(a.servicePrincipalId)] : [])),
  ]
  for (const d of duplicates(ids))
    problems.push(`object id ${d} is used by more than one user, group or service principal`)
  for (const d of duplicates(users.map((u) => lower(u.userPrincipalName))))
    problems.push(`users: userPrincipalName ${d} appears more than once`)
  for (const d of duplicates(groups.map((g) => g.displayName)))
    problems.push(`groups: displayName '${d}' appears more than once`)
  for (const d of duplicates(apps.map((a) => lower(a.appId))))
    problems.push(`applications: appId ${d} appears more than once`)
  for (const d of duplicates(apps.map((a) => a.name)))
    problems.push(`applications: name '${d}' appears more than once`)
  const userRefs = new Set(users.flatMap((u) => [lower(u.userPrincipalName), lower(u.id)]))
  const groupRefs = new Set(groups.flatMap((g) => [g.displayName, lower(g.id)]))
  const appRefs = new Set(apps.flatMap((a) => [a.name, lower(a.appId)]))
  const resourceRefs = new Set(apps.flatMap((a) => [lower(a.appId), ...(a.identifierUris ?? []).map(lower)]))
  groups.forEach((g, i) => {
    const m = g.members ?? {}
    m.users?.forEach((u, j) => {
      if (!userRefs.has(lower(u))) problems.push(`groups[${i}].members.users[${j}]: no user '${u}'`)
    })
    m.groups?.forEach((x, j) => {
      if (!groupRefs.has(x) && !groupRefs.has(lower(x)))
        problems.push(`groups[${i}].members.groups[${j}]: no group '${x}'`)
    })
    m.servicePrincipals?.forEach((x, j) => {
      if (!appRefs.has(x) && !appRefs.has(lower(x)))
        problems.push(`groups[${i}].members.servicePrincipals[${j}]: no application '${x}'`)
    })
  })
  ;(s.applications ?? []).forEach((a, i) => {
    a.permissions?.forEach((p, j) => {
      if (!resourceRefs.has(lower(p.resource)))
        problems.push(
          `applications[${i}].permissions[${j}].resource: no application with appId or identifier URI '${p.resource}'`,
        )
    })
    if (a.publicClient && (a.secrets?.length ?? 0) > 0)
      problems.push(`applications[${i}]: a public client cannot have secrets`)
  })
  return problems
}
