// The Azure RBAC decision table: SubjectAccessReview bodies (v1 and v1beta1) → parse → guard's
// pipeline → wire status, against the demo tenant plus per-row role assignments.
import { describe, expect, it } from 'vitest'
import {
  ACCESS_ALLOWED_VERDICT,
  ACCESS_NOT_ALLOWED_VERDICT,
  authorizeWithAzureRbac,
  NO_OPINION_VERDICT,
  NON_AAD_DENIED_VERDICT,
  NON_AAD_NO_OPINION_VERDICT,
  type AzureAuthzOptions,
} from '../../src/azure-rbac/authorize.js'
import { dashless } from '../../src/azure-rbac/model.js'
import { parseSubjectAccessReview } from '../../src/kube/index.js'
import { toWireReview } from '../../src/webhook/sar/render.js'
import { demoWorld, sarBody, type World } from './fixtures.js'

const CS = 'Microsoft.ContainerService/managedClusters'
type Spec = Parameters<typeof sarBody>[1]

interface Row {
  name: string
  setup?: (w: World) => void
  edit?: Parameters<typeof demoWorld>[0]
  spec: (w: World) => Spec
  options?: Partial<AzureAuthzOptions>
  /** Expected wire status; `reason` may be a function of the world (assignment ids). */
  expect: { allowed: boolean; denied?: true; reason: string | ((w: World) => string) }
}

const pods = (verb: string, namespace = '', extra: Record<string, unknown> = {}) => ({
  resourceAttributes: { namespace, verb, version: 'v1', resource: 'pods', ...extra },
})
const as = (w: World, name: string, groups: string[] = []) => {
  const u = w.user(name)
  return { user: u.upn, groups: [...groups, 'system:authenticated'], extra: { oid: [u.oid] } }
}
const assign = (w: World, principal: string, role: string, scope: string) =>
  w.rbac.createRoleAssignment({
    principalId: principal,
    roleDefinitionId: w.rbac.roleDefinition(role)!.id,
    scope,
  })
const allowedBy = (w: World, principal: string, role: string, user: string) => {
  const a = w.rbac
    .roleAssignments()
    .find((x) => x.principalId === principal && x.roleDefinitionId === w.rbac.roleDefinition(role)!.id)!
  return `Access allowed by Azure RBAC Role Assignment ${dashless(a.id)} of Role ${dashless(a.roleDefinitionId)} to user ${user}`
}
const DENY = { allowed: false, denied: true as const, reason: ACCESS_NOT_ALLOWED_VERDICT }

const rows: Row[] = [
  {
    name: 'frank (RBAC Reader on namespace prod) lists pods in prod',
    spec: (w) => ({ ...pods('list', 'prod'), ...as(w, 'frank') }),
    expect: {
      allowed: true,
      reason: (w) =>
        allowedBy(w, w.user('frank').oid, 'Azure Kubernetes Service RBAC Reader', w.user('frank').upn),
    },
  },
  {
    name: 'frank lists pods in dev (other namespace)',
    spec: (w) => ({ ...pods('list', 'dev'), ...as(w, 'frank') }),
    expect: DENY,
  },
  {
    name: 'frank lists pods in all namespaces (cluster scope)',
    spec: (w) => ({ ...pods('list'), ...as(w, 'frank') }),
    expect: DENY,
  },
  {
    name: 'frank reads secrets in prod (Reader has no secrets)',
    spec: (w) => ({
      resourceAttributes: { namespace: 'prod', verb: 'get', resource: 'secrets', version: 'v1' },
      ...as(w, 'frank'),
    }),
    expect: DENY,
  },
  {
    name: 'frank creates pods in prod (Reader is read-only)',
    spec: (w) => ({ ...pods('create', 'prod'), ...as(w, 'frank') }),
    expect: DENY,
  },
  {
    name: 'frank gets pods/log in prod (subresource maps to pods/read)',
    spec: (w) => ({ ...pods('get', 'prod', { subresource: 'log', name: 'web-0' }), ...as(w, 'frank') }),
    expect: {
      allowed: true,
      reason: (w) =>
        allowedBy(w, w.user('frank').oid, 'Azure Kubernetes Service RBAC Reader', w.user('frank').upn),
    },
  },
  {
    name: 'frank execs into a pod in prod (pods/exec/action is not in Reader)',
    spec: (w) => ({ ...pods('create', 'prod', { subresource: 'exec', name: 'web-0' }), ...as(w, 'frank') }),
    expect: DENY,
  },
  {
    name: 'frank lists deployments.apps in prod',
    spec: (w) => ({
      resourceAttributes: {
        namespace: 'prod',
        verb: 'list',
        group: 'apps',
        version: 'v1',
        resource: 'deployments',
      },
      ...as(w, 'frank'),
    }),
    expect: {
      allowed: true,
      reason: (w) =>
        allowedBy(w, w.user('frank').oid, 'Azure Kubernetes Service RBAC Reader', w.user('frank').upn),
    },
  },
  {
    name: 'alice holds the Cluster Admin Role: actions only, so no data access',
    spec: (w) => ({ ...pods('list', 'default'), ...as(w, 'alice', [w.group('aks-admins')]) }),
    expect: DENY,
  },
  {
    name: 'bob holds the Cluster User Role: no data access',
    spec: (w) => ({ ...pods('get', 'dev'), ...as(w, 'bob') }),
    expect: DENY,
  },
  {
    name: 'a service account gets no opinion',
    spec: () => ({
      ...pods('list', 'default'),
      user: 'system:serviceaccount:default:flux',
      groups: ['system:serviceaccounts'],
    }),
    expect: { allowed: false, reason: NO_OPINION_VERDICT },
  },
  {
    name: 'system: is matched case-insensitively, even with an oid',
    spec: (w) => ({ ...pods('list'), user: 'System:Kube-Scheduler', extra: { oid: [w.user('frank').oid] } }),
    expect: { allowed: false, reason: NO_OPINION_VERDICT },
  },
  {
    name: 'no extra.oid (impersonation, certificates) gets the non-AAD no opinion',
    spec: (w) => ({ ...pods('list', 'prod'), user: w.user('frank').upn, groups: ['system:authenticated'] }),
    expect: { allowed: false, reason: NON_AAD_NO_OPINION_VERDICT },
  },
  {
    name: 'no extra.oid with skip-authz-for-non-aad-users=false is denied',
    spec: (w) => ({ ...pods('list', 'prod'), user: w.user('frank').upn }),
    options: { skipAuthzForNonAadUsers: false },
    expect: { allowed: false, denied: true, reason: NON_AAD_DENIED_VERDICT },
  },
  {
    name: 'discovery: GET /api is allowed without any assignment',
    spec: (w) => ({ nonResourceAttributes: { path: '/api', verb: 'get' }, ...as(w, 'bob') }),
    expect: { allowed: true, reason: ACCESS_ALLOWED_VERDICT },
  },
  {
    name: 'discovery: GET /apis/apps/v1 matches the /api prefix',
    spec: (w) => ({ nonResourceAttributes: { path: '/apis/apps/v1', verb: 'get' }, ...as(w, 'bob') }),
    expect: { allowed: true, reason: ACCESS_ALLOWED_VERDICT },
  },
  {
    name: 'discovery: GET /healthz/etcd and /version are allowed',
    spec: (w) => ({ nonResourceAttributes: { path: '/healthz/etcd', verb: 'get' }, ...as(w, 'bob') }),
    expect: { allowed: true, reason: ACCESS_ALLOWED_VERDICT },
  },
  {
    name: 'GET /livez is not a discovery path: checked as …/livez/read',
    spec: (w) => ({ nonResourceAttributes: { path: '/livez', verb: 'get' }, ...as(w, 'frank') }),
    expect: DENY,
  },
  {
    name: 'POST /api is not a GET: checked, denied',
    spec: (w) => ({ nonResourceAttributes: { path: '/api', verb: 'post' }, ...as(w, 'frank') }),
    expect: DENY,
  },
  {
    name: 'GET /metrics with RBAC Cluster Admin (…/* covers …/metrics/read)',
    setup: (w) => assign(w, w.user('dave').oid, 'Azure Kubernetes Service RBAC Cluster Admin', w.cluster),
    spec: (w) => ({ nonResourceAttributes: { path: '/metrics', verb: 'get' }, ...as(w, 'dave') }),
    expect: {
      allowed: true,
      reason: (w) =>
        allowedBy(w, w.user('dave').oid, 'Azure Kubernetes Service RBAC Cluster Admin', w.user('dave').upn),
    },
  },
  {
    name: 'a group assignment applies when the SAR carries the group id',
    setup: (w) =>
      assign(
        w,
        w.group('engineering'),
        'Azure Kubernetes Service RBAC Writer',
        `${w.cluster}/namespaces/dev`,
      ),
    spec: (w) => ({
      resourceAttributes: { namespace: 'dev', verb: 'create', group: 'apps', resource: 'deployments' },
      ...as(w, 'bob', [w.group('engineering')]),
    }),
    expect: {
      allowed: true,
      reason: (w) =>
        allowedBy(w, w.group('engineering'), 'Azure Kubernetes Service RBAC Writer', w.user('bob').upn),
    },
  },
  {
    name: 'guard trusts the SAR groups only: membership without the group in the SAR is not enough',
    setup: (w) =>
      assign(
        w,
        w.group('engineering'),
        'Azure Kubernetes Service RBAC Writer',
        `${w.cluster}/namespaces/dev`,
      ),
    spec: (w) => ({
      resourceAttributes: { namespace: 'dev', verb: 'create', group: 'apps', resource: 'deployments' },
      ...as(w, 'bob'),
    }),
    expect: DENY,
  },
  {
    name: 'group names (not GUIDs) are dropped before the check',
    setup: (w) =>
      assign(
        w,
        w.group('engineering'),
        'Azure Kubernetes Service RBAC Writer',
        `${w.cluster}/namespaces/dev`,
      ),
    spec: (w) => ({ ...pods('create', 'dev'), ...as(w, 'bob', ['engineering']) }),
    expect: DENY,
  },
  {
    name: 'subscription-scope assignment is inherited by every namespace and the cluster',
    setup: (w) =>
      assign(
        w,
        w.user('dave').oid,
        'Azure Kubernetes Service RBAC Reader',
        `/subscriptions/${w.resolved.subscriptionId}`,
      ),
    spec: (w) => ({ ...pods('list'), ...as(w, 'dave') }),
    expect: {
      allowed: true,
      reason: (w) =>
        allowedBy(w, w.user('dave').oid, 'Azure Kubernetes Service RBAC Reader', w.user('dave').upn),
    },
  },
  {
    name: 'resource-group-scope assignment is inherited',
    setup: (w) =>
      assign(
        w,
        w.user('dave').oid,
        'Azure Kubernetes Service RBAC Writer',
        `/subscriptions/${w.resolved.subscriptionId}/resourceGroups/rg-aks-demo`,
      ),
    spec: (w) => ({ ...pods('delete', 'kube-system'), ...as(w, 'dave') }),
    expect: {
      allowed: true,
      reason: (w) =>
        allowedBy(w, w.user('dave').oid, 'Azure Kubernetes Service RBAC Writer', w.user('dave').upn),
    },
  },
  {
    name: 'management-group-scope assignment is inherited by the subscription below it',
    edit: (s) => {
      s.azure!.managementGroupId = 'contoso-platform'
    },
    setup: (w) =>
      assign(
        w,
        w.user('dave').oid,
        'Azure Kubernetes Service RBAC Reader',
        '/providers/Microsoft.Management/managementGroups/contoso-platform',
      ),
    spec: (w) => ({ ...pods('watch', 'dev'), ...as(w, 'dave') }),
    expect: {
      allowed: true,
      reason: (w) =>
        allowedBy(w, w.user('dave').oid, 'Azure Kubernetes Service RBAC Reader', w.user('dave').upn),
    },
  },
  {
    name: 'RBAC Admin: notDataActions takes namespaces/write away',
    setup: (w) => assign(w, w.user('carol').oid, 'Azure Kubernetes Service RBAC Admin', w.cluster),
    spec: (w) => ({
      resourceAttributes: { namespace: 'scratch', verb: 'create', resource: 'namespaces', name: 'scratch' },
      ...as(w, 'carol'),
    }),
    expect: DENY,
  },
  {
    name: 'RBAC Admin: resourcequotas update is excluded, but pods create is not',
    setup: (w) => assign(w, w.user('carol').oid, 'Azure Kubernetes Service RBAC Admin', w.cluster),
    spec: (w) => ({
      resourceAttributes: { namespace: 'dev', verb: 'update', resource: 'resourcequotas' },
      ...as(w, 'carol'),
    }),
    expect: DENY,
  },
  {
    name: 'RBAC Admin: pods create is granted by Microsoft.ContainerService/managedClusters/*',
    setup: (w) => assign(w, w.user('carol').oid, 'Azure Kubernetes Service RBAC Admin', w.cluster),
    spec: (w) => ({ ...pods('create', 'dev'), ...as(w, 'carol') }),
    expect: {
      allowed: true,
      reason: (w) =>
        allowedBy(w, w.user('carol').oid, 'Azure Kubernetes Service RBAC Admin', w.user('carol').upn),
    },
  },
  {
    name: 'RBAC Writer execs into a pod (pods/* covers pods/exec/action)',
    setup: (w) =>
      assign(w, w.user('dave').oid, 'Azure Kubernetes Service RBAC Writer', `${w.cluster}/namespaces/dev`),
    spec: (w) => ({ ...pods('get', 'dev', { subresource: 'exec' }), ...as(w, 'dave') }),
    expect: {
      allowed: true,
      reason: (w) =>
        allowedBy(w, w.user('dave').oid, 'Azure Kubernetes Service RBAC Writer', w.user('dave').upn),
    },
  },
  {
    name: 'RBAC Writer scales a deployment (deployments/scale → apps/deployments/write)',
    setup: (w) =>
      assign(w, w.user('dave').oid, 'Azure Kubernetes Service RBAC Writer', `${w.cluster}/namespaces/dev`),
    spec: (w) => ({
      resourceAttributes: {
        namespace: 'dev',
        verb: 'update',
        group: 'apps',
        resource: 'deployments',
        subresource: 'scale',
      },
      ...as(w, 'dave'),
    }),
    expect: {
      allowed: true,
      reason: (w) =>
        allowedBy(w, w.user('dave').oid, 'Azure Kubernetes Service RBAC Writer', w.user('dave').upn),
    },
  },
  {
    name: 'wildcard verb * on pods with RBAC Writer (pods/*) is allowed, not a 500',
    setup: (w) =>
      assign(w, w.user('dave').oid, 'Azure Kubernetes Service RBAC Writer', `${w.cluster}/namespaces/dev`),
    spec: (w) => ({ ...pods('*', 'dev'), ...as(w, 'dave') }),
    expect: {
      allowed: true,
      reason: (w) =>
        allowedBy(w, w.user('dave').oid, 'Azure Kubernetes Service RBAC Writer', w.user('dave').upn),
    },
  },
  {
    name: 'wildcard verb * on namespaces with RBAC Admin is denied (write/delete are excluded)',
    setup: (w) => assign(w, w.user('carol').oid, 'Azure Kubernetes Service RBAC Admin', w.cluster),
    spec: (w) => ({ resourceAttributes: { verb: '*', resource: 'namespaces' }, ...as(w, 'carol') }),
    expect: DENY,
  },
  {
    name: 'wildcard resource * in the core group with RBAC Reader is denied',
    setup: (w) => assign(w, w.user('dave').oid, 'Azure Kubernetes Service RBAC Reader', w.cluster),
    spec: (w) => ({ resourceAttributes: { verb: 'list', resource: '*' }, ...as(w, 'dave') }),
    expect: DENY,
  },
  {
    name: 'wildcard group * needs the core and every named group: Writer lacks it for deployments',
    setup: (w) => assign(w, w.user('dave').oid, 'Azure Kubernetes Service RBAC Writer', w.cluster),
    spec: (w) => ({
      resourceAttributes: { verb: 'get', group: '*', resource: 'deployments' },
      ...as(w, 'dave'),
    }),
    expect: DENY,
  },
  {
    name: 'everything wildcard (*/*/*) with RBAC Cluster Admin is allowed',
    setup: (w) => assign(w, w.user('dave').oid, 'Azure Kubernetes Service RBAC Cluster Admin', w.cluster),
    spec: (w) => ({ resourceAttributes: { verb: '*', group: '*', resource: '*' }, ...as(w, 'dave') }),
    expect: {
      allowed: true,
      reason: (w) =>
        allowedBy(w, w.user('dave').oid, 'Azure Kubernetes Service RBAC Cluster Admin', w.user('dave').upn),
    },
  },
  {
    name: 'a custom role with the CRD catch-all …/*/read grants reading a custom resource',
    edit: (s) => {
      s.azure!.roleDefinitions = [
        { roleName: 'CRD reader', permissions: [{ dataActions: [`${CS}/*/read`] }] },
      ]
      s.azure!.roleAssignments.push({
        principal: 'dave@contoso.onmicrosoft.com',
        role: 'CRD reader',
        scope: 'cluster:aks-demo',
      })
    },
    spec: (w) => ({
      resourceAttributes: { namespace: 'dev', verb: 'list', group: 'example.com', resource: 'widgets' },
      ...as(w, 'dave'),
    }),
    expect: {
      allowed: true,
      reason: (w) => allowedBy(w, w.user('dave').oid, 'CRD reader', w.user('dave').upn),
    },
  },
  {
    name: 'a service principal (the aks-webhook app) with an assignment',
    setup: (w) =>
      assign(
        w,
        w.directory.application('aks-webhook')!.servicePrincipalId,
        'Azure Kubernetes Service RBAC Reader',
        w.cluster,
      ),
    spec: (w) => {
      const sp = w.directory.application('aks-webhook')!.servicePrincipalId
      return { ...pods('list', 'default'), user: sp, groups: ['system:authenticated'], extra: { oid: [sp] } }
    },
    expect: {
      allowed: true,
      reason: (w) => {
        const sp = w.directory.application('aks-webhook')!.servicePrincipalId
        return allowedBy(w, sp, 'Azure Kubernetes Service RBAC Reader', sp)
      },
    },
  },
  {
    name: 'actions compare case-insensitively (resource "Pods")',
    spec: (w) => ({
      resourceAttributes: { namespace: 'prod', verb: 'get', resource: 'Pods' },
      ...as(w, 'frank'),
    }),
    expect: {
      allowed: true,
      reason: (w) =>
        allowedBy(w, w.user('frank').oid, 'Azure Kubernetes Service RBAC Reader', w.user('frank').upn),
    },
  },
  {
    name: 'an oid in {braces} parses as a UUID, as in guard',
    spec: (w) => ({
      ...pods('list', 'prod'),
      user: w.user('frank').upn,
      extra: { oid: [`{${w.user('frank').oid.toUpperCase()}}`] },
    }),
    expect: {
      allowed: true,
      reason: (w) =>
        allowedBy(w, w.user('frank').oid, 'Azure Kubernetes Service RBAC Reader', w.user('frank').upn),
    },
  },
  {
    name: 'an oid that is not a UUID is a request error, denied with guard’s text',
    spec: (w) => ({ ...pods('list', 'prod'), user: w.user('frank').upn, extra: { oid: ['frank'] } }),
    expect: {
      allowed: false,
      denied: true,
      reason:
        'Error occured during authorization check. Please retry again. Error: error in preparing check access request: oid info sent from authentication module is not valid',
    },
  },
  {
    name: 'two oid values are a request error too',
    spec: (w) => ({
      ...pods('list', 'prod'),
      user: w.user('frank').upn,
      extra: { oid: [w.user('frank').oid, w.user('bob').oid] },
    }),
    expect: {
      allowed: false,
      denied: true,
      reason:
        'Error occured during authorization check. Please retry again. Error: error in preparing check access request: oid info sent from authentication module is not valid',
    },
  },
  {
    name: 'a namespace that climbs out of the cluster scope is refused',
    spec: (w) => ({ ...pods('list', '../../aks-other/namespaces/prod'), ...as(w, 'frank') }),
    expect: {
      allowed: false,
      denied: true,
      reason: (w) =>
        `Error occured during authorization check. Please retry again. Error: invalid URL path "/subscriptions/${w.resolved.subscriptionId}/resourceGroups/rg-aks-demo/providers/Microsoft.ContainerService/managedClusters/aks-other/namespaces/prod/providers/Microsoft.Authorization/checkaccess", expected to start with "${w.cluster}"`,
    },
  },
  {
    name: 'denyAsNoOpinion turns the deny into no opinion',
    spec: (w) => ({ ...pods('list', 'dev'), ...as(w, 'frank') }),
    options: { denyAsNoOpinion: true },
    expect: { allowed: false, reason: ACCESS_NOT_ALLOWED_VERDICT },
  },
]

describe('authorizeWithAzureRbac decision table', () => {
  for (const version of ['v1', 'v1beta1'] as const) {
    describe(`authorization.k8s.io/${version}`, () => {
      for (const row of rows) {
        it(row.name, () => {
          const w = demoWorld(row.edit)
          row.setup?.(w)
          const review = parseSubjectAccessReview(sarBody(version, row.spec(w)))
          expect(review.version).toBe(version)
          const result = authorizeWithAzureRbac(review.spec, {
            rbac: w.rbac,
            clusterResourceId: w.cluster,
            ...(row.options && { options: row.options }),
          })
          const wire = toWireReview(review, result)
          const reason = typeof row.expect.reason === 'function' ? row.expect.reason(w) : row.expect.reason
          expect(wire.status).toEqual({
            allowed: row.expect.allowed,
            ...(row.expect.denied && { denied: true }),
            reason,
          })
          expect(wire.apiVersion).toBe(`authorization.k8s.io/${version}`)
          // The spec goes back in the version it came in: v1beta1 spells groups `group`.
          const groups = row.spec(w).groups
          if (groups)
            expect((wire.spec as Record<string, unknown>)[version === 'v1' ? 'groups' : 'group']).toEqual(
              groups,
            )
        })
      }
    })
  }
})
