/** RFC 8628 §3.4 device_code grant, as Entra serves it on v2 and (with `code=`) on v1. */
import type { DeviceAuthorization } from '../device-codes.js'
import type { EntraDeps } from '../deps.js'
import {
  AuthorizationDeclined,
  AuthorizationPending,
  BadVerificationCode,
  CodeExpired,
  EntraError,
  ExpiredToken,
  InvalidGrant,
  InvalidRequest,
} from '../errors.js'
import { assertCanSignIn, issueUserTokens } from '../tokens.js'
import type { GrantHandler, TokenRequest } from './types.js'

function find(req: TokenRequest, deps: EntraDeps): DeviceAuthorization {
  // v1 (ADAL, go-autorest) sends the device code as `code`.
  const name = req.protocol === 'v1' && req.params.code !== undefined ? 'code' : 'device_code'
  const code = req.params[name]
  if (code === undefined || code === '') throw InvalidRequest.missing('device_code')
  const entry = deps.deviceCodes.byDeviceCode(code)
  if (!entry) {
    if (!deps.deviceCodes.isWellFormed(code)) throw new BadVerificationCode(name)
    throw new InvalidGrant(
      "The provided value for the input parameter 'device_code' is not valid. The device code was not found; it may have expired long ago or the simulator was restarted.",
    )
  }
  if (entry.clientId !== req.client.appId)
    throw new InvalidGrant(
      `The device code was issued to application '${entry.clientId}', not to '${req.client.appId}'.`,
    )
  return entry
}

export const deviceCodeGrant: GrantHandler = {
  grantTypes: ['device_code', 'urn:ietf:params:oauth:grant-type:device_code'],
  allowsPublicClients: true,
  async handle(req, deps) {
    const entry = find(req, deps)
    entry.polls++
    if (entry.state === 'redeemed')
      throw new InvalidGrant(
        "The provided value for the input parameter 'device_code' is not valid. This device code has already been redeemed.",
      )
    if (deps.clock.now() >= entry.expiresAt)
      throw req.protocol === 'v1' ? new CodeExpired() : new ExpiredToken()
    if (entry.state === 'declined') throw new AuthorizationDeclined()
    if (entry.state === 'pending') throw new AuthorizationPending()
    if (entry.pendingPollsLeft > 0) {
      entry.pendingPollsLeft--
      throw new AuthorizationPending()
    }
    const user = deps.directory.user(entry.userId!)
    if (!user) throw new InvalidGrant('The user who approved this device code no longer exists.')
    // Single use: flip the state before any await so a racing poller sees `redeemed`.
    entry.state = 'redeemed'
    try {
      assertCanSignIn(user)
    } catch (err) {
      // The code is used up without a token: the device-code list says refused, with Entra's reason.
      if (err instanceof EntraError) entry.refusal = `${err.code} AADSTS${err.aadsts}: ${err.message}`
      throw err
    }
    return issueUserTokens(deps, {
      user,
      client: req.client,
      resource: entry.resource,
      oidcScopes: entry.oidcScopes,
      wantClientInfo: req.params.client_info === '1',
      grant: 'device_code',
    })
  },
}
