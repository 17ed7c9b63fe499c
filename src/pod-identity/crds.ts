/**
 * The CustomResourceDefinitions aad-pod-identity installs (group `aadpodidentity.k8s.io`, version v1;
 * its Helm chart `charts/aad-pod-identity/crds/crd.yaml`): names, scope, printer columns and the
 * structural schemas, field for field, without the long upstream descriptions. The mock API server
 * serves them when the scenario enables pod-managed identity, as the AKS add-on installs them.
 */
import type { CustomResourceDefinition, JsonSchema } from '../apiserver/index.js'

export const AAD_POD_IDENTITY_GROUP = 'aadpodidentity.k8s.io'

const obj = (properties: Record<string, JsonSchema>, description?: string): JsonSchema => ({
  type: 'object',
  properties,
  ...(description && { description }),
})
const string: JsonSchema = { type: 'string' }
const int32: JsonSchema = { type: 'integer', format: 'int32' }
const meta: JsonSchema = { type: 'object' }

const identitySpec = obj(
  {
    adEndpoint: string,
    adResourceID: {
      type: 'string',
      description: 'For service principal. Option param for specifying the  AD details.',
    },
    auxiliaryTenantIDs: {
      type: 'array',
      items: string,
      nullable: true,
      description: 'Service principal auxiliary tenant ids',
    },
    clientID: { type: 'string', description: 'Both User Assigned MSI and SP can use this field.' },
    clientPassword: obj({ name: string, namespace: string }, 'Used for service principal'),
    metadata: meta,
    replicas: { ...int32, nullable: true },
    resourceID: { type: 'string', description: 'User assigned MSI resource id.' },
    tenantID: { type: 'string', description: 'Service principal primary tenant id.' },
    type: { type: 'integer', description: 'UserAssignedMSI or Service Principal' },
  },
  'AzureIdentitySpec describes the credential specifications of an identity on Azure.',
)
const replicaStatus = obj({ availableReplicas: int32, metadata: meta })
const bindingSpec = obj(
  {
    azureIdentity: string,
    metadata: meta,
    selector: string,
    weight: {
      type: 'integer',
      description: 'Weight is used to figure out which of the matching identities would be selected.',
    },
  },
  'AzureIdentityBindingSpec matches the pod with the Identity.',
)
const embedded = (spec: JsonSchema): JsonSchema => ({
  type: 'object',
  'x-kubernetes-embedded-resource': true,
  properties: { apiVersion: string, kind: string, metadata: meta, spec, status: replicaStatus },
})
const root = (description: string, spec: JsonSchema, status: JsonSchema): JsonSchema => ({
  type: 'object',
  description,
  properties: { apiVersion: string, kind: string, metadata: meta, spec, status },
})

const crd = (
  kind: string,
  plural: string,
  schema: JsonSchema,
  printerColumns?: CustomResourceDefinition['printerColumns'],
): CustomResourceDefinition => ({
  group: AAD_POD_IDENTITY_GROUP,
  version: 'v1',
  kind,
  listKind: `${kind}List`,
  plural,
  singular: kind.toLowerCase(),
  scope: 'Namespaced',
  schema,
  ...(printerColumns && { printerColumns }),
})

const AGE = {
  name: 'Age',
  type: 'date' as const,
  jsonPath: '.metadata.creationTimestamp',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.',
}

export function aadPodIdentityCrds(): CustomResourceDefinition[] {
  return [
    crd(
      'AzureAssignedIdentity',
      'azureassignedidentities',
      root(
        'AzureAssignedIdentity contains the identity <-> pod mapping which is matched.',
        obj(
          {
            azureBindingRef: embedded(bindingSpec),
            azureIdentityRef: embedded(identitySpec),
            metadata: meta,
            nodename: string,
            pod: string,
            podNamespace: string,
            replicas: { ...int32, nullable: true },
          },
          'AzureAssignedIdentitySpec contains the relationship between an AzureIdentity and an AzureIdentityBinding.',
        ),
        obj({ availableReplicas: int32, metadata: meta, status: string }),
      ),
    ),
    crd(
      'AzureIdentity',
      'azureidentities',
      root('AzureIdentity is the specification of the identity data structure.', identitySpec, replicaStatus),
      [
        { name: 'Type', type: 'string', jsonPath: '.spec.type' },
        { name: 'ClientID', type: 'string', jsonPath: '.spec.clientID' },
        AGE,
      ],
    ),
    crd(
      'AzureIdentityBinding',
      'azureidentitybindings',
      root(
        'AzureIdentityBinding brings together the spec of matching pods and the identity which they can use.',
        bindingSpec,
        replicaStatus,
      ),
      [
        { name: 'AzureIdentity', type: 'string', jsonPath: '.spec.azureIdentity' },
        { name: 'Selector', type: 'string', jsonPath: '.spec.selector' },
        AGE,
      ],
    ),
    crd(
      'AzurePodIdentityException',
      'azurepodidentityexceptions',
      root(
        "AzurePodIdentityException contains the pod selectors for all pods that don't require NMI to process and request token on their behalf.",
        obj({ metadata: meta, podLabels: { type: 'object', additionalProperties: string } }),
        obj({ metadata: meta, status: string }),
      ),
    ),
  ]
}
