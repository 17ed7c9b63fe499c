/**
 * The public OIDC issuer host (AKS serves it at `<region>.oic.prod-aks.azure.com`): for each cluster
 * with the OIDC issuer enabled, `<issuer>.well-known/openid-configuration` (application/json) and
 * `<issuer>openid/v1/jwks` (application/jwk-set+json), both `Cache-Control: public, max-age=3600`.
 * Anything else is a plain 404. The `offline` switch resets the connection, as an unreachable host
 * would look to Entra.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { EventBus } from '../kernel/events.js'
import type { ServiceAccountIssuer } from './issuer.js'

const CACHE_CONTROL = 'public, max-age=3600'

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.statusCode = status
  res.setHeader('Content-Type', type)
  res.setHeader('Content-Length', Buffer.byteLength(body))
  if (status === 200) res.setHeader('Cache-Control', CACHE_CONTROL)
  res.end(body)
}

export function createIssuerHandler(issuers: () => ServiceAccountIssuer[], events: EventBus) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0]!
    const issuer = issuers().find((i) => i.oidcEnabled() && path.startsWith(i.pathPrefix))
    const rest = issuer ? path.slice(issuer.pathPrefix.length) : ''
    const doc =
      rest === '.well-known/openid-configuration' ? 'discovery' : rest === 'openid/v1/jwks' ? 'jwks' : ''
    const outcome = (status: number | 'reset') =>
      events.emit('request.completed', 'oidc-issuer', {
        method: req.method,
        path,
        status,
        ...(issuer && { cluster: issuer.cluster }),
      })
    if (issuer?.switches.offline) {
      outcome('reset')
      req.socket.destroy()
      return
    }
    if (!issuer || !doc || (req.method !== 'GET' && req.method !== 'HEAD')) {
      outcome(404)
      send(res, 404, 'text/plain; charset=utf-8', '404 page not found\n')
      return
    }
    if (doc === 'discovery') send(res, 200, 'application/json', JSON.stringify(issuer.discovery()))
    else if (issuer.switches.brokenJwks)
      // Truncated mid-key: not JSON a key parser can read.
      send(res, 200, 'application/jwk-set+json', '{"keys":[{"use":"sig","kty":"RSA","kid":')
    else send(res, 200, 'application/jwk-set+json', JSON.stringify(issuer.jwks()))
    outcome(200)
  }
}
