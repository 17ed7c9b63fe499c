// The Azure RBAC store: ARM-side checks (hasAction) for the credential APIs, CheckAccess semantics,
// and the role-assignment create/delete validation.
import { describe, expect, it } from 'vitest'
import {
  AuthorizationFailed,
  InvalidScope,
  PrincipalNotFound,
  ResourceGroupNotFound,
  ResourceNotFound,
  RoleAssignmentExists,
  RoleAssignmentUpdateNotPermitted,
  RoleDefinitionDoesNotExist,
  SubscriptionNotFound,
  UnmatchedPrincipalType,
} from '../../src/azure-rbac/errors.js'
import { roleAssignmentResourceId, roleDefinitionResourceId } from '../../src/azure-rbac/model.js'
import { demoWorld, type World } from './fixtures.js'

const CS = 'Microsoft.ContainerService/managedClusters'
const USER_CRED = `${CS}/listClusterUserCredential/action`
const ADMIN_CRED = `${CS}/listClusterAdminCredential/action`

const give = (w: World, principalId: string, role: string, scope = w.cluster) =>
  w.rbac.createRoleAssignment({ principalId, roleDefinitionId: w.rbac.roleDefinition(role)!.id, scope })

describe('hasAction (control-plane actions, for the ARM credential APIs)', () => {
  it('demo tenant: alice may list both credentials and write the cluster, bob/carol/dave-via-sre user credentials, frank nothing', () => {
    const w = demoWorld()
    const has = (name: string, groups: string[], action: string) =>
      w.rbac.hasAction(w.user(name).oid, groups, action, w.cluster)
    expect(has('alice', [w.group('aks-admins')], ADMIN_CRED)).toBe(true)
    // Issue 16: alice also holds Azure Kubernetes Service Contributor Role on rg-aks-demo, whose
    // managedClusters/* includes the user credential and every control-plane write; bob holds neither.
    expect(has('alice', [], USER_CRED)).toBe(true)
    expect(has('alice', [], `${CS}/write`)).toBe(true)
    expect(has('bob', [], `${CS}/write`)).toBe(false)
    expect(has('bob', [], USER_CRED)).toBe(true)
    expect(has('bob', [], ADMIN_CRED)).toBe(false)
    expect(has('carol', [], USER_CRED)).toBe(true)
    expect(has('dave', [w.group('sre')], USER_CRED)).toBe(true)
    expect(has('dave', [], USER_CRED)).toBe(false)
    // RBAC Reader has no listClusterUserCredential: frank cannot download a kubeconfig.
    expect(has('frank', [], USER_CRED)).toBe(false)
    expect(has('frank', [], `${CS}/read`)).toBe(false)
  })

  it('Owner and Contributor (actions: *) hold every control-plane action, Reader only */read', () => {
    const w = demoWorld()
    const [frank, carol, dave] = [w.user('frank').oid, w.user('carol').oid, w.user('dave').oid]
    give(w, frank, 'Owner', `/subscriptions/${w.resolved.subscriptionId}`)
    give(w, carol, 'Contributor', `/subscriptions/${w.resolved.subscriptionId}/resourceGroups/rg-aks-demo`)
    give(w, dave, 'Reader')
    expect(w.rbac.hasAction(frank, [], ADMIN_CRED, w.cluster)).toBe(true)
    expect(w.rbac.hasAction(frank, [], 'Microsoft.Authorization/roleAssignments/write', w.cluster)).toBe(true)
    expect(w.rbac.hasAction(carol, [], ADMIN_CRED, w.cluster)).toBe(true)
    // Contributor's notActions: no role assignments.
    expect(w.rbac.hasAction(carol, [], 'Microsoft.Authorization/roleAssignments/write', w.cluster)).toBe(
      false,
    )
    expect(w.rbac.hasAction(carol, [], 'microsoft.authorization/ROLEASSIGNMENTS/write', w.cluster)).toBe(
      false,
    )
    expect(w.rbac.hasAction(dave, [], `${CS}/read`, w.cluster)).toBe(true)
    expect(w.rbac.hasAction(dave, [], USER_CRED, w.cluster)).toBe(false)
  })

  it('Owner holds no data actions: actions never grant data actions, and dataActions never grant actions', () => {
    const w = demoWorld()
    const frank = w.user('frank').oid
    give(w, frank, 'Owner')
    const [d] = w.rbac.checkAccess({
      principalId: frank,
      scope: w.cluster,
      actions: [{ id: `${CS}/pods/read`, isDataAction: true }],
    })
    expect(d!.accessDecision).toBe('NotAllowed')
    give(w, w.user('dave').oid, 'Azure Kubernetes Service RBAC Cluster Admin')
    // RBAC Cluster Admin's dataActions `…/managedClusters/*` match the string, but it is not a data request.
    expect(
      w.rbac.hasAction(w.user('dave').oid, [], `${CS}/listClusterAdminCredential/action`, w.cluster),
    ).toBe(false)
    expect(w.rbac.hasAction(w.user('dave').oid, [], USER_CRED, w.cluster)).toBe(true)
  })

  it('does not leak between clusters, resource groups or namespaces (scopes are path prefixes, not string prefixes)', () => {
    const w = demoWorld()
    const frank = w.user('frank').oid
    give(w, frank, 'Azure Kubernetes Service Cluster User Role', `${w.cluster}/namespaces/prod`)
    expect(w.rbac.hasAction(frank, [], USER_CRED, w.cluster)).toBe(false)
    expect(w.rbac.hasAction(frank, [], USER_CRED, `${w.cluster}/namespaces/prod`)).toBe(true)
    expect(w.rbac.hasAction(frank, [], USER_CRED, `${w.cluster}/namespaces/production`)).toBe(false)
    expect(w.rbac.hasAction(frank, [], USER_CRED, `${w.cluster}-2`)).toBe(false)
    expect(w.rbac.hasAction(frank, [], USER_CRED, w.cluster.toUpperCase() + '/NAMESPACES/PROD')).toBe(true)
  })

  it('formats ARM AuthorizationFailed for callers that refuse', () => {
    const e = new AuthorizationFailed('frank@contoso.onmicrosoft.com', 'abc', USER_CRED, '/subscriptions/x')
    expect(e.status).toBe(403)
    expect(e.toArmBody()).toEqual({
      error: {
        code: 'AuthorizationFailed',
        message: `The client 'frank@contoso.onmicrosoft.com' with object id 'abc' does not have authorization to perform action '${USER_CRED}' over scope '/subscriptions/x' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      },
    })
  })
})

describe('role assignments: create and delete', () => {
  it('creates with a generated id, inferring the principal type, and deletes idempotently', () => {
    const w = demoWorld()
    const sre = w.group('sre')
    const a = w.rbac.createRoleAssignment({
      principalId: sre.toUpperCase(),
      roleDefinitionId: roleDefinitionResourceId(
        w.resolved.subscriptionId,
        '7f6c6a51-bcf8-42ba-9220-52d62157d7db',
      ),
      scope: `${w.cluster}/namespaces/dev/`,
    })
    expect(a).toMatchObject({
      principalId: sre,
      principalType: 'Group',
      roleDefinitionId: '7f6c6a51-bcf8-42ba-9220-52d62157d7db',
      scope: `${w.cluster}/namespaces/dev`,
    })
    expect(roleAssignmentResourceId(a)).toBe(
      `${w.cluster}/namespaces/dev/providers/Microsoft.Authorization/roleAssignments/${a.id}`,
    )
    const v = w.rbac.version()
    expect(w.rbac.deleteRoleAssignment(a.id)).toEqual(a)
    expect(w.rbac.deleteRoleAssignment(a.id)).toBeUndefined()
    expect(w.rbac.version()).toBe(v + 1)
    expect(
      w.rbac.checkAccess({
        principalId: w.user('dave').oid,
        groupIds: [sre],
        scope: `${w.cluster}/namespaces/dev`,
        actions: [{ id: `${CS}/pods/read`, isDataAction: true }],
      })[0]!.accessDecision,
    ).toBe('NotAllowed')
  })

  it('refuses what ARM refuses, with ARM codes', () => {
    const w = demoWorld()
    const frank = w.user('frank').oid
    const reader = '7f6c6a51-bcf8-42ba-9220-52d62157d7db'
    const sub = w.resolved.subscriptionId
    const create = (input: Partial<Parameters<World['rbac']['createRoleAssignment']>[0]>) => () =>
      w.rbac.createRoleAssignment({
        principalId: frank,
        roleDefinitionId: reader,
        scope: w.cluster,
        ...input,
      })
    expect(create({ scope: 'cluster:aks-demo' })).toThrow(InvalidScope)
    expect(create({ scope: `/subscriptions/${sub}/resourceGroups` })).toThrow(InvalidScope)
    expect(create({ scope: `/subscriptions/not-a-guid` })).toThrow(InvalidScope)
    expect(create({ scope: `/subscriptions/11111111-2222-4333-8444-555555555555` })).toThrow(
      SubscriptionNotFound,
    )
    expect(create({ scope: `/subscriptions/${sub}/resourceGroups/rg-missing` })).toThrow(
      ResourceGroupNotFound,
    )
    expect(
      create({
        scope: `/subscriptions/${sub}/resourceGroups/rg-aks-demo/providers/${CS.split('/')[0]}/managedClusters/aks-missing`,
      }),
    ).toThrow(ResourceNotFound)
    expect(create({ scope: `${w.cluster}/namespaces/Not_A_Namespace` })).toThrow(ResourceNotFound)
    expect(create({ roleDefinitionId: '11111111-2222-4333-8444-555555555555' })).toThrow(
      RoleDefinitionDoesNotExist,
    )
    expect(create({ roleDefinitionId: 'Reader' })).toThrow(RoleDefinitionDoesNotExist)
    expect(create({ principalId: '11111111-2222-4333-8444-555555555555' })).toThrow(PrincipalNotFound)
    expect(create({ principalId: 'frank@contoso.onmicrosoft.com' })).toThrow(PrincipalNotFound)
    expect(create({ principalType: 'Group' })).toThrow(UnmatchedPrincipalType)
    expect(create({ id: 'not-a-guid' })).toThrow(InvalidScope)
    const first = create({})()
    expect(create({})).toThrow(RoleAssignmentExists)
    expect(create({ id: first.id })()).toEqual(first)
    expect(create({ id: first.id, scope: `${w.cluster}/namespaces/dev` })).toThrow(
      RoleAssignmentUpdateNotPermitted,
    )
  })

  it('reports error bodies in ARM shape', () => {
    const w = demoWorld()
    try {
      w.rbac.createRoleAssignment({
        principalId: '11111111-2222-4333-8444-555555555555',
        roleDefinitionId: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
        scope: w.cluster,
      })
      expect.unreachable()
    } catch (err) {
      expect((err as PrincipalNotFound).toArmBody()).toEqual({
        error: {
          code: 'PrincipalNotFound',
          message: `Principal 11111111222243338444555555555555 does not exist in the directory ${w.directory.tenant.id}.`,
        },
      })
      expect((err as PrincipalNotFound).status).toBe(400)
    }
  })

  it('honours a custom role’s assignableScopes', () => {
    const w = demoWorld((s) => {
      s.azure!.roleDefinitions = [
        {
          roleName: 'Pod viewer',
          assignableScopes: ['cluster:aks-demo'],
          permissions: [{ dataActions: [`${CS}/pods/read`] }],
        },
      ]
    })
    const role = w.rbac.roleDefinition('pod viewer')!
    expect(role).toMatchObject({ roleType: 'CustomRole', assignableScopes: [w.cluster], source: 'scenario' })
    const frank = w.user('frank').oid
    expect(() =>
      w.rbac.createRoleAssignment({
        principalId: frank,
        roleDefinitionId: role.id,
        scope: `/subscriptions/${w.resolved.subscriptionId}`,
      }),
    ).toThrow(InvalidScope)
    expect(
      w.rbac.createRoleAssignment({
        principalId: frank,
        roleDefinitionId: role.id,
        scope: `${w.cluster}/namespaces/dev`,
      }).scope,
    ).toBe(`${w.cluster}/namespaces/dev`)
  })
})

describe('checkAccess', () => {
  it('answers each action separately and names the granting assignment', () => {
    const w = demoWorld()
    const frank = w.user('frank').oid
    const decisions = w.rbac.checkAccess({
      principalId: frank,
      scope: `${w.cluster}/namespaces/prod`,
      actions: [
        { id: `${CS}/pods/read`, isDataAction: true },
        { id: `${CS}/secrets/read`, isDataAction: true },
        { id: `${CS}/read`, isDataAction: false },
      ],
    })
    expect(decisions.map((d) => d.accessDecision)).toEqual(['Allowed', 'NotAllowed', 'NotAllowed'])
    expect(decisions[0]!.roleDefinition!.roleName).toBe('Azure Kubernetes Service RBAC Reader')
    expect(decisions[0]!.roleAssignment!.principalId).toBe(frank)
    expect(decisions[1]!.verdicts[0]).toMatchObject({ outcome: 'not-in-role' })
  })

  it('counts a principal repeated among its own groups once', () => {
    const w = demoWorld()
    const bob = w.user('bob').oid
    const d = w.rbac.checkAccess({
      principalId: bob,
      groupIds: [bob.toUpperCase()],
      scope: w.cluster,
      actions: [{ id: USER_CRED, isDataAction: false }],
    })
    expect(d[0]!.verdicts).toHaveLength(1)
  })
})
