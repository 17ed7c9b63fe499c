/**
 * The admin API: test and workshop controls over HTTPS+JSON. Approve or decline device codes as a named
 * user, move the clock, rotate keys, inject faults, read the request log, change the directory.
 * Errors are `{"error":{"code","message"}}` with a 4xx status. docs/admin-api.md lists every route.
 * Every route, extensions' included, requires the state dir's admin token (`Authorization: Bearer`).
 */
import express, { Router, type RequestHandler } from 'express'
import { bearerToken, tokenMatches } from '../kernel/admin-token.js'
import { HttpError, jsonBody, jsonErrorHandler, requestLog } from '../http/index.js'
import { FAULT_ENDPOINTS, isFaultEndpoint, validateFaultSpec } from '../kernel/faults.js'
import type { SimulatorControls } from './types.js'

export class AdminError extends HttpError {}

function body(req: express.Request): Record<string, unknown> {
  const b: unknown = req.body
  if (b === undefined) return {}
  if (typeof b !== 'object' || b === null || Array.isArray(b))
    throw new AdminError(400, 'invalid_body', 'the request body must be a JSON object')
  return b as Record<string, unknown>
}

function str(b: Record<string, unknown>, key: string, required = true): string | undefined {
  const v = b[key]
  if (v === undefined && !required) return undefined
  if (typeof v !== 'string' || v === '')
    throw new AdminError(400, 'invalid_body', `'${key}' must be a non-empty string`)
  return v
}

/** Counts in bodies (`afterPolls`): far more than any test scripts. */
const MAX_COUNT = 10_000

function nonNegativeInt(b: Record<string, unknown>, key: string): number | undefined {
  const v = b[key]
  if (v === undefined) return undefined
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > MAX_COUNT)
    throw new AdminError(400, 'invalid_body', `'${key}' must be a whole number from 0 to ${MAX_COUNT}`)
  return v as number
}

/** A whole-number query parameter within [min, max]; absent → undefined; anything else is a 400. */
function queryInt(q: express.Request['query'], key: string, min: number, max: number): number | undefined {
  const v = q[key]
  if (v === undefined) return undefined
  const n = typeof v === 'string' && /^-?\d{1,16}$/.test(v) ? Number(v) : NaN
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new AdminError(
      400,
      'invalid_query',
      `query parameter '${key}' must be a whole number from ${min} to ${max}`,
    )
  return n
}

/** Event ids are positive integers below 2^53. */
const MAX_EVENT_ID = Number.MAX_SAFE_INTEGER

/**
 * Another slice's admin routes under `path` (the pod-identity slice's under `/pod-identity`). The
 * extension reads its own bodies and renders its own errors; paths it does not answer fall through to
 * the admin API's routes.
 */
export interface AdminExtension {
  path: string
  app: express.Express
}

/**
 * Refuses a request without the admin token with 401, before anything else reads it: whoever can
 * reach the port (another user of the machine, another machine with `--host 0.0.0.0`) cannot use the
 * controls without reading the token file, which only the simulator's user can.
 */
function requireAdminToken(token: string): RequestHandler {
  return (req, res, next) => {
    const presented = bearerToken(req.headers.authorization)
    if (tokenMatches(token, presented)) return next()
    res.setHeader('www-authenticate', 'Bearer realm="aks-auth-sim admin API"')
    next(
      new AdminError(
        401,
        'unauthorized',
        presented === undefined
          ? "the admin API requires 'Authorization: Bearer <token>' with the token in <state-dir>/admin-token"
          : 'the admin token is not the one in <state-dir>/admin-token',
      ),
    )
  }
}

export function createAdminApp(
  controls: SimulatorControls,
  onUnexpected: (err: unknown) => void,
  extensions: readonly AdminExtension[] = [],
  auth: { token: string },
): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.use(requireAdminToken(auth.token))
  for (const e of extensions) app.use(e.path, e.app)
  app.use(requestLog('admin', controls.events))
  app.use(jsonBody('256kb'))
  const r = Router()
  r.get('/health', (_req, res) => void res.json({ status: 'ok' }))
  r.get('/endpoints', (_req, res) => void res.json(controls.endpoints()))
  r.get('/metrics', async (_req, res) => {
    const { contentType, body } = await controls.metrics()
    res.type(contentType).send(body)
  })
  r.get('/device-codes', (_req, res) => void res.json({ value: controls.deviceCodes() }))
  r.post('/device-codes/:userCode/approve', (req, res) => {
    const b = body(req)
    const afterPolls = nonNegativeInt(b, 'afterPolls')
    res.json(
      controls.approveDeviceCode(
        req.params.userCode,
        str(b, 'user')!,
        afterPolls === undefined ? {} : { afterPolls },
      ),
    )
  })
  r.post('/device-codes/:userCode/decline', (req, res) => {
    res.json(controls.declineDeviceCode(req.params.userCode, str(body(req), 'user')!))
  })
  r.get('/clock', (_req, res) => void res.json(controls.clock()))
  r.post('/clock/advance', (req, res) => {
    const seconds = body(req).seconds
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0)
      throw new AdminError(400, 'invalid_body', "'seconds' must be a number ≥ 0")
    // Beyond ten years ahead in total: ClockRangeError, answered 400 by the controls.
    res.json(controls.advanceClock(seconds))
  })
  r.post('/keys/rotate', async (_req, res) => void res.json(await controls.rotateKeys()))
  r.get('/keys', (_req, res) => void res.json(controls.keys()))
  r.get('/faults', (_req, res) => void res.json({ value: controls.faults.list() }))
  r.put('/faults/:endpoint', (req, res) => {
    if (!isFaultEndpoint(req.params.endpoint))
      throw new AdminError(
        404,
        'unknown_endpoint',
        `no fault endpoint '${req.params.endpoint}'; one of ${FAULT_ENDPOINTS.join(', ')}`,
      )
    const spec = body(req)
    const problems = validateFaultSpec(spec)
    if (problems.length > 0) throw new AdminError(400, 'invalid_fault', problems.join('; '))
    res.json(controls.faults.set(req.params.endpoint, spec))
  })
  r.delete('/faults/:endpoint', (req, res) => {
    controls.faults.clear(req.params.endpoint)
    res.status(204).end()
  })
  r.delete('/faults', (_req, res) => {
    controls.faults.clear()
    res.status(204).end()
  })
  r.get('/requests', (req, res) => {
    const q = req.query
    const sinceId = queryInt(q, 'sinceId', 0, MAX_EVENT_ID)
    res.json({
      value: controls.events.recent({
        // Several types, comma-separated: the CLI's `requests` adds the webhook's reviews.
        type: typeof q.type === 'string' ? q.type.split(',') : 'request.completed',
        ...(typeof q.service === 'string' && { service: q.service }),
        ...(sinceId !== undefined && { sinceId }),
        limit: queryInt(q, 'limit', 1, 5000) ?? 200,
      }),
    })
  })
  r.get('/events', (req, res) => {
    const q = req.query
    const sinceId = queryInt(q, 'sinceId', 0, MAX_EVENT_ID)
    res.json({
      value: controls.events.recent({
        ...(typeof q.type === 'string' && { type: q.type }),
        ...(typeof q.service === 'string' && { service: q.service }),
        ...(sinceId !== undefined && { sinceId }),
        limit: queryInt(q, 'limit', 1, 5000) ?? 200,
      }),
    })
  })
  r.patch('/directory/users/:id', (req, res) => {
    const b = body(req)
    if (typeof b.accountEnabled !== 'boolean')
      throw new AdminError(400, 'invalid_body', "'accountEnabled' must be a boolean")
    res.json(controls.setAccountEnabled(req.params.id, b.accountEnabled))
  })
  r.post('/directory/groups/:id/members', (req, res) => {
    res.status(201).json(controls.addGroupMember(req.params.id, str(body(req), 'id')!))
  })
  r.delete('/directory/groups/:id/members/:memberId', (req, res) => {
    controls.removeGroupMember(req.params.id, req.params.memberId)
    res.status(204).end()
  })
  app.use(r)
  app.use((req) => {
    throw new AdminError(404, 'not_found', `no admin route ${req.method} ${req.path}`)
  })
  app.use(jsonErrorHandler(onUnexpected, { exposeServerErrors: true }))
  return app
}
