/**
 * The TokenRequest subresource, `POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token`, as
 * kube-apiserver's serviceaccount token storage implements it (k8s storage/token.go): JSON, YAML or
 * protobuf bodies, the defaults (3600 s, the API audiences), the validation messages (< 10 minutes,
 * > 2^32 s, name/namespace mismatches), bound-object checks for Pod / Secret / Node (400 / 404 / 409),
 * shortening to the maximum expiration with a warning, and the 201 response shape.
 */
import { parse as parseYaml } from 'yaml'
import { mediaTypeOf } from '../http/index.js'
import type { Clock } from '../kernel/clock.js'
import type { ClusterKind, ClusterObjects, K8sObject } from './cluster-objects.js'
import type { ServiceAccountIssuer } from './issuer.js'
import {
  BadRequest,
  Conflict,
  Invalid,
  NotFound,
  UnsupportedMediaType,
  invalid,
  rfc3339,
} from '../kube/index.js'
import { serviceAccountClaims, type Ref } from './sa-token.js'
import { decodeTokenRequestProto, ProtoError } from './token-request-proto.js'

export const TOKEN_REQUEST_API_VERSION = 'authentication.k8s.io/v1'
const GROUP = 'authentication.k8s.io'
const DEFAULT_EXPIRATION = 3600
const MIN_EXPIRATION = 600
const MAX_EXPIRATION = 2 ** 32

export interface TokenRequestDeps {
  issuer: ServiceAccountIssuer
  objects: ClusterObjects
  clock: Clock
  /** kube-apiserver `--api-audiences`: the default audiences. */
  apiAudiences: string[]
  /** `--service-account-max-token-expiration`, seconds; longer requests are shortened. */
  maxExpirationSeconds?: number
}

export interface BoundObjectRef {
  kind?: string
  apiVersion?: string
  name?: string
  uid?: string
}

export interface TokenRequestSpec {
  audiences?: string[]
  expirationSeconds?: number
  boundObjectRef?: BoundObjectRef
}

export interface TokenRequestInput {
  namespace: string
  /** The service account (the URL's name). */
  name: string
  /** Request Content-Type; ignored when `body` is already an object. */
  contentType?: string
  body: Buffer | Record<string, unknown>
}

export interface TokenRequestResult {
  status: 201
  body: Record<string, unknown>
  /** `Warning: 299` texts. */
  warnings: string[]
  /** The token's claims (for events and the kubelet simulation). */
  claims: Record<string, unknown>
}

/** A JSON value as Go's decoder would print it back. */
const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v))
const cannot = 'TokenRequest in version "v1" cannot be handled as a TokenRequest'
const jsonTypeOf = (v: unknown) =>
  Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'boolean' ? 'bool' : typeof v

function unmarshalError(field: string, v: unknown, goType: string): BadRequest {
  return new BadRequest(
    `${cannot}: json: cannot unmarshal ${jsonTypeOf(v)} into Go struct field ${field} of type ${goType}`,
  )
}

function decode(input: TokenRequestInput): Record<string, unknown> {
  if (!Buffer.isBuffer(input.body)) return input.body
  const type = mediaTypeOf(input.contentType)
  let value: unknown
  if (type === 'application/vnd.kubernetes.protobuf') {
    try {
      const d = decodeTokenRequestProto(input.body)
      if (d.typeMeta.kind && d.typeMeta.kind !== 'TokenRequest')
        throw new BadRequest(
          `${d.typeMeta.kind} in version "v1" cannot be handled as a TokenRequest: the kind in the data (${d.typeMeta.kind}) does not match the expected kind (TokenRequest)`,
        )
      value = d.value
    } catch (err) {
      if (err instanceof ProtoError) throw new BadRequest(`${cannot}: ${err.message}`)
      throw err
    }
  } else if (type === 'application/json' || type === '') {
    try {
      value = JSON.parse(input.body.toString('utf8'))
    } catch (err) {
      throw new BadRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`)
    }
  } else if (type === 'application/yaml') {
    try {
      value = parseYaml(input.body.toString('utf8'), { maxAliasCount: 100 })
    } catch (err) {
      throw new BadRequest(`error converting YAML to JSON: ${(err as Error).message}`)
    }
  } else
    throw new UnsupportedMediaType([
      'application/json',
      'application/yaml',
      'application/vnd.kubernetes.protobuf',
    ])
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BadRequest(
      `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonTypeOf(value)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
    )
  return value as Record<string, unknown>
}

interface Parsed {
  name: string
  namespace: string
  spec: TokenRequestSpec
}

function parse(obj: Record<string, unknown>): Parsed {
  if (obj.apiVersion !== undefined && obj.apiVersion !== TOKEN_REQUEST_API_VERSION)
    throw new BadRequest(
      `the API version in the data (${text(obj.apiVersion)}) does not match the expected API version (${TOKEN_REQUEST_API_VERSION})`,
    )
  if (obj.kind !== undefined && obj.kind !== 'TokenRequest')
    throw new BadRequest(
      `${text(obj.kind)} in version "v1" cannot be handled as a TokenRequest: the kind in the data (${text(obj.kind)}) does not match the expected kind (TokenRequest)`,
    )
  const meta = obj.metadata ?? {}
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
    throw unmarshalError('TokenRequest.metadata', meta, 'v1.ObjectMeta')
  const m = meta as Record<string, unknown>
  for (const k of ['name', 'namespace'])
    if (m[k] !== undefined && typeof m[k] !== 'string')
      throw unmarshalError(`TokenRequest.metadata.${k}`, m[k], 'string')
  const rawSpec = obj.spec ?? {}
  if (typeof rawSpec !== 'object' || rawSpec === null || Array.isArray(rawSpec))
    throw unmarshalError('TokenRequest.spec', rawSpec, 'v1.TokenRequestSpec')
  const s = rawSpec as Record<string, unknown>
  const spec: TokenRequestSpec = {}
  if (s.audiences !== undefined && s.audiences !== null) {
    if (!Array.isArray(s.audiences))
      throw unmarshalError('TokenRequestSpec.spec.audiences', s.audiences, '[]string')
    const bad = (s.audiences as unknown[]).find((a) => typeof a !== 'string')
    if (bad !== undefined) throw unmarshalError('TokenRequestSpec.spec.audiences', bad, 'string')
    spec.audiences = s.audiences as string[]
  }
  if (s.expirationSeconds !== undefined && s.expirationSeconds !== null) {
    const e = s.expirationSeconds
    if (typeof e !== 'number') throw unmarshalError('TokenRequestSpec.spec.expirationSeconds', e, 'int64')
    if (!Number.isSafeInteger(e))
      throw new BadRequest(
        `${cannot}: json: cannot unmarshal number ${String(e)} into Go struct field TokenRequestSpec.spec.expirationSeconds of type int64`,
      )
    spec.expirationSeconds = e
  }
  if (s.boundObjectRef !== undefined && s.boundObjectRef !== null) {
    const r = s.boundObjectRef
    if (typeof r !== 'object' || Array.isArray(r))
      throw unmarshalError('TokenRequestSpec.spec.boundObjectRef', r, 'v1.BoundObjectReference')
    const ref = r as Record<string, unknown>
    for (const k of ['kind', 'apiVersion', 'name', 'uid'])
      if (ref[k] !== undefined && typeof ref[k] !== 'string')
        throw unmarshalError(`BoundObjectReference.spec.boundObjectRef.${k}`, ref[k], 'string')
    spec.boundObjectRef = ref
  }
  return {
    name: (m.name as string | undefined) ?? '',
    namespace: (m.namespace as string | undefined) ?? '',
    spec,
  }
}

const refOf = (o: K8sObject): Ref => ({ name: o.metadata.name ?? '', uid: o.metadata.uid ?? '' })

interface Bound {
  pod?: Ref
  secret?: Ref
  node?: Ref
}

function bindTo(deps: TokenRequestDeps, namespace: string, sa: string, ref: BoundObjectRef): Bound {
  const apiVersion = ref.apiVersion ?? ''
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion]
  const kind = ref.kind ?? ''
  const name = ref.name ?? ''
  const lookup = (k: ClusterKind, resource: string, ns: string) => {
    const o = deps.objects.get(k, ns, name)
    if (!o) throw new NotFound({ group: '', resource: resource }, name)
    return o
  }
  let bound: Bound
  let uid: string
  if (group === '' && kind === 'Pod') {
    const pod = lookup('Pod', 'pods', namespace)
    const spec = (pod.spec ?? {}) as { serviceAccountName?: string; nodeName?: string }
    if ((spec.serviceAccountName || 'default') !== sa)
      throw new BadRequest(
        `cannot bind token for serviceaccount "${sa}" to pod running with different serviceaccount name.`,
      )
    uid = pod.metadata.uid ?? ''
    // A pod on a node that no longer exists still gets a token, without the node claim.
    const node = spec.nodeName ? deps.objects.get('Node', '', spec.nodeName) : undefined
    bound = { pod: refOf(pod), ...(node && { node: refOf(node) }) }
  } else if (group === '' && kind === 'Secret') {
    const secret = lookup('Secret', 'secrets', namespace)
    uid = secret.metadata.uid ?? ''
    bound = { secret: refOf(secret) }
  } else if (group === '' && kind === 'Node') {
    const node = lookup('Node', 'nodes', '')
    uid = node.metadata.uid ?? ''
    bound = { node: refOf(node) }
  } else throw new BadRequest(`cannot bind token to object of type ${group}/${version}, Kind=${kind}`)
  if (ref.uid && ref.uid !== uid)
    throw new Conflict(
      { group: '', resource: kind },
      name,
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
    )
  return bound
}

export async function createToken(
  deps: TokenRequestDeps,
  input: TokenRequestInput,
): Promise<TokenRequestResult> {
  const req = parse(decode(input))
  const { namespace, name } = input
  if (req.name && req.name !== name)
    throw new Invalid({ group: GROUP, kind: 'TokenRequest' }, name, [
      invalid('metadata.name', req.name, 'must match the service account name if specified'),
    ])
  if (req.namespace && req.namespace !== namespace)
    throw new Invalid({ group: GROUP, kind: 'TokenRequest' }, name, [
      invalid('metadata.namespace', req.namespace, 'must match the service account namespace if specified'),
    ])
  const sa = deps.objects.get('ServiceAccount', namespace, name)
  if (!sa) throw new NotFound({ group: '', resource: 'serviceaccounts' }, name)
  const audiences = req.spec.audiences?.length ? req.spec.audiences : deps.apiAudiences
  let expirationSeconds = req.spec.expirationSeconds ?? DEFAULT_EXPIRATION
  const field = (why: string) => invalid('spec.expirationSeconds', expirationSeconds, why)
  if (expirationSeconds < MIN_EXPIRATION)
    throw new Invalid({ group: GROUP, kind: 'TokenRequest' }, '', [
      field('may not specify a duration less than 10 minutes'),
    ])
  if (expirationSeconds > MAX_EXPIRATION)
    throw new Invalid({ group: GROUP, kind: 'TokenRequest' }, '', [
      field('may not specify a duration larger than 2^32 seconds'),
    ])
  const bound = req.spec.boundObjectRef ? bindTo(deps, namespace, name, req.spec.boundObjectRef) : {}
  const warnings: string[] = []
  const max = deps.maxExpirationSeconds
  if (max !== undefined && max > 0 && expirationSeconds > max) {
    warnings.push(`requested expiration of ${expirationSeconds} seconds shortened to ${max} seconds`)
    expirationSeconds = max
  }
  // The time is taken before the token is built, so status.expirationTimestamp ≤ the token's exp.
  const nowMs = deps.clock.now()
  const now = Math.floor(nowMs / 1000)
  const claims = serviceAccountClaims({
    issuer: deps.issuer.issuer(),
    audiences,
    namespace,
    serviceAccount: refOf(sa),
    ...bound,
    now,
    expirationSeconds,
  })
  const token = await deps.issuer.sign(claims)
  return {
    status: 201,
    warnings,
    claims,
    body: {
      kind: 'TokenRequest',
      apiVersion: TOKEN_REQUEST_API_VERSION,
      metadata: { name, namespace, creationTimestamp: rfc3339(nowMs) },
      spec: {
        audiences,
        expirationSeconds,
        ...(req.spec.boundObjectRef && { boundObjectRef: req.spec.boundObjectRef }),
      },
      status: { token, expirationTimestamp: rfc3339(nowMs + expirationSeconds * 1000) },
    },
  }
}
