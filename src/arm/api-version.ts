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

export type ArmResourceType = 'managedClusters' | 'roleAssignments' | 'roleDefinitions'

/** First api-version of each type, and the versions the error messages list (newest first). */
const VERSIONS: Record<ArmResourceType, { first: string; listed: string[] }> = {
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
  const raw = query['api-version']
  if (raw === undefined || raw === '') throw new MissingApiVersionParameter()
  const { first, listed } = VERSIONS[type]
  // A repeated parameter is one ARM cannot pick from.
  if (typeof raw !== 'string') throw new InvalidApiVersionParameter(JSON.stringify(raw), listed)
  const m = SHAPE.exec(raw)
  if (!m || !isDate(m[1]!, m[2]!, m[3]!)) throw new InvalidApiVersionParameter(raw, listed)
  if (raw.slice(0, 10) < first) throw new NoRegisteredProviderFound(raw, type, location, listed)
  return raw
}
