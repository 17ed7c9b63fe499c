/**
 * The webhook's HTTPS front door, written on node:http directly because it sits on every API request:
 * routes, client-certificate authentication (as guard: the certificate's organisation picks the
 * provider, `azure`), bounded JSON bodies, and the one renderer for TokenReview answers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { BodyTooLarge, readRequestBody } from '../http/index.js'
import type { EventBus } from '../kernel/events.js'
import { newGuid } from '../kernel/ids.js'
import type { KubeStatusError } from '../kube/index.js'
import { BadRequest, StatusError, renderStatus } from '../kube/index.js'
import { reviewToken, type AuthnDeps } from './authenticate.js'
import { BadReview, TokenRejected, UpstreamFailure } from './errors.js'
import {
  parseTokenReview,
  renderTokenReview,
  type TokenReviewRequest,
  type TokenReviewVersion,
} from './token-review-wire.js'
import { hash } from 'node:crypto'
import { decodeJwt } from 'jose'

export const WEBHOOK_BODY_LIMIT = 1024 * 1024
/** kube-apiserver's own request limit; the SAR decoder reports larger bodies itself. */
export const SAR_BODY_LIMIT = 3 * 1024 * 1024 + 1

export interface SarAnswer {
  httpStatus: number
  body: unknown
  /** One-line decision summary for the event stream. */
  summary: Record<string, unknown>
}

export interface WebhookServerDeps {
  authn: AuthnDeps
  events: EventBus
  /** Require an API-server client certificate signed by the simulator CA with organisation `azure`. */
  requireClientCert: boolean
  /** Answer token rejections with guard's HTTP 401 instead of 200 (kube-apiserver treats both as a failed login). */
  guardStatusCodes: boolean
  /** The SubjectAccessReview handler (raw body in, answer out), when the authorization webhook is enabled. */
  authorize?: (raw: string) => Promise<SarAnswer>
  onUnexpected: (err: unknown) => void
}

/** guard reads the bytes as sent (Go's net/http does not decode a request's Content-Encoding). */
async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  try {
    return (await readRequestBody(req, { limit, contentEncoding: 'ignore' })).toString('utf8')
  } catch (err) {
    throw err instanceof BodyTooLarge ? new BadReview(`request body is larger than ${limit} bytes`, 413) : err
  }
}

/** A metav1.Status failure, as kube-apiserver's webhook clients expect one. */
const sendStatus = (res: ServerResponse, err: KubeStatusError) => send(res, err.status, renderStatus(err))

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
}

// The peer certificate cannot change on a connection, and reading it is costly: check once per socket.
const certChecks = new WeakMap<object, string | undefined>()

/** guard's client-certificate routing: a CA-signed certificate whose first organisation is `azure`. */
function clientCertProblem(req: IncomingMessage): string | undefined {
  const socket = req.socket as TLSSocket
  if (certChecks.has(socket)) return certChecks.get(socket)
  const problem = checkClientCert(socket)
  certChecks.set(socket, problem)
  return problem
}

function checkClientCert(socket: TLSSocket): string | undefined {
  if (typeof socket.getPeerCertificate !== 'function') return 'Missing client certificate'
  const cert = socket.getPeerCertificate()
  if (!cert || Object.keys(cert).length === 0) return 'Missing client certificate'
  if (!socket.authorized)
    return `Client certificate is not signed by the cluster CA (${String(socket.authorizationError)})`
  const orgs = cert.subject?.O
  const org = Array.isArray(orgs) ? orgs[0] : orgs
  if (!org) return 'Client certificate is missing organization'
  if (org.toLowerCase() !== 'azure') return `guard does not provide service for ${org}`
  return undefined
}

const tokenHash = (token: string) => hash('sha256', token, 'base64url').slice(0, 12)

async function handleTokenReview(
  req: IncomingMessage,
  res: ServerResponse,
  deps: WebhookServerDeps,
): Promise<void> {
  const started = performance.now()
  let apiVersion: TokenReviewVersion = 'authentication.k8s.io/v1'
  let review: TokenReviewRequest | undefined
  const event: Record<string, unknown> = { requestId: newGuid() }
  try {
    const certProblem = deps.requireClientCert ? clientCertProblem(req) : undefined
    if (certProblem) throw new BadReview(certProblem)
    const text = await readBody(req, WEBHOOK_BODY_LIMIT)
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      throw new BadReview('Failed to parse request: the body is not valid JSON')
    }
    review = parseTokenReview(parsed)
    apiVersion = review.apiVersion
    event.token = tokenHash(review.token)
    event.apiVersion = apiVersion
    const outcome = await reviewToken(review, deps.authn)
    const r = outcome.result!
    Object.assign(event, {
      outcome: 'authenticated',
      user: r.user.username,
      oid: r.user.extra?.oid?.[0],
      groups: r.user.groups?.length ?? 0,
      groupsSource: r.groupsSource,
      cached: outcome.cached,
      claims: {
        aud: r.claims.aud,
        iss: r.claims.iss,
        ver: r.claims.ver,
        exp: r.claims.exp,
        idtyp: r.claims.idtyp,
      },
    })
    send(res, 200, renderTokenReview(apiVersion, review, outcome.status))
  } catch (err) {
    let status: number
    let message: string
    if (err instanceof TokenRejected) {
      status = deps.guardStatusCodes && err.reason !== 'spn_overage' ? 401 : err.httpStatus
      message = err.message
      Object.assign(event, { outcome: 'rejected', reason: err.reason })
    } else if (err instanceof BadReview) {
      status = err.httpStatus
      message = err.message
      Object.assign(event, { outcome: 'bad_request', reason: 'bad_request' })
    } else if (err instanceof UpstreamFailure) {
      // Fail closed, with a status kube-apiserver retries (its webhook client retries 500s).
      status = 500
      message = err.message
      Object.assign(event, { outcome: 'upstream_failure', reason: err.reason })
    } else {
      deps.onUnexpected(err)
      status = 500
      message = 'internal error; see the simulator log'
      Object.assign(event, { outcome: 'error', reason: 'internal' })
    }
    event.error = message
    if ((err instanceof TokenRejected || err instanceof UpstreamFailure) && err.subject)
      Object.assign(event, err.subject)
    else if (review) Object.assign(event, claimedSubject(review.token))
    send(res, status, renderTokenReview(apiVersion, review, { user: {}, error: message }))
  } finally {
    event.status = res.statusCode
    event.durationMs = performance.now() - started
    deps.events.emit('token_review.completed', 'webhook', event)
  }
}

/**
 * Who a refused token claimed to be (upn, else unique_name, else oid), read WITHOUT verifying it: the
 * event marks it `claimedUser`, never `user`, so the UI can still file the refusal under that person
 * and say it is unverified. Undefined when the token is no readable JWT.
 */
function claimedSubject(token: string): { claimedUser: string; claimedOid?: string } | undefined {
  try {
    const c = decodeJwt(token)
    const name = [c.upn, c.unique_name, c.preferred_username, c.oid].find(
      (v): v is string => typeof v === 'string' && v !== '',
    )
    if (!name) return undefined
    return {
      claimedUser: name.slice(0, 256),
      ...(typeof c.oid === 'string' && { claimedOid: c.oid.slice(0, 64) }),
    }
  } catch {
    return undefined
  }
}

async function handleSar(req: IncomingMessage, res: ServerResponse, deps: WebhookServerDeps): Promise<void> {
  const certProblem = deps.requireClientCert ? clientCertProblem(req) : undefined
  if (certProblem) {
    sendStatus(res, new BadRequest(certProblem))
    return
  }
  let raw: string
  try {
    raw = await readBody(req, SAR_BODY_LIMIT)
  } catch (err) {
    const code = err instanceof BadReview ? err.httpStatus : 400
    const message = err instanceof BadReview ? err.message : 'the request body could not be read'
    sendStatus(res, new StatusError(code, code === 413 ? 'RequestEntityTooLarge' : 'BadRequest', message))
    return
  }
  const answer = await deps.authorize!(raw)
  deps.events.emit('subject_access_review.completed', 'webhook', {
    ...answer.summary,
    status: answer.httpStatus,
  })
  send(res, answer.httpStatus, JSON.stringify(answer.body))
}

export function createWebhookHandler(
  deps: WebhookServerDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    const run = async () => {
      if (req.method === 'POST' && (path === '/tokenreviews' || path === '/authenticate'))
        return handleTokenReview(req, res, deps)
      if (
        req.method === 'POST' &&
        deps.authorize &&
        (path === '/subjectaccessreviews' || path === '/authorize')
      )
        return handleSar(req, res, deps)
      if (req.method === 'GET' && (path === '/healthz' || path === '/readyz'))
        return send(res, 200, JSON.stringify({ status: 'ok' }))
      req.resume()
      sendStatus(
        res,
        new StatusError(
          404,
          'NotFound',
          `the server could not find the requested resource (${req.method} ${path})`,
        ),
      )
    }
    run().catch((err: unknown) => {
      deps.onUnexpected(err)
      if (!res.headersSent) sendStatus(res, new StatusError(500, 'InternalError', 'internal error'))
    })
  }
}
