/**
 * The token endpoint over HTTP, shared by the express route and a node:http fast path in front of
 * express. Token issuance is the hot path (every sign-in, every refresh), and express's routing, `res`
 * helpers and middleware chain cost about as much main-thread time as the rest of the request; the
 * webhook takes the same approach. The fast path takes only `POST /{tenant}/oauth2/v2.0/token` and
 * `POST /{tenant}/oauth2/token` in their plainest spelling; every other request, including the odd
 * spellings express also routes there (other letter case, a trailing slash, percent-encoded tenant),
 * goes to express. Both run the same steps in the same order — request log, form body, tenant, fault,
 * `handleTokenRequest`, then the one writer and the one error renderer — so they answer byte for byte
 * alike (test/entra/fast-path.test.ts compares them).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { logRequest, readFormBody, type RequestRecord } from '../http/index.js'
import { newGuid } from '../kernel/ids.js'
import type { EntraDeps } from './deps.js'
import { TenantNotFound } from './errors.js'
import { applyEntraFault } from './faults.js'
import type { GrantHandler } from './grants/types.js'
import { clientRequestIdOfUrl, sendEntraAnswer, sendEntraError, type EntraErrorDeps } from './render-error.js'
import {
  handleTokenRequest,
  readForm,
  toV1TokenBody,
  toV2TokenBody,
  type ClientAuthenticator,
} from './token-endpoint.js'

const GENERIC_TENANTS = new Set(['common', 'organizations'])

/** The tenant path segment: this tenant's GUID or domain, or `common` / `organizations`. */
export function resolveTenant(segment: string, deps: EntraDeps): { generic: boolean; segment: string } {
  if (GENERIC_TENANTS.has(segment.toLowerCase())) return { generic: true, segment: segment.toLowerCase() }
  if (!deps.directory.isTenant(segment)) throw new TenantNotFound(segment)
  return { generic: false, segment }
}

export interface TokenRouteDeps {
  deps: EntraDeps
  grants: Map<string, GrantHandler>
  assertionAuthenticator: ClientAuthenticator | undefined
}

/** The success body for a token request whose form has been read; throws EntraErrors. */
export async function answerTokenRequest(
  r: TokenRouteDeps,
  req: { protocol: 'v1' | 'v2'; tenant: string; body: unknown; authorization: string | undefined },
): Promise<Record<string, unknown>> {
  resolveTenant(req.tenant, r.deps)
  await applyEntraFault(r.deps.faults, 'entra.token')
  const tokens = await handleTokenRequest(
    { protocol: req.protocol, params: readForm(req.body), authorization: req.authorization },
    r.deps,
    r.grants,
    r.assertionAuthenticator,
  )
  return req.protocol === 'v2' ? toV2TokenBody(tokens) : toV1TokenBody(tokens)
}

/**
 * The URLs the fast path takes: a plain tenant segment (nothing to percent-decode), lower case, no
 * trailing slash, an optional query (no fragment, so it is split exactly as express splits it).
 */
const TOKEN_URL = /^\/([A-Za-z0-9._-]+)\/oauth2\/(v2\.0\/)?token(?:\?[^#]*)?$/

/**
 * A node:http handler that answers token requests and returns true, or returns false for anything
 * else (the caller hands it to express).
 */
export function createTokenFastPath(
  r: TokenRouteDeps,
  errors: EntraErrorDeps,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const serve = async (
    req: IncomingMessage,
    res: ServerResponse,
    protocol: 'v1' | 'v2',
    tenant: string,
    url: string,
  ) => {
    const log: RequestRecord = { traceId: newGuid() }
    logRequest('entra', r.deps.events, req, res, url, log)
    const clientRequestId = clientRequestIdOfUrl(req.headers, url)
    try {
      const body = await readFormBody(req)
      const answer = await answerTokenRequest(r, {
        protocol,
        tenant,
        body,
        authorization: req.headers.authorization,
      })
      sendEntraAnswer(res, answer, log.traceId, clientRequestId)
    } catch (err) {
      sendEntraError(res, err, { traceId: log.traceId, clientRequestId, log }, errors)
    }
  }
  return (req, res) => {
    if (req.method !== 'POST') return false
    const url = req.url ?? ''
    const m = TOKEN_URL.exec(url)
    if (!m) return false
    serve(req, res, m[2] ? 'v2' : 'v1', m[1]!, url).catch((err: unknown) => {
      // Only a failure to write the answer gets here; express's final handler does the same.
      errors.onUnexpected(err)
      res.destroy()
    })
    return true
  }
}
