/**
 * The Entra host's HTTP surface. Handlers only parse, call the protocol functions and render; errors go
 * to the one Entra error renderer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import express, { Router, type Request, type Response } from 'express'
import { formBody, requestLog } from '../http/index.js'
import type { EntraDeps } from './deps.js'
import { deviceCodeMessage, startDeviceAuthorization, verificationUri } from './device-authorization.js'
import { EndpointNotFound, PostRequired } from './errors.js'
import { applyEntraFault } from './faults.js'
import type { GrantHandler } from './grants/types.js'
import { instanceDiscovery, v1OpenIdConfiguration, v2OpenIdConfiguration } from './metadata.js'
import {
  clientRequestIdOf,
  entraErrorHandler,
  sendEntraAnswer,
  setEntraHeaders,
  type EntraErrorDeps,
} from './render-error.js'
import { readForm, type ClientAuthenticator } from './token-endpoint.js'
import { answerTokenRequest, createTokenFastPath, resolveTenant, type TokenRouteDeps } from './token-route.js'
import { createDeviceLoginRouter } from './login-page.js'

const tenantOf = (req: Request, deps: EntraDeps) => resolveTenant(String(req.params.tenant), deps)

/** GET answers: express's `res.json`, which also answers conditional GETs (If-None-Match) with 304. */
function sendJson(res: Response, req: Request, body: unknown): void {
  setEntraHeaders(res, res.locals.traceId as string, clientRequestIdOf(req.headers, req.query))
  res.json(body)
}

/** POST answers: the writer the token endpoint's fast path uses too. */
function sendPostAnswer(res: Response, req: Request, body: unknown): void {
  sendEntraAnswer(res, body, res.locals.traceId as string, clientRequestIdOf(req.headers, req.query))
}

/**
 * The Entra host's request listener. `fastPath: false` leaves every request to express (the fast path
 * is checked against it in tests).
 */
export function createEntraApp(
  deps: EntraDeps,
  grants: Map<string, GrantHandler>,
  opts: {
    onUnexpected: (err: unknown) => void
    assertionAuthenticator?: ClientAuthenticator
    fastPath?: boolean
  },
): (req: IncomingMessage, res: ServerResponse) => void {
  const token: TokenRouteDeps = { deps, grants, assertionAuthenticator: opts.assertionAuthenticator }
  const errors: EntraErrorDeps = {
    now: () => deps.clock.now(),
    authority: deps.authority,
    onUnexpected: opts.onUnexpected,
  }
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  app.use(requestLog('entra', deps.events))
  const r = Router()

  r.get('/common/discovery/instance', async (req, res) => {
    await applyEntraFault(deps.faults, 'entra.discovery')
    const endpoint =
      typeof req.query.authorization_endpoint === 'string' ? req.query.authorization_endpoint : undefined
    sendJson(res, req, instanceDiscovery(deps, endpoint))
  })
  // The AD FS discovery path. MSAL skips instance discovery (a call to login.microsoftonline.com) for an
  // authority ending in /adfs, which is how an Azure CLI older than 2.54 — without the
  // core.instance_discovery switch — signs in here offline (docs/entra.md). The document is the demo
  // tenant's v2 one, so every endpoint and token after it is the tenant's.
  r.get('/adfs/.well-known/openid-configuration', async (req, res) => {
    await applyEntraFault(deps.faults, 'entra.discovery')
    sendJson(res, req, v2OpenIdConfiguration(deps, deps.directory.tenant.id, false))
  })
  r.get('/:tenant/v2.0/.well-known/openid-configuration', async (req, res) => {
    const t = tenantOf(req, deps)
    await applyEntraFault(deps.faults, 'entra.discovery')
    sendJson(res, req, v2OpenIdConfiguration(deps, t.segment, t.generic))
  })
  r.get('/:tenant/.well-known/openid-configuration', async (req, res) => {
    tenantOf(req, deps)
    await applyEntraFault(deps.faults, 'entra.discovery')
    sendJson(res, req, v1OpenIdConfiguration(deps))
  })
  for (const path of ['/:tenant/discovery/v2.0/keys', '/:tenant/discovery/keys']) {
    r.get(path, async (req, res) => {
      const t = tenantOf(req, deps)
      await applyEntraFault(deps.faults, 'entra.keys')
      const v2 = path.includes('v2.0')
      const issuer = v2
        ? t.generic
          ? deps.issuers().v2.replace(deps.directory.tenant.id, '{tenantid}')
          : deps.issuers().v2
        : undefined
      sendJson(res, req, deps.keys.jwks(issuer))
    })
  }

  const form = formBody()
  for (const [path, protocol] of [
    ['/:tenant/oauth2/v2.0/devicecode', 'v2'],
    ['/:tenant/oauth2/devicecode', 'v1'],
  ] as const) {
    r.post(path, form, async (req, res) => {
      tenantOf(req, deps)
      await applyEntraFault(deps.faults, 'entra.devicecode')
      const entry = startDeviceAuthorization(protocol, readForm(req.body), deps, req.socket.remoteAddress)
      const uri = verificationUri(deps)
      const message = deviceCodeMessage(uri, entry.userCode)
      const remaining = Math.round((entry.expiresAt - entry.issuedAt) / 1000)
      // v1 (ADAL, go-autorest) spells verification_url and sends the numbers as strings.
      sendPostAnswer(
        res,
        req,
        protocol === 'v2'
          ? {
              user_code: entry.userCode,
              device_code: entry.deviceCode,
              verification_uri: uri,
              expires_in: remaining,
              interval: entry.interval,
              message,
            }
          : {
              user_code: entry.userCode,
              device_code: entry.deviceCode,
              verification_url: uri,
              expires_in: String(remaining),
              interval: String(entry.interval),
              message,
            },
      )
    })
  }
  for (const [path, protocol] of [
    ['/:tenant/oauth2/v2.0/token', 'v2'],
    ['/:tenant/oauth2/token', 'v1'],
  ] as const) {
    r.post(path, form, async (req, res) => {
      const answer = await answerTokenRequest(token, {
        protocol,
        tenant: String(req.params.tenant),
        body: req.body,
        authorization: req.headers.authorization,
      })
      sendPostAnswer(res, req, answer)
    })
  }
  for (const path of [
    '/:tenant/oauth2/v2.0/token',
    '/:tenant/oauth2/token',
    '/:tenant/oauth2/v2.0/devicecode',
    '/:tenant/oauth2/devicecode',
  ]) {
    r.all(path, (req) => {
      tenantOf(req, deps)
      throw new PostRequired(req.method)
    })
  }
  app.use(createDeviceLoginRouter(deps))
  app.use(r)
  app.use((req) => {
    throw new EndpointNotFound(req.path)
  })
  app.use(entraErrorHandler(errors))
  if (opts.fastPath === false) return app
  const fast = createTokenFastPath(token, errors)
  return (req, res) => {
    if (!fast(req, res)) app(req, res)
  }
}
