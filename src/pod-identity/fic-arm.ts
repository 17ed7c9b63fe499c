/**
 * ARM's Microsoft.ManagedIdentity surface for user-assigned identities and their federated identity
 * credentials (pod-identities.md §3.1, arm-spec 2023-01-31 examples), transport-free so the ARM
 * service mounts it behind its own authentication and authorization: GET identities, and
 * PUT / GET / DELETE / list `…/userAssignedIdentities/{name}/federatedIdentityCredentials/{fic}`,
 * with ARM's error envelope and the documented texts.
 */
import type { EventBus } from '../kernel/events.js'
import {
  FicValidationError,
  type FederatedCredential,
  type FederatedCredentialStore,
} from './federated-credentials.js'
import type { ManagedIdentity } from './managed-identities.js'

export const MSI_API_VERSIONS = [
  '2018-11-30',
  '2021-09-30-preview',
  '2022-01-31-preview',
  '2023-01-31',
  '2023-07-31-preview',
  '2024-11-30',
]
const FIC_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials'

const PATH =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.managedidentity\/userassignedidentities(?:\/([^/]+)(?:\/federatedidentitycredentials(?:\/([^/]+))?)?)?\/?$/i

export interface ArmRequest {
  method: string
  /** Percent-decoded path. */
  path: string
  query: URLSearchParams
  body: unknown
}

export interface ArmAnswer {
  status: number
  body?: unknown
}

const armError = (status: number, code: string, message: string): ArmAnswer => ({
  status,
  body: { error: { code, message } },
})

/** Whether a path belongs to this surface (for the ARM router). */
export const isManagedIdentityPath = (path: string) => PATH.test(path)

export function createManagedIdentityArm(deps: {
  identities: () => ManagedIdentity[]
  credentials: FederatedCredentialStore
  events: EventBus
}) {
  const identityView = (mi: ManagedIdentity) => ({
    id: mi.resourceId,
    name: mi.name,
    type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    location: mi.location,
    tags: {},
    properties: {
      tenantId: mi.tenantId,
      principalId: mi.principalId,
      clientId: mi.clientId,
      isolationScope: 'None',
    },
  })
  const ficView = (mi: ManagedIdentity, f: FederatedCredential) => ({
    id: `${mi.mirid}/federatedIdentityCredentials/${f.name}`,
    name: f.name,
    type: FIC_TYPE,
    properties: { issuer: f.issuer, subject: f.subject, audiences: f.audiences },
  })

  function problem(err: FicValidationError, mi: ManagedIdentity, name: string): ArmAnswer {
    const p = err.problem
    switch (p.kind) {
      case 'audience_count':
        return armError(400, 'BadRequest', 'Federated identity credentials must have exactly one audience.')
      case 'name_invalid':
      case 'immutable_name':
        return armError(400, 'BadRequest', `Federated Identity Credential name '${name}' is invalid.`)
      case 'duplicate_issuer_subject':
        return armError(
          400,
          'BadRequest',
          'Issuer and subject combination already exists for this Managed Identity.',
        )
      case 'limit':
        return armError(
          400,
          'BadRequest',
          `Too many Federated Identity Credentials are written to Managed Identity '${mi.resourceId}'. The maximum number allowed is 20.`,
        )
      case 'too_long':
        return armError(
          400,
          'BadRequest',
          `The '${p.field}' of the Federated Identity Credential exceeds the maximum length of 600 characters.`,
        )
      case 'missing':
      case 'type':
        return armError(
          400,
          'BadRequest',
          `The '${p.field}' of the Federated Identity Credential is missing or invalid.`,
        )
      case 'duplicate_name':
        return armError(400, 'BadRequest', `Federated Identity Credential name '${p.name}' already exists.`)
    }
  }

  function handle(req: ArmRequest): ArmAnswer {
    const m = PATH.exec(req.path)
    if (!m)
      return armError(
        404,
        'InvalidResourceType',
        "The resource type could not be found in the namespace 'Microsoft.ManagedIdentity'.",
      )
    const apiVersion = req.query.get('api-version')
    if (!apiVersion)
      return armError(
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.',
      )
    if (!MSI_API_VERSIONS.includes(apiVersion))
      return armError(
        400,
        'InvalidApiVersionParameter',
        `The api-version '${apiVersion}' is invalid. The supported versions are '${MSI_API_VERSIONS.join(',')}'.`,
      )
    const [, sub, rg, name, fic] = m
    const inGroup = deps
      .identities()
      .filter(
        (i) =>
          i.subscriptionId.toLowerCase() === sub!.toLowerCase() &&
          i.resourceGroup.toLowerCase() === rg!.toLowerCase(),
      )
    if (name === undefined) {
      if (req.method !== 'GET')
        return armError(
          405,
          'MethodNotAllowed',
          `The requested resource does not support http method '${req.method}'.`,
        )
      return { status: 200, body: { value: inGroup.map(identityView) } }
    }
    const mi = inGroup.find((i) => i.name.toLowerCase() === name.toLowerCase())
    const isFic = /\/federatedidentitycredentials/i.test(req.path)
    if (!mi)
      return isFic
        ? armError(404, 'ParentResourceNotFound', "The parent user-assigned identity doesn't exist.")
        : armError(
            404,
            'ResourceNotFound',
            `The Resource 'Microsoft.ManagedIdentity/userAssignedIdentities/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
          )
    if (!isFic) {
      if (req.method !== 'GET')
        return armError(
          405,
          'MethodNotAllowed',
          `The requested resource does not support http method '${req.method}'.`,
        )
      return { status: 200, body: identityView(mi) }
    }
    if (fic === undefined) {
      if (req.method !== 'GET')
        return armError(
          405,
          'MethodNotAllowed',
          `The requested resource does not support http method '${req.method}'.`,
        )
      return { status: 200, body: { value: deps.credentials.list(mi.clientId).map((f) => ficView(mi, f)) } }
    }
    if (req.method === 'GET') {
      const f = deps.credentials.get(mi.clientId, fic)
      return f
        ? { status: 200, body: ficView(mi, f) }
        : armError(404, 'NotFound', `Federated Identity Credential '${fic}' was not found.`)
    }
    if (req.method === 'DELETE') return { status: deps.credentials.remove(mi.clientId, fic) ? 200 : 204 }
    if (req.method !== 'PUT')
      return armError(
        405,
        'MethodNotAllowed',
        `The requested resource does not support http method '${req.method}'.`,
      )
    const body = req.body
    const props =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? (body as { properties?: unknown }).properties
        : undefined
    if (
      typeof props !== 'object' ||
      props === null ||
      Array.isArray(props) ||
      Object.keys(props).length === 0
    )
      return armError(400, 'BadRequest', `Federated Identity Credential '${fic}' has empty properties.`)
    try {
      const { fic: f, created } = deps.credentials.put(mi.clientId, fic, props)
      deps.events.emit('federated_credential.created', 'arm', {
        identity: mi.name,
        name: f.name,
        issuer: f.issuer,
        subject: f.subject,
      })
      return { status: created ? 201 : 200, body: ficView(mi, f) }
    } catch (err) {
      if (err instanceof FicValidationError) return problem(err, mi, fic)
      throw err
    }
  }
  return { handle }
}
