/**
 * What room mode adds to the scenario: the attendees as users, the group `workshop-attendees` holding
 * them all, its Azure role on each managed cluster (Cluster User Role: `get-credentials` works, as it
 * does for bob), and the Kubernetes objects of the room — a namespace per attendee with a RoleBinding
 * to `edit` there, and `view` on the workshop's shared namespace `dev` for the whole group, so the
 * workshop's `kubectl get pods -n dev` works and `-n prod` is Forbidden, as for bob.
 */
import { ConfigError } from '../kernel/errors.js'
import type { KubernetesManifest } from '../rbac/index.js'
import type { Scenario } from '../scenario/index.js'
import { ATTENDEE_GROUP, attendeeGroupId, type Attendee } from './attendees.js'

/** The namespace the workshop's exercises read (docs/workshop.md); attendees may view it when the scenario has it. */
export const SHARED_NAMESPACE = 'dev'
const RBAC = 'rbac.authorization.k8s.io'
export const ATTENDEE_BINDING = 'attendee-edit'
export const GROUP_VIEW_BINDING = `${ATTENDEE_GROUP}-view`

/** The scenario with the attendees added; a scenario that already has one of their names is a configuration error. */
export function withAttendees(scenario: Scenario, attendees: readonly Attendee[]): Scenario {
  if (attendees.length === 0) return scenario
  const tenantId = scenario.tenant.id
  const taken = new Set(
    (scenario.users ?? []).flatMap((u) => [u.userPrincipalName.toLowerCase(), u.id.toLowerCase()]),
  )
  const clashes = attendees.filter((a) => taken.has(a.userPrincipalName.toLowerCase()) || taken.has(a.id))
  const problems = clashes.map(
    (a) => `room.attendees: the scenario already has a user ${a.userPrincipalName}`,
  )
  if ((scenario.groups ?? []).some((g) => g.displayName === ATTENDEE_GROUP))
    problems.push(`room.attendees: the scenario already has a group ${ATTENDEE_GROUP}`)
  if (problems.length > 0) throw new ConfigError(problems)
  const groupId = attendeeGroupId(tenantId)
  const azure = scenario.azure && {
    ...scenario.azure,
    roleAssignments: [
      ...scenario.azure.roleAssignments,
      ...scenario.azure.managedClusters.map((c) => ({
        principal: groupId,
        role: 'Azure Kubernetes Service Cluster User Role',
        scope: `cluster:${c.name}`,
      })),
    ],
  }
  return {
    ...scenario,
    users: [
      ...(scenario.users ?? []),
      ...attendees.map((a) => ({
        userPrincipalName: a.userPrincipalName,
        id: a.id,
        displayName: a.displayName,
        givenName: 'Attendee',
        surname: a.name.slice('attendee'.length),
        mail: a.userPrincipalName,
        jobTitle: 'Workshop attendee',
        password: a.password,
      })),
    ],
    groups: [
      ...(scenario.groups ?? []),
      {
        displayName: ATTENDEE_GROUP,
        id: groupId,
        description: 'Everyone in the workshop room (aks-auth-sim start --attendees)',
        members: { users: attendees.map((a) => a.userPrincipalName) },
      },
    ],
    ...(azure && { azure }),
  }
}

/**
 * The room's Kubernetes objects. They are created at every start when missing (not only into a new
 * store), so a room added to an existing state dir gets them, and a binding the host changed stays.
 */
export function attendeeObjects(scenario: Scenario, attendees: readonly Attendee[]): KubernetesManifest[] {
  if (attendees.length === 0) return []
  const hasShared = (scenario.kubernetes?.objects ?? []).some(
    (o) => o.kind === 'Namespace' && o.metadata.name === SHARED_NAMESPACE,
  )
  return [
    ...attendees.flatMap((a): KubernetesManifest[] => [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: a.namespace,
          labels: { 'kubernetes.io/metadata.name': a.namespace, 'aks-auth-sim/room': 'attendee' },
        },
      },
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'RoleBinding',
        metadata: { name: ATTENDEE_BINDING, namespace: a.namespace },
        roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'edit' },
        subjects: [{ apiGroup: RBAC, kind: 'User', name: a.userPrincipalName }],
      },
    ]),
    ...(hasShared
      ? [
          {
            apiVersion: `${RBAC}/v1`,
            kind: 'RoleBinding',
            metadata: { name: GROUP_VIEW_BINDING, namespace: SHARED_NAMESPACE },
            roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'view' },
            // Kubernetes sees Entra groups by object id (the webhook puts ids in `groups`).
            subjects: [{ apiGroup: RBAC, kind: 'Group', name: attendeeGroupId(scenario.tenant.id) }],
          },
        ]
      : []),
  ]
}
