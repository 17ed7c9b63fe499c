/**
 * The built-in demo tenant, contoso.onmicrosoft.com, used when no scenario file is given. Its ids are
 * derived from names, so they are the same on every machine and every run (docs/demo-tenant.md).
 */
import { demoAzure } from '../azure-rbac/index.js'
import { stableGuid } from '../kernel/ids.js'
import { DEMO_POD_IDENTITY, demoPodIdentity } from '../pod-identity/index.js'
import { demoKubernetes } from '../rbac/index.js'
import type { Scenario } from './types.js'

const DOMAIN = 'contoso.onmicrosoft.com'
const id = (kind: string, name: string) => stableGuid('aks-auth-sim/contoso', `${kind}:${name}`)
const upn = (name: string) => `${name}@${DOMAIN}`

/** Ids of the demo tenant's objects, handed to each slice's demo section (each reads what it names). */
export interface DemoIds {
  tenantId: string
  userUpn(name: string): string
  userId(name: string): string
  groupId(name: string): string
}

/** Password every demo user can sign in with on the device login page. */
export const DEMO_PASSWORD = 'Workshop-2026!'
export const DEMO_WEBHOOK_SECRET = 'aks-webhook-demo-secret-value-0001'
/** The CI application's client secret (AcrPush on contosoacr; docs/demo-tenant.md). */
export const DEMO_CI_SECRET = 'ci-pipeline-demo-secret-value-0001'
/** dave's extra groups: with `sre` they make 250, above the 200-group limit of a JWT. */
const DAVE_EXTRA_GROUPS = 249

const user = (
  name: string,
  displayName: string,
  extra: Partial<NonNullable<Scenario['users']>[number]> = {},
) => ({
  userPrincipalName: upn(name),
  id: id('user', name),
  displayName,
  givenName: displayName.split(' ')[0]!,
  surname: displayName.split(' ').slice(1).join(' ') || displayName,
  mail: upn(name),
  password: DEMO_PASSWORD,
  ...extra,
})

export function demoScenario(): Scenario {
  const daveGroups = Array.from({ length: DAVE_EXTRA_GROUPS }, (_, i) => {
    const name = `project-${String(i + 1).padStart(3, '0')}`
    return {
      displayName: name,
      id: id('group', name),
      description: `Project team ${i + 1}`,
      members: { users: [upn('dave')] },
    }
  })
  const tenantId = stableGuid('aks-auth-sim', 'tenant:contoso')
  const ids: DemoIds = {
    tenantId,
    userUpn: upn,
    userId: (name) => id('user', name),
    groupId: (name) => id('group', name),
  }
  return {
    tenant: { id: tenantId, domain: DOMAIN, displayName: 'Contoso' },
    users: [
      user('alice', 'Alice Admin', { jobTitle: 'Platform administrator' }),
      user('bob', 'Bob Builder', { jobTitle: 'Engineering User' }),
      {
        // An invited (B2B) guest: her UPN is the #EXT# form and her tokens carry no `upn` claim.
        userPrincipalName: `carol_fabrikam.com#EXT#@${DOMAIN}`,
        id: id('user', 'carol'),
        displayName: 'Carol Guest',
        givenName: 'Carol',
        surname: 'Guest',
        mail: 'carol@fabrikam.com',
        userType: 'Guest',
        password: DEMO_PASSWORD,
      },
      user('dave', 'Dave Operator', { jobTitle: 'Site reliability engineer' }),
      user('erin', 'Erin Former', { accountEnabled: false }),
      user('frank', 'Frank Reader', { jobTitle: 'Auditor' }),
    ],
    groups: [
      {
        displayName: 'aks-admins',
        id: id('group', 'aks-admins'),
        description: 'Cluster administrators',
        members: { users: [upn('alice')] },
      },
      {
        displayName: 'engineering',
        id: id('group', 'engineering'),
        description: 'Engineering department',
        members: { users: [upn('bob')] },
      },
      {
        displayName: 'all-employees',
        id: id('group', 'all-employees'),
        description: 'Everyone on staff',
        members: { groups: ['engineering'] },
      },
      {
        displayName: 'sre',
        id: id('group', 'sre'),
        description: 'Site reliability engineering',
        members: { users: [upn('dave')] },
      },
      ...daveGroups,
    ],
    applications: [
      {
        name: 'aks-webhook',
        appId: id('app', 'aks-webhook'),
        servicePrincipalId: id('sp', 'aks-webhook'),
        secrets: [{ value: DEMO_WEBHOOK_SECRET, displayName: 'webhook' }],
        permissions: [
          {
            resource: 'https://graph.microsoft.com',
            applicationPermissions: ['GroupMember.Read.All', 'User.Read.All'],
          },
        ],
      },
      {
        // A CI pipeline's service principal: it pushes images to contosoacr (AcrPush).
        name: 'ci-pipeline',
        appId: id('app', 'ci-pipeline'),
        servicePrincipalId: id('sp', 'ci-pipeline'),
        secrets: [{ value: DEMO_CI_SECRET, displayName: 'ci' }],
      },
    ],
    azure: withKubeletAcrPull(demoAzure(ids)),
    kubernetes: demoKubernetes(ids),
    podIdentity: demoPodIdentity(ids),
  }
}

/**
 * What `az aks update --attach-acr contosoacr` assigns: AcrPull on the registry to the cluster's kubelet
 * identity (identityProfile.kubeletidentity), so the demo's pods pull from contosoacr (docs/acr.md). The
 * identity belongs to the pod-identity slice, which is why the assignment is added here.
 */
function withKubeletAcrPull(azure: ReturnType<typeof demoAzure>): ReturnType<typeof demoAzure> {
  return {
    ...azure,
    roleAssignments: [
      ...(azure.roleAssignments ?? []),
      {
        principal: DEMO_POD_IDENTITY.kubeletPrincipalId,
        principalType: 'ServicePrincipal',
        role: 'AcrPull',
        scope: 'registry:contosoacr',
      },
    ],
  }
}
