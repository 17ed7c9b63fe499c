/**
 * Admin API routes of the slice, under `/pod-identity` on the admin listener (docs/pod-identity.md,
 * "Admin API"): print a simulated pod's environment, create and delete simulated pods, refresh or
 * freeze their token files, rotate a cluster's issuer keys and flip its switches, take the webhook
 * down, set the federation behaviour and NMI mode, and request service-account tokens. Errors use the
 * admin API's `{"error":{"code","message"}}`.
 */
import express, { Router, type ErrorRequestHandler, type Request } from 'express'
import type { AdminExtension } from '../admin/index.js'
import {
  expressClientErrorMessage,
  expressClientErrorStatus,
  HttpError,
  jsonBody,
  requestLog,
} from '../http/index.js'
import type { EventBus } from '../kernel/events.js'
import { SimulatorError } from '../kernel/errors.js'
import type { K8sObject } from './cluster-objects.js'
import type { EnvFormat } from './pod-env.js'
import type { PodIdentity } from './service.js'

class PodIdentityAdminError extends HttpError {}

const bad = (message: string) => new PodIdentityAdminError(400, 'invalid_body', message)

function body(req: Request): Record<string, unknown> {
  const b: unknown = req.body
  if (b === undefined) return {}
  if (typeof b !== 'object' || b === null || Array.isArray(b))
    throw bad('the request body must be a JSON object')
  return b as Record<string, unknown>
}

/** Scripted delays are simulated seconds: a day at most. */
const MAX_DELAY_SECONDS = 86_400

function optional<T>(
  b: Record<string, unknown>,
  key: string,
  type: 'boolean' | 'number' | 'string',
): T | undefined {
  const v = b[key]
  if (v === undefined) return undefined
  if (
    typeof v !== type ||
    (type === 'number' && !(Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_DELAY_SECONDS))
  )
    throw bad(
      `'${key}' must be ${type === 'number' ? `a whole number from 0 to ${MAX_DELAY_SECONDS}` : `a ${type}`}`,
    )
  return v as T
}

function router(pi: PodIdentity): Router {
  const r = Router()
  const issuer = (name: string) => {
    const i = pi.issuers.get(name)
    if (!i) throw new PodIdentityAdminError(404, 'not_found', `no cluster '${name}'`)
    return i
  }
  const issuerView = (name: string) => {
    const i = issuer(name)
    return {
      cluster: name,
      issuer: i.issuer(),
      oidcIssuerEnabled: i.oidcEnabled(),
      keys: i.published().map((k) => k.kid),
      current: i.current().kid,
      ...i.switches,
    }
  }
  r.get(
    '/',
    (_req, res) =>
      void res.json({
        settings: pi.settings,
        clusters: [...pi.issuers.keys()].map(issuerView),
        managedIdentities: pi.identities,
        endpoints: pi.endpoints(),
      }),
  )
  r.get('/pods/:ns/:name/env', async (req, res) => {
    const format = (typeof req.query.format === 'string' ? req.query.format : 'shell') as EnvFormat
    if (!['json', 'dotenv', 'shell'].includes(format)) throw bad("'format' must be json, dotenv or shell")
    const container = typeof req.query.container === 'string' ? req.query.container : undefined
    if (format === 'json')
      return void res.json(
        await pi.pods.environment(req.params.ns, req.params.name, container ? { container } : {}),
      )
    res
      .type('text/plain')
      .send(await pi.pods.printEnvironment(req.params.ns, req.params.name, format, container))
  })
  r.post(
    '/pods',
    async (req, res) => void res.status(201).json(await pi.pods.create(body(req) as unknown as K8sObject)),
  )
  r.post(
    '/objects',
    async (req, res) => void res.status(201).json(await pi.pods.apply(body(req) as unknown as K8sObject)),
  )
  r.delete('/pods/:ns/:name', (req, res) => void res.json(pi.pods.remove(req.params.ns, req.params.name)))
  r.post(
    '/pods/:ns/:name/refresh',
    async (req, res) =>
      void res.json({
        refreshed: await pi.kubelet.refresh(true, { namespace: req.params.ns, name: req.params.name }),
      }),
  )
  r.put('/pods/:ns/:name/refresh', (req, res) => {
    const paused = optional<boolean>(body(req), 'paused', 'boolean')
    if (paused === undefined) throw bad("'paused' must be a boolean")
    if (!pi.kubelet.pause(req.params.ns, req.params.name, paused))
      throw new PodIdentityAdminError(404, 'not_found', `no running pod ${req.params.ns}/${req.params.name}`)
    res.json({ paused })
  })
  r.get('/issuers/:cluster', (req, res) => void res.json(issuerView(req.params.cluster)))
  r.post('/issuers/:cluster/rotate', async (req, res) => {
    await issuer(req.params.cluster).rotate()
    res.json(issuerView(req.params.cluster))
  })
  r.patch('/issuers/:cluster', (req, res) => {
    const i = issuer(req.params.cluster)
    const b = body(req)
    const offline = optional<boolean>(b, 'offline', 'boolean')
    const brokenJwks = optional<boolean>(b, 'brokenJwks', 'boolean')
    const enabled = optional<boolean>(b, 'oidcIssuerEnabled', 'boolean')
    if (offline !== undefined) i.switches.offline = offline
    if (brokenJwks !== undefined) i.switches.brokenJwks = brokenJwks
    if (enabled !== undefined) i.setOidcEnabled(enabled)
    res.json(issuerView(req.params.cluster))
  })
  r.patch('/webhook', (req, res) => {
    const b = body(req)
    const down = optional<boolean>(b, 'down', 'boolean')
    const layout = optional<string>(b, 'layout', 'string')
    if (layout !== undefined && layout !== 'v1.5' && layout !== 'v1.6')
      throw bad("'layout' must be v1.5 or v1.6")
    if (down !== undefined) pi.settings.webhookDown = down
    if (layout !== undefined) pi.settings.layout = layout
    res.json({ down: pi.settings.webhookDown, layout: pi.settings.layout })
  })
  r.patch('/federation', (req, res) => {
    const b = body(req)
    const delay = optional<number>(b, 'propagationDelaySeconds', 'number')
    const legacy = optional<boolean>(b, 'legacyErrors', 'boolean')
    if (delay !== undefined) pi.settings.federation.propagationDelaySeconds = delay
    if (legacy !== undefined) pi.settings.federation.legacyErrors = legacy
    res.json(pi.settings.federation)
  })
  r.patch('/nmi', (req, res) => {
    const b = body(req)
    const enabled = optional<boolean>(b, 'enabled', 'boolean')
    const delay = optional<number>(b, 'assignmentDelaySeconds', 'number')
    const retryAfter = optional<boolean>(b, 'retryAfterHeader', 'boolean')
    if (enabled !== undefined) pi.settings.nmi.enabled = enabled
    if (delay !== undefined) pi.settings.nmi.assignmentDelaySeconds = delay
    if (retryAfter !== undefined) pi.settings.nmi.retryAfterHeader = retryAfter
    res.json(pi.settings.nmi)
  })
  r.post('/serviceaccounts/:ns/:name/token', async (req, res) => {
    const out = await pi.tokenRequest({ namespace: req.params.ns, name: req.params.name, body: body(req) })
    res.status(201).json(out.body)
  })
  r.get('/mutating-webhook-configuration', (_req, res) => void res.json(pi.webhookConfiguration))
  return r
}

/** The slice's admin routes, for the admin API to mount under `/pod-identity`. */
export function podIdentityAdminExtension(
  pi: PodIdentity,
  deps: { events: EventBus; onUnexpected: (err: unknown) => void },
): AdminExtension {
  const sub = express()
  sub.use(requestLog('admin', deps.events))
  sub.use(jsonBody('1mb'))
  sub.use(router(pi))
  const onError: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    // Kubernetes errors (this slice's or the API server's) also carry the Status kube-apiserver would send.
    const status = (err as { toStatus?: () => { code: number } }).toStatus?.()
    if (err instanceof SimulatorError && status) {
      res.locals.reason = `${err.code}: ${err.message}`
      return void res
        .status(err.status)
        .json({ error: { code: err.code || 'Denied', message: err.message }, status })
    }
    if (err instanceof SimulatorError) {
      res.locals.reason = `${err.code}: ${err.message}`
      return void res.status(err.status).json({ error: { code: err.code, message: err.message } })
    }
    const e = err as { type?: string; status?: number }
    if (typeof e.type === 'string' && typeof e.status === 'number' && e.status < 500)
      return void res
        .status(e.status)
        .json({ error: { code: 'invalid_body', message: 'the request body is not valid JSON' } })
    const clientStatus = expressClientErrorStatus(err)
    if (clientStatus !== undefined)
      return void res
        .status(clientStatus)
        .json({ error: { code: 'invalid_request', message: expressClientErrorMessage(err, clientStatus) } })
    deps.onUnexpected(err)
    res.status(500).json({ error: { code: 'internal', message: 'internal error' } })
  }
  sub.use(onError)
  return { path: '/pod-identity', app: sub }
}
