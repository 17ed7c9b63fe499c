/**
 * Checks the `podIdentity` section against the rest of the scenario and derives the runtime view:
 * which clusters get an issuer (with their settings), which identities sit on each node pool, and the
 * federated credentials to seed (on managed identities and on app registrations). Every problem is
 * reported at once, as the other sections do.
 */
import type { Directory } from '../kernel/directory.js'
import { stableGuid } from '../kernel/ids.js'
import type { WebhookLayout } from './constants.js'
import { FicValidationError, type FederatedCredentialInput } from './federated-credentials.js'
import { resolveManagedIdentities, type ManagedIdentity } from './managed-identities.js'
import {
  defaultFicAudiences,
  type FederatedCredentialSpec,
  type PodIdentityScenarioInput,
} from './scenario.js'

export interface ResolvedCluster {
  name: string
  location: string
  kubernetesVersion: string
  /** The issuer path's immutable random segment (stable per cluster). */
  issuerUuid: string
  oidcIssuerEnabled: boolean
  layout: WebhookLayout
  nodeIdentities: ManagedIdentity[]
  maxTokenExpirationSeconds: number | undefined
  keyRotationGraceSeconds: number
}

export interface ResolvedPodIdentity {
  clusters: ResolvedCluster[]
  identities: ManagedIdentity[]
  credentials: { ownerAppId: string; owner: string; input: FederatedCredentialInput }[]
  problems: string[]
}

const ISSUER_PLACEHOLDER = /\{oidcIssuer:([^}]+)\}/g

export function resolvePodIdentity(
  scenario: PodIdentityScenarioInput,
  directory: Directory,
): ResolvedPodIdentity {
  const section = scenario.podIdentity ?? {}
  const problems: string[] = []
  const identities = resolveManagedIdentities(scenario)
  const byName = new Map(identities.map((i) => [i.name.toLowerCase(), i]))
  const managed = scenario.azure?.managedClusters ?? []
  const clusterNames = managed.length ? managed.map((c) => c.name) : ['aks-cluster']
  const seen = new Set<string>()
  for (const [i, mi] of identities.entries()) {
    const k = `${mi.resourceGroup}/${mi.name}`.toLowerCase()
    if (seen.has(k))
      problems.push(
        `podIdentity.managedIdentities[${i}]: '${mi.name}' appears more than once in ${mi.resourceGroup}`,
      )
    seen.add(k)
    const app = directory.application(mi.clientId)
    if (app && app.name !== mi.name)
      problems.push(
        `podIdentity.managedIdentities[${i}]: clientId ${mi.clientId} is already the application '${app.name}'`,
      )
  }
  const specs = section.clusters ?? []
  for (const [i, c] of specs.entries())
    if (!clusterNames.includes(c.cluster))
      problems.push(`podIdentity.clusters[${i}]: no managed cluster '${c.cluster}'`)
  const clusters: ResolvedCluster[] = clusterNames.map((name) => {
    const spec = specs.find((c) => c.cluster === name)
    const mc = managed.find((c) => c.name === name)
    const nodeIdentities = (spec?.nodeIdentities ?? []).flatMap((n, j) => {
      const mi = byName.get(n.toLowerCase())
      if (!mi)
        problems.push(
          `podIdentity.clusters[${specs.indexOf(spec!)}].nodeIdentities[${j}]: no managed identity '${n}'`,
        )
      return mi ? [mi] : []
    })
    return {
      name,
      location: mc?.location ?? 'eastus',
      kubernetesVersion: mc?.kubernetesVersion ?? '1.32.4',
      issuerUuid: stableGuid(
        scenario.tenant.id.toLowerCase(),
        `oidc-issuer:${scenario.azure?.subscriptionId ?? ''}/${name}`,
      ),
      oidcIssuerEnabled: spec?.oidcIssuerEnabled ?? true,
      layout: spec?.webhookVersion ?? 'v1.5',
      nodeIdentities,
      maxTokenExpirationSeconds: spec?.maxTokenExpirationSeconds,
      keyRotationGraceSeconds: spec?.keyRotationGraceSeconds ?? 86_400,
    }
  })
  const credentials: ResolvedPodIdentity['credentials'] = []
  const addFics = (
    where: string,
    ownerAppId: string,
    owner: string,
    fics: FederatedCredentialSpec[] | undefined,
  ) => {
    for (const [j, f] of (fics ?? []).entries()) {
      for (const m of f.issuer.matchAll(ISSUER_PLACEHOLDER))
        if (!clusterNames.includes(m[1]!))
          problems.push(`${where}.federatedIdentityCredentials[${j}].issuer: no managed cluster '${m[1]}'`)
      credentials.push({
        ownerAppId,
        owner,
        input: {
          name: f.name,
          issuer: f.issuer,
          subject: f.subject,
          audiences: f.audiences ?? defaultFicAudiences(),
          description: f.description,
        },
      })
    }
  }
  for (const [i, spec] of (section.managedIdentities ?? []).entries())
    addFics(
      `podIdentity.managedIdentities[${i}]`,
      identities[i]!.clientId,
      spec.name,
      spec.federatedIdentityCredentials,
    )
  for (const [i, a] of (section.applications ?? []).entries())
    addFics(`podIdentity.applications[${i}]`, a.appId.toLowerCase(), a.name, a.federatedIdentityCredentials)
  return { clusters, identities, credentials, problems }
}

/** Expands `{oidcIssuer:<cluster>}` to the cluster's issuer URL without its trailing slash. */
export function issuerExpander(issuerOf: (cluster: string) => string | undefined) {
  return (issuer: string) =>
    issuer.replace(ISSUER_PLACEHOLDER, (whole, name: string) => issuerOf(name)?.replace(/\/$/, '') ?? whole)
}

/** A scenario credential's problem, in the scenario's words. */
export function describeFicProblem(err: unknown): string {
  if (!(err instanceof FicValidationError)) return String(err)
  const p = err.problem
  switch (p.kind) {
    case 'missing':
      return `'${p.field}' is required`
    case 'type':
      return `'${p.field}' has the wrong type`
    case 'name_invalid':
      return `name '${p.name}' must be 3–120 letters, digits, '-' or '_', starting with a letter or digit`
    case 'too_long':
      return `'${p.field}' is longer than 600 characters`
    case 'audience_count':
      return `exactly one audience is allowed (got ${p.count})`
    case 'duplicate_name':
      return `name '${p.name}' is used twice on the same identity`
    case 'duplicate_issuer_subject':
      return 'issuer and subject combination appears twice on the same identity'
    case 'limit':
      return 'more than 20 federated identity credentials on one identity'
    case 'immutable_name':
      return 'the name cannot change'
  }
}
