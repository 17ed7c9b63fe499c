/**
 * The `api-version` query parameter, which ARM requires on every request. Resource providers publish
 * dated versions (`2024-09-01`, `2025-01-02-preview`); the simulator serves one shape per resource type,
 * so it accepts any well-formed version from the type's first one onwards and refuses the rest as ARM
 * does (docs/arm.md).
 */
import {
  InvalidApiVersionParameter,
  MissingApiVersionParameter,
  NoRegisteredProviderFound,
} from './errors.js'

export type ArmResourceType =
  | 'managedClusters'
  | 'roleAssignments'
  | 'roleDefinitions'
  | 'userAssignedIdentities'
  | 'federatedIdentityCredentials'
  | 'registries'
  | 'registryScopeMaps'
  | 'registryTokens'

// Microsoft.ManagedIdentity's published versions (azure-rest-api-specs specification/msi), newest first.
const MSI_LISTED = [
  '2025-05-31-preview',
  '2025-01-31-preview',
  '2024-11-30',
  '2023-07-31-preview',
  '2023-01-31',
  '2022-01-31-preview',
  '2021-09-30-preview',
  '2018-11-30',
  '2015-08-31-preview',
]

// Microsoft.ContainerRegistry's published versions (azure-rest-api-specs specification/containerregistry),
// newest first; the Azure CLI 2.45 sends 2022-02-01-preview for scope maps and tokens.
const ACR_LISTED = [
  '2025-04-01',
  '2023-07-01',
  '2023-01-01-preview',
  '2022-12-01',
  '2022-02-01-preview',
  '2021-09-01',
  '2019-05-01',
]
// Scope maps and tokens arrived with 2019-05-01-preview.
const ACR_TOKENS_LISTED = ['2025-04-01', '2023-07-01', '2023-01-01-preview', '2022-02-01-preview']

/**
 * First api-version of each type, the versions the error messages list (newest first), and the type's
 * name in NoRegisteredProviderFound when it is not the key (child types are named with their parent).
 */
const VERSIONS: Record<ArmResourceType, { first: string; listed: string[]; name?: string }> = {
  managedClusters: {
    first: '2017-08-31',
    listed: [
      '2025-05-01',
      '2025-01-01',
      '2024-09-01',
      '2024-05-01',
      '2023-10-01',
      '2023-05-01',
      '2022-09-01',
    ],
  },
  roleAssignments: {
    first: '2015-07-01',
    listed: ['2022-04-01', '2022-01-01-preview', '2020-10-01-preview', '2020-04-01-preview', '2015-07-01'],
  },
  roleDefinitions: {
    first: '2015-07-01',
    listed: ['2022-04-01', '2022-05-01-preview', '2018-01-01-preview', '2015-07-01'],
  },
  userAssignedIdentities: { first: '2015-08-31', listed: MSI_LISTED },
  // Federated identity credentials arrived with 2022-01-31-preview.
  federatedIdentityCredentials: {
    first: '2022-01-31',
    listed: MSI_LISTED.filter((v) => v >= '2022-01-31'),
    name: 'userAssignedIdentities/federatedIdentityCredentials',
  },
  registries: { first: '2017-10-01', listed: ACR_LISTED },
  registryScopeMaps: { first: '2019-05-01', listed: ACR_TOKENS_LISTED, name: 'registries/scopeMaps' },
  registryTokens: { first: '2019-05-01', listed: ACR_TOKENS_LISTED, name: 'registries/tokens' },
}

const SHAPE = /^(\d{4})-(\d{2})-(\d{2})(-preview|-beta|-alpha)?$/

function isDate(y: string, m: string, d: string): boolean {
  const t = new Date(`${y}-${m}-${d}T00:00:00Z`)
  return !Number.isNaN(t.getTime()) && t.toISOString().startsWith(`${y}-${m}-${d}`)
}

export function requireApiVersion(
  query: Record<string, unknown>,
  type: ArmResourceType,
  location = 'global',
): string {
  return requirePublishedApiVersion(query, { name: type, ...VERSIONS[type] }, location)
}

/** The versions a resource type publishes (newest first), as its provider lists them. */
export const publishedApiVersions = (type: ArmResourceType): string[] => [...VERSIONS[type].listed]

/** A type's versions: the first accepted, the ones listed (newest first), its name in errors. */
export interface PublishedVersions {
  first: string
  listed: string[]
  name: string
}

/** `requireApiVersion` for a type declared elsewhere (Microsoft.Resources' own types). */
export function requirePublishedApiVersion(
  query: Record<string, unknown>,
  versions: PublishedVersions,
  location = 'global',
): string {
  const raw = query['api-version']
  if (raw === undefined || raw === '') throw new MissingApiVersionParameter()
  const { first, listed, name } = versions
  // A repeated parameter is one ARM cannot pick from.
  if (typeof raw !== 'string') throw new InvalidApiVersionParameter(JSON.stringify(raw), listed)
  const m = SHAPE.exec(raw)
  if (!m || !isDate(m[1]!, m[2]!, m[3]!)) throw new InvalidApiVersionParameter(raw, listed)
  if (raw.slice(0, 10) < first) throw new NoRegisteredProviderFound(raw, name, location, listed)
  return raw
}
