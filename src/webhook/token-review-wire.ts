/**
 * TokenReview on the wire (authentication.k8s.io v1 and v1beta1, identical JSON): parsing the API
 * server's request and rendering the answer in the version it asked for.
 */
import type { UserInfo } from '../kube/index.js'
import { BadReview } from './errors.js'

export type TokenReviewVersion = 'authentication.k8s.io/v1' | 'authentication.k8s.io/v1beta1'

export interface TokenReviewRequest {
  apiVersion: TokenReviewVersion
  token: string
  audiences: string[] | undefined
}

export interface TokenReviewStatus {
  authenticated?: boolean
  user?: UserInfo | Record<string, never>
  audiences?: string[]
  error?: string
}

const VERSIONS = new Set<string>(['authentication.k8s.io/v1', 'authentication.k8s.io/v1beta1'])

export function parseTokenReview(body: unknown): TokenReviewRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadReview('Failed to parse request: the body is not a JSON object')
  const b = body as Record<string, unknown>
  if (b.kind !== 'TokenReview')
    throw new BadReview(
      `Failed to parse request: kind must be TokenReview (got ${JSON.stringify(b.kind ?? null)})`,
    )
  if (typeof b.apiVersion !== 'string' || !VERSIONS.has(b.apiVersion))
    throw new BadReview(
      `Failed to parse request: unsupported apiVersion ${JSON.stringify(b.apiVersion ?? null)}; use authentication.k8s.io/v1 or v1beta1`,
    )
  const spec = b.spec
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    throw new BadReview('Failed to parse request: spec is required')
  const s = spec as Record<string, unknown>
  if (typeof s.token !== 'string') throw new BadReview('Failed to parse request: spec.token must be a string')
  let audiences: string[] | undefined
  if (s.audiences !== undefined && s.audiences !== null) {
    if (!Array.isArray(s.audiences) || !s.audiences.every((a) => typeof a === 'string'))
      throw new BadReview('Failed to parse request: spec.audiences must be a list of strings')
    audiences = s.audiences
  }
  return { apiVersion: b.apiVersion as TokenReviewVersion, token: s.token, audiences }
}

/**
 * The answer carries the request's spec with the token left empty: the OpenAPI schema requires
 * `spec.token` (guard's `spec: {}` fails it), and there is no reason to send a bearer credential back.
 */
export function renderTokenReview(
  apiVersion: TokenReviewVersion,
  request: TokenReviewRequest | undefined,
  status: TokenReviewStatus,
): string {
  const spec = { token: '', ...(request?.audiences && { audiences: request.audiences }) }
  return JSON.stringify({ kind: 'TokenReview', apiVersion, metadata: {}, spec, status })
}
