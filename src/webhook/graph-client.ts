/**
 * The webhook's own Microsoft Graph client, as guard's client-credential mode: an app-only token for
 * `https://graph.microsoft.com/.default` from the Entra token endpoint (cached until 5 minutes before
 * it expires), then `POST /v1.0/users/{username}/getMemberGroups {"securityEnabledOnly": false}`.
 */
import type { HttpsClient } from '../http/index.js'
import { UpstreamFailure } from './errors.js'

export interface GraphClientOptions {
  http: HttpsClient
  tokenUrl: string
  clientId: string
  clientSecret: string
  /** `https://<msgraph_host>` from the tenant metadata. */
  graphBase: () => Promise<string>
  nowSeconds: () => number
}

export interface GraphClient {
  memberGroups(username: string): Promise<string[]>
}

const TOKEN_EXPIRY_DELTA = 300

export function createGraphClient(o: GraphClientOptions): GraphClient {
  let cached: { token: string; expiresAt: number } | undefined
  const appToken = async () => {
    if (cached && cached.expiresAt - TOKEN_EXPIRY_DELTA > o.nowSeconds()) return cached.token
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: o.clientId,
      client_secret: o.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    }).toString()
    const res = await o.http
      .request(o.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      })
      .catch((err: Error) => {
        throw new UpstreamFailure(
          'graph_token_unreachable',
          `ClientCredentialTokenProvider: failed to refresh token: ${err.message}`,
        )
      })
    if (res.status !== 200)
      throw new UpstreamFailure(
        'graph_token_failed',
        `ClientCredentialTokenProvider: failed to refresh token: status code ${res.status}: ${res.text.slice(0, 500)}`,
      )
    const t = res.json<{ access_token: string; expires_in: number }>()
    cached = { token: t.access_token, expiresAt: o.nowSeconds() + Number(t.expires_in) }
    return t.access_token
  }
  return {
    async memberGroups(username) {
      const token = await appToken()
      const path = `/v1.0/users/${encodeURIComponent(username)}/getMemberGroups`
      const res = await o.http
        .request(`${await o.graphBase()}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ securityEnabledOnly: false }),
        })
        .catch((err: Error) => {
          throw new UpstreamFailure(
            'graph_unreachable',
            `failed to get groups: request ${path} failed: ${err.message}`,
          )
        })
      if (res.status !== 200)
        throw new UpstreamFailure(
          'graph_failed',
          `failed to get groups: request ${path} failed with status code: ${res.status} and response: ${res.text.slice(0, 500)}`,
        )
      const value = res.json<{ value?: unknown }>().value
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
        throw new UpstreamFailure(
          'graph_invalid',
          `failed to get groups: request ${path} returned no list of group ids`,
        )
      return value
    },
  }
}
