/**
 * Request bodies of the review kinds → a version-neutral review, or a typed error with the Status the
 * API server would answer: 400 BadRequest for anything that is not a decodable object of the right
 * kind and version (wording of apiserver `handlers/create.go` transformDecodeError and the JSON
 * serializer), 422 Invalid for validation failures (validate.ts), 413 for oversized raw bodies. Never
 * throws anything else, whatever the input.
 */
import { BadRequest, Invalid, RequestEntityTooLarge } from '../errors.js'
import { decodeObject, GoDecodeError } from './decode.js'
import { reviewShape } from './shapes.js'
import {
  AUTHORIZATION_GROUP,
  REVIEW_KINDS,
  REVIEW_VERSIONS,
  type ReviewKind,
  type ReviewObjectMeta,
  type ReviewVersion,
  type SelfSubjectRulesReviewSpec,
  type SubjectAccessReviewSpec,
  type SubjectAccessReviewSpecV1beta1,
} from './types.js'
import {
  localReviewErrors,
  metadataErrors,
  selfSubjectAccessReviewSpecErrors,
  subjectAccessReviewSpecErrors,
} from './validate.js'

/** kube-apiserver's request body limit (`--max-request-bytes` default, 3 MiB). */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024

export interface ParseOptions {
  /** The kind the endpoint serves. */
  kind: ReviewKind
  /**
   * Set on the API server's endpoints: the version and namespace named by the request URL. They fill
   * a missing kind/apiVersion and the object's namespace, as the generic create handler does. The
   * webhook has no URL defaults: its body must name its own kind and apiVersion.
   */
  url?: { version: ReviewVersion; namespace?: string }
}

interface ParsedBase {
  version: ReviewVersion
  metadata: ReviewObjectMeta
  /** Strict-decoding warnings (`unknown field "spec.foo"`), for a `Warning` header. */
  warnings: string[]
}
export interface ParsedAccessReview extends ParsedBase {
  kind: 'SubjectAccessReview' | 'LocalSubjectAccessReview' | 'SelfSubjectAccessReview'
  /** Always with v1 field names (`groups`), whatever version the body used. */
  spec: SubjectAccessReviewSpec
}
export interface ParsedRulesReview extends ParsedBase {
  kind: 'SelfSubjectRulesReview'
  spec: SelfSubjectRulesReviewSpec
}
export type ParsedReview = ParsedAccessReview | ParsedRulesReview

const SCHEME = 'pkg/api/legacyscheme/scheme.go:30'
const TYPE_META_STRUCT =
  'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }'

/** handlers.summarizeData: objects as text, anything else hex, both cut at 30 bytes. */
function summarize(text: string): string {
  const bytes = Buffer.from(text, 'utf8')
  if (bytes.length === 0) return '<empty>'
  const cut = bytes.subarray(0, 30)
  const shown = text.startsWith('{') ? cut.toString('utf8') : cut.toString('hex')
  return bytes.length > 30 ? `${shown} ...` : shown
}

const unrecognized = (kind: ReviewKind, reason: string, text: string) =>
  new BadRequest(
    `the object provided is unrecognized (must be of type ${kind}): ${reason} (${summarize(text)})`,
  )

const cannotHandle = (gotKind: string, version: string, kind: ReviewKind, reason: string) =>
  new BadRequest(`${gotKind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: ${reason}`)

function jsonTypeOf(v: unknown): string {
  if (Array.isArray(v)) return 'array'
  return typeof v === 'boolean' ? 'bool' : typeof v
}

function serialize(value: unknown): string {
  try {
    return JSON.stringify(value) ?? ''
  } catch {
    return ''
  }
}

/** Reads apiVersion/kind like meta.Interpret + gvkWithDefaults, then checks them against the endpoint. */
function typeMeta(
  body: unknown,
  text: string,
  opts: ParseOptions,
): { version: ReviewVersion; object: object } {
  const { kind } = opts
  if (body === null) body = {}
  if (typeof body !== 'object' || Array.isArray(body)) {
    const err = `json: cannot unmarshal ${jsonTypeOf(body)} into Go value of type ${TYPE_META_STRUCT}`
    throw unrecognized(kind, `couldn't get version/kind; json parse error: ${err}`, text)
  }
  const raw = body as Record<string, unknown>
  for (const key of ['apiVersion', 'kind'] as const) {
    const v = raw[key]
    if (v !== undefined && v !== null && typeof v !== 'string') {
      const err = `json: cannot unmarshal ${jsonTypeOf(v)} into Go struct field .${key} of type string`
      throw unrecognized(kind, `couldn't get version/kind; json parse error: ${err}`, text)
    }
  }
  const apiVersion = typeof raw.apiVersion === 'string' ? raw.apiVersion : ''
  const slash = apiVersion.indexOf('/')
  let group = slash >= 0 ? apiVersion.slice(0, slash) : ''
  let version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion
  let gotKind = typeof raw.kind === 'string' ? raw.kind : ''
  if (opts.url) {
    if (!gotKind) gotKind = kind
    if (!version && (!group || group === AUTHORIZATION_GROUP))
      [group, version] = [AUTHORIZATION_GROUP, opts.url.version]
  }
  if (!gotKind) throw unrecognized(kind, `Object 'Kind' is missing in '${text}'`, text)
  if (!version) throw cannotHandle(gotKind, '', kind, `Object 'apiVersion' is missing in '${text}'`)
  const gv = group ? `${group}/${version}` : version
  const registered =
    group === AUTHORIZATION_GROUP &&
    (REVIEW_VERSIONS as readonly string[]).includes(version) &&
    (REVIEW_KINDS as readonly string[]).includes(gotKind)
  if (!registered)
    throw cannotHandle(
      gotKind,
      version,
      kind,
      `no kind ${JSON.stringify(gotKind)} is registered for version ${JSON.stringify(gv)} in scheme ${JSON.stringify(SCHEME)}`,
    )
  if (gotKind !== kind)
    throw cannotHandle(
      gotKind,
      version,
      kind,
      `converting (${version}.${gotKind}) to (authorization.${kind}): unknown conversion`,
    )
  if (opts.url && version !== opts.url.version)
    throw new BadRequest(
      `the API version in the data (${gv}) does not match the expected API version (${AUTHORIZATION_GROUP}/${opts.url.version})`,
    )
  return { version: version as ReviewVersion, object: raw }
}

/** Decodes and validates a parsed JSON body. Throws BadRequest or Invalid, nothing else. */
export function parseReview(body: unknown, opts: ParseOptions, text = serialize(body)): ParsedReview {
  const { version, object } = typeMeta(body, text, opts)
  const warnings: string[] = []
  let decoded: Record<string, unknown>
  try {
    decoded = decodeObject(object, reviewShape(opts.kind, version), version, warnings)
  } catch (err) {
    if (!(err instanceof GoDecodeError)) throw err
    throw cannotHandle(opts.kind, version, opts.kind, err.message)
  }
  const metadata = (decoded.metadata ?? {}) as ReviewObjectMeta
  applyRequestNamespace(metadata, opts)
  if (opts.kind === 'SelfSubjectRulesReview') {
    const spec = (decoded.spec ?? {}) as SelfSubjectRulesReviewSpec
    // selfsubjectrulesreview REST: the namespace is required (checked after decoding, before rules).
    if (!spec.namespace) throw new BadRequest('no namespace on request')
    return { kind: opts.kind, version, metadata, spec, warnings }
  }
  const spec = normaliseSpec(decoded.spec ?? {}, version)
  const errors =
    opts.kind === 'SelfSubjectAccessReview'
      ? [...selfSubjectAccessReviewSpecErrors(spec), ...metadataErrors(metadata)]
      : opts.kind === 'LocalSubjectAccessReview'
        ? [...subjectAccessReviewSpecErrors(spec), ...localReviewErrors(metadata, spec)]
        : [...subjectAccessReviewSpecErrors(spec), ...metadataErrors(metadata)]
  // The REST handlers build the GroupKind from the decoded internal object, whose kind is empty.
  if (errors.length > 0) throw new Invalid({ group: AUTHORIZATION_GROUP, kind: '' }, '', errors)
  if (opts.kind === 'LocalSubjectAccessReview' && opts.url) {
    const ns = opts.url.namespace ?? ''
    if (!ns) throw new BadRequest('namespace is required on this type: ')
    if (ns !== (metadata.namespace ?? ''))
      throw new BadRequest(`spec.resourceAttributes.namespace must match namespace: ${ns}`)
  }
  return { kind: opts.kind, version, metadata, spec, warnings }
}

/** rest.EnsureObjectNamespaceMatchesRequestNamespace, on the API server's endpoints only. */
function applyRequestNamespace(metadata: ReviewObjectMeta, opts: ParseOptions): void {
  if (!opts.url) return
  const expected = opts.kind === 'LocalSubjectAccessReview' ? (opts.url.namespace ?? '') : ''
  const actual = metadata.namespace ?? ''
  if (actual === expected) return
  if (!actual) metadata.namespace = expected
  else if (!expected) delete metadata.namespace
  else
    throw new BadRequest(
      'the namespace of the provided object does not match the namespace sent on the request',
    )
}

function normaliseSpec(
  spec: SubjectAccessReviewSpecV1beta1 & SubjectAccessReviewSpec,
  version: ReviewVersion,
): SubjectAccessReviewSpec {
  if (version === 'v1') return spec
  const { group, ...rest } = spec
  return { ...rest, ...(group && { groups: group }) }
}

/** The webhook's entry point: a SubjectAccessReview in v1 or v1beta1, kind and apiVersion required. */
export function parseSubjectAccessReview(body: unknown): ParsedAccessReview {
  return parseReview(body, { kind: 'SubjectAccessReview' }) as ParsedAccessReview
}

/**
 * Raw request bytes → review: enforces the 3 MiB limit (413) and turns unparsable JSON into the API
 * server's 400. The JSON error text is JavaScript's, mapped onto Go's two commonest wordings.
 */
export function decodeReviewBody(raw: string | Uint8Array, opts: ParseOptions): ParsedReview {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.byteLength
  if (size > MAX_REQUEST_BODY_BYTES) throw new RequestEntityTooLarge(MAX_REQUEST_BODY_BYTES)
  const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8')
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw unrecognized(opts.kind, `couldn't get version/kind; json parse error: ${goJsonError(text)}`, text)
  }
  return parseReview(body, opts, text)
}

function goJsonError(text: string): string {
  const trimmed = text.trimStart()
  if (trimmed.length === 0) return 'unexpected end of JSON input'
  const first = trimmed[0]!
  if (!'{["-0123456789tfn'.includes(first))
    return `invalid character '${first}' looking for beginning of value`
  return 'unexpected end of JSON input'
}

/** The webhook's raw-body entry point: decodeReviewBody for a SubjectAccessReview (v1 or v1beta1). */
export function decodeSubjectAccessReviewBody(raw: string | Uint8Array): ParsedAccessReview {
  return decodeReviewBody(raw, { kind: 'SubjectAccessReview' }) as ParsedAccessReview
}
