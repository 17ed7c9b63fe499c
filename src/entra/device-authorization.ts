/**
 * RFC 8628 §3.1–3.2 device authorization (`/devicecode`) and the user's side of it: approving or
 * declining a user code as a directory user (the login page, the admin API and `--auto-approve`).
 */
import type { EntraDeps } from './deps.js'
import type { DeviceAuthorization } from './device-codes.js'
import { ClientSecretRequired, InvalidRequest, Throttled, UnauthorizedClient } from './errors.js'
import { parseScopes, parseV1Resource } from './scopes.js'
import { HttpError } from '../http/index.js'
import type { User } from '../kernel/directory.js'

/**
 * `remoteAddress` is the caller's address: with the client id it names the source whose live codes
 * are limited (device-codes.ts), so one busy source never locks out anyone else.
 */
export function startDeviceAuthorization(
  protocol: 'v1' | 'v2',
  params: Record<string, string>,
  deps: EntraDeps,
  remoteAddress = '',
): DeviceAuthorization {
  const clientId = params.client_id
  if (!clientId) throw InvalidRequest.missing('client_id')
  const client = deps.directory.application(clientId)
  if (!client || client.appId !== clientId.toLowerCase())
    throw UnauthorizedClient.unknownApp(clientId, deps.directory.tenant.id)
  if (!client.publicClient) throw new ClientSecretRequired()
  let resource
  let oidcScopes: string[]
  if (protocol === 'v1') {
    if (!params.resource) throw InvalidRequest.missing('resource')
    resource = parseV1Resource(params.resource, client, deps.directory, deps.graphHost())
    oidcScopes = ['openid', 'offline_access']
  } else {
    if (!params.scope) throw InvalidRequest.missing('scope')
    const parsed = parseScopes(params.scope, client, deps.directory, deps.graphHost())
    resource = parsed.resource
    oidcScopes = parsed.oidc
  }
  const entry = deps.deviceCodes.create(
    { clientId: client.appId, protocol, resource, oidcScopes },
    `${client.appId} ${remoteAddress}`,
  )
  if ('limited' in entry) throw new Throttled(entry.retryAfterSeconds)
  deps.events.emit('device_code.issued', 'entra', {
    userCode: entry.userCode,
    clientId: client.appId,
    client: client.name,
    aud: resource.audience,
  })
  if (deps.config.autoApprove)
    decideDeviceCode(deps, { userCode: entry.userCode, user: deps.config.autoApprove, decision: 'approve' })
  return entry
}

/**
 * Where users enter codes: the web UI's page when the composition root runs one (as microsoft.com/
 * devicelogin is not the token host either), else the Entra host's own page.
 */
export function verificationUri(deps: EntraDeps): string {
  return deps.deviceLoginUri?.() ?? `${deps.authority()}/devicelogin`
}

export function deviceCodeMessage(uri: string, userCode: string): string {
  return `To sign in, use a web browser to open the page ${uri} and enter the code ${userCode} to authenticate.`
}

/** AADSTS50126 as Entra's sign-in page words it (the page has a password reset link; the simulator has none). */
export const WRONG_PASSWORD =
  "Your account or password is incorrect. If you don't remember your password, reset it now."

/** Errors of the user-side decision, for the admin API (JSON) and the login page (HTML). */
export class DeviceCodeDecisionError extends HttpError {}

export interface Decision {
  userCode: string
  /** userPrincipalName or object id. */
  user: string
  decision: 'approve' | 'decline'
  /** Keep answering authorization_pending for this many polls after approval. */
  afterPolls?: number
  /** When given, the user's scenario password must match (the login page's password form). */
  password?: string
  /**
   * The login page in room mode: without `password`, the user must be the one whose password the page
   * checked for this code (`signedInUserId`), so a hand-made form post cannot approve as someone else.
   */
  requireSignIn?: boolean
}

export function decideDeviceCode(deps: EntraDeps, d: Decision): { entry: DeviceAuthorization; user: User } {
  const entry = deps.deviceCodes.byUserCode(d.userCode)
  if (!entry)
    throw new DeviceCodeDecisionError(
      404,
      'unknown_user_code',
      "That code wasn't found. Check the code and try again.",
    )
  if (deps.clock.now() >= entry.expiresAt)
    throw new DeviceCodeDecisionError(
      410,
      'expired_user_code',
      'That code has expired. Go back to the app and request a new code.',
    )
  if (entry.state !== 'pending')
    throw new DeviceCodeDecisionError(
      409,
      'user_code_used',
      `That code was already ${entry.state === 'declined' ? 'declined' : 'used'}. Go back to the app and request a new code.`,
    )
  const user = deps.directory.user(d.user)
  if (!user)
    throw new DeviceCodeDecisionError(
      404,
      'unknown_user',
      `No user '${d.user}' in ${deps.directory.tenant.domain}.`,
    )
  if (d.password !== undefined && d.password !== user.password)
    throw new DeviceCodeDecisionError(401, 'invalid_password', WRONG_PASSWORD)
  if (d.requireSignIn && d.password === undefined && entry.signedInUserId !== user.id)
    throw new DeviceCodeDecisionError(401, 'sign_in_required', 'Enter your password to sign in.')
  entry.userId = user.id
  entry.state = d.decision === 'approve' ? 'approved' : 'declined'
  entry.pendingPollsLeft = d.afterPolls ?? 0
  deps.events.emit(`device_code.${d.decision === 'approve' ? 'approved' : 'declined'}`, 'entra', {
    userCode: entry.userCode,
    user: user.userPrincipalName,
    accountEnabled: user.accountEnabled,
    afterPolls: entry.pendingPollsLeft,
  })
  return { entry, user }
}
