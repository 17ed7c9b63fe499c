/**
 * Request bodies of the Graph actions, validated as Graph's OData layer does: JSON only, no unknown
 * parameters, typed values, GUID ids, and the documented limits (20 ids for checkMemberGroups, 1,000
 * for getByIds).
 */
import { mediaTypeOf } from '../http/index.js'
import { isGuid } from '../kernel/ids.js'
import { BadRequest, RequestBadRequest } from './errors.js'

export const CHECK_MEMBER_LIMIT = 20
export const GET_BY_IDS_LIMIT = 1000
/** Types `directoryObjects/getByIds` accepts in `types` (lower case). */
const GET_BY_IDS_TYPES = new Set([
  'user',
  'group',
  'serviceprincipal',
  'device',
  'application',
  'orgcontact',
  'directoryrole',
  'directoryroletemplate',
  'administrativeunit',
  'contract',
])

const JSON_MIME = /^application\/(?:[\w.+-]+\+)?json$/i

/** Parses a JSON object body; Graph names the Content-Type when it cannot read one. */
export function readJsonObject(
  body: Buffer | undefined,
  contentType: string | undefined,
): Record<string, unknown> {
  if (!body || body.length === 0) throw new BadRequest('Empty Payload. JSON content expected.')
  const mime = mediaTypeOf(contentType)
  if (!JSON_MIME.test(mime)) throw BadRequest.unreadableJson()
  let value: unknown
  try {
    value = JSON.parse(body.toString('utf8'))
  } catch {
    throw BadRequest.unreadableJson()
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw BadRequest.unreadableJson()
  return value as Record<string, unknown>
}

function onlyParameters(body: Record<string, unknown>, operation: string, allowed: string[]): void {
  for (const k of Object.keys(body))
    if (!allowed.includes(k))
      throw new BadRequest(
        `The parameter '${k}' in the request payload is not a valid parameter for the operation '${operation}'.`,
      )
}

function required(body: Record<string, unknown>, operation: string, name: string): unknown {
  const v = body[name]
  if (v === undefined || v === null)
    throw new BadRequest(`The parameter '${name}' is required for the operation '${operation}'.`)
  return v
}

function literal(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v)
}

function stringArray(v: unknown, name: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw new BadRequest(`The parameter '${name}' must be an array of strings (Collection(Edm.String)).`)
  return v as string[]
}

function guidArray(v: unknown, name: string, limit: number): string[] {
  const ids = stringArray(v, name)
  if (ids.length > limit)
    throw new RequestBadRequest(
      `Too many identifiers in '${name}': ${ids.length} were given and the maximum is ${limit}.`,
    )
  const bad = ids.find((id) => !isGuid(id))
  if (bad !== undefined) throw RequestBadRequest.invalidId(bad)
  return ids.map((id) => id.toLowerCase())
}

/** getMemberGroups / getMemberObjects: `{"securityEnabledOnly": boolean}`. */
export function parseSecurityEnabledOnly(body: Record<string, unknown>, operation: string): boolean {
  onlyParameters(body, operation, ['securityEnabledOnly'])
  const v = required(body, operation, 'securityEnabledOnly')
  if (typeof v !== 'boolean')
    throw new BadRequest(`Cannot convert the literal '${literal(v)}' to the expected type 'Edm.Boolean'.`)
  return v
}

/** checkMemberGroups `{"groupIds": [...]}` / checkMemberObjects `{"ids": [...]}`, at most 20. */
export function parseCheckIds(body: Record<string, unknown>, operation: string): string[] {
  const name = operation === 'checkMemberGroups' ? 'groupIds' : 'ids'
  onlyParameters(body, operation, [name])
  return guidArray(required(body, operation, name), name, CHECK_MEMBER_LIMIT)
}

/** getByIds `{"ids": [... ≤ 1000], "types": [...]}`; `types` is lower-cased, undefined = all. */
export function parseGetByIds(body: Record<string, unknown>): {
  ids: string[]
  types: Set<string> | undefined
} {
  onlyParameters(body, 'getByIds', ['ids', 'types'])
  const ids = guidArray(required(body, 'getByIds', 'ids'), 'ids', GET_BY_IDS_LIMIT)
  if (body.types === undefined || body.types === null) return { ids, types: undefined }
  const types = stringArray(body.types, 'types').map((t) =>
    t.toLowerCase().replace(/^microsoft\.graph\./, ''),
  )
  const bad = types.find((t) => !GET_BY_IDS_TYPES.has(t))
  if (bad !== undefined) throw new RequestBadRequest(`Invalid type '${bad}' in 'types'.`)
  return { ids, types: new Set(types) }
}
