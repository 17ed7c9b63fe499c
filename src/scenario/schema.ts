/**
 * JSON Schema of the scenario file (draft 2020-12, published as docs/scenario.schema.json).
 * Unknown keys are errors everywhere, so a typo never silently does nothing.
 */
import { azureScenarioSchema } from '../azure-rbac/scenario.js'
import { kubernetesScenarioSchema } from '../rbac/scenario.js'
import { podIdentityScenarioSchema } from '../pod-identity/scenario.js'

const guid = {
  type: 'string',
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
}
const nonEmpty = { type: 'string', minLength: 1 }
const names = { type: 'array', items: nonEmpty, uniqueItems: true }

export const scenarioSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://aks-auth-sim.local/scenario.schema.json',
  title: 'aks-auth-sim scenario',
  type: 'object',
  additionalProperties: false,
  required: ['tenant'],
  properties: {
    kubernetes: kubernetesScenarioSchema,
    podIdentity: podIdentityScenarioSchema,
    azure: azureScenarioSchema,
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
          permissions: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['resource'],
              properties: { resource: nonEmpty, applicationPermissions: names, delegatedPermissions: names },
            },
          },
        },
      },
    },
  },
} as const
