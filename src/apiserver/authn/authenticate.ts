/**
 * Request authentication as kube-apiserver chains it: the TLS client certificate (CN → user,
 * O → groups, verified against the cluster CA during the handshake), then bearer tokens (the static
 * token file of local accounts, refused when local accounts are disabled, then the token
 * authenticator — the TokenReview webhook in the simulator), then anonymous. An authenticator that
 * fails (bad certificate, rejected token) ends the chain with 401, as union.NewFailOnError does.
 * Every authenticated user gets `system:authenticated`.
 */
import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'
import type { Authenticated, TokenAuthResult, UserInfo } from '../types.js'

export interface StaticToken {
  token: string
  user: UserInfo
}

export interface AuthnConfig {
  staticTokens: readonly StaticToken[]
  disableLocalAccounts(): boolean
  anonymous(): boolean
  authenticateToken?: (token: string, audiences: string[]) => Promise<TokenAuthResult>
  apiAudiences: string[]
}

export interface AuthnStep {
  authenticator: string
  outcome: string
  [fact: string]: unknown
}

export type AuthnOutcome =
  { ok: true; auth: Authenticated; steps: AuthnStep[] } | { ok: false; steps: AuthnStep[] }

const CLIENT_AUTH_EKU = '1.3.6.1.5.5.7.3.2'

const asList = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v]

/** group.AuthenticatedGroupAdder. */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.username === 'system:anonymous') return user
  if (user.groups.includes('system:authenticated') || user.groups.includes('system:unauthenticated'))
    return user
  return { ...user, groups: [...user.groups, 'system:authenticated'] }
}

function fromCertificate(req: IncomingMessage): { user?: UserInfo; error?: string } | undefined {
  const socket = req.socket as TLSSocket
  if (!socket.encrypted || typeof socket.getPeerCertificate !== 'function') return undefined
  const cert = socket.getPeerCertificate()
  if (!cert || Object.keys(cert).length === 0) return undefined
  if (!socket.authorized) return { error: `verifying certificate: ${String(socket.authorizationError)}` }
  const eku = (cert as { ext_key_usage?: string[] }).ext_key_usage
  if (eku && !eku.includes(CLIENT_AUTH_EKU))
    return { error: 'x509: certificate specifies an incompatible key usage' }
  const cn = asList(cert.subject?.CN)[0]
  if (!cn) return { error: 'x509: certificate has no common name' }
  return { user: { username: cn, groups: asList(cert.subject?.O) } }
}

/** The bearer token of `Authorization: Bearer <token>` (scheme case-insensitive), if any. */
export function bearerToken(req: IncomingMessage): string | undefined {
  // bearertoken.AuthenticateRequest: split on single spaces; the second part is the token.
  const parts = (req.headers.authorization ?? '').trim().split(' ', 3)
  if (parts.length < 2 || parts[0]!.toLowerCase() !== 'bearer') return undefined
  return parts[1] || undefined
}

export async function authenticate(req: IncomingMessage, cfg: AuthnConfig): Promise<AuthnOutcome> {
  const steps: AuthnStep[] = []
  const cert = fromCertificate(req)
  // AKS's local accounts are the admin kubeconfig's client certificate (O=system:masters) and the static
  // token: with disableLocalAccounts the API server no longer accepts either.
  if (cert?.user && cert.user.groups.includes('system:masters') && cfg.disableLocalAccounts()) {
    steps.push({ authenticator: 'x509', outcome: 'refused', reason: 'local accounts are disabled' })
  } else if (cert?.user) {
    steps.push({
      authenticator: 'x509',
      outcome: 'authenticated',
      user: cert.user.username,
      groups: cert.user.groups,
    })
    return { ok: true, auth: { user: withAuthenticatedGroup(cert.user), method: 'x509' }, steps }
  }
  if (cert?.error) steps.push({ authenticator: 'x509', outcome: 'error', error: cert.error })

  const token = bearerToken(req)
  if (token !== undefined) {
    const local = cfg.staticTokens.find((t) => t.token === token)
    if (local && !cfg.disableLocalAccounts()) {
      steps.push({ authenticator: 'token-file', outcome: 'authenticated', user: local.user.username })
      return { ok: true, auth: { user: withAuthenticatedGroup(local.user), method: 'token-file' }, steps }
    }
    if (local)
      steps.push({ authenticator: 'token-file', outcome: 'refused', reason: 'local accounts are disabled' })
    if (cfg.authenticateToken) {
      let result: TokenAuthResult
      try {
        result = await cfg.authenticateToken(token, cfg.apiAudiences)
      } catch (err) {
        steps.push({ authenticator: 'webhook', outcome: 'error', error: (err as Error).message })
        return { ok: false, steps }
      }
      if (result.authenticated) {
        const auds = result.audiences ?? []
        if (auds.length && cfg.apiAudiences.length && !auds.some((a) => cfg.apiAudiences.includes(a))) {
          steps.push({
            authenticator: 'webhook',
            outcome: 'rejected',
            reason: 'token audiences do not match the API server audiences',
            audiences: auds,
            ...(result.detail && { detail: result.detail }),
          })
          return { ok: false, steps }
        }
        steps.push({
          authenticator: 'webhook',
          outcome: 'authenticated',
          user: result.user.username,
          groups: result.user.groups,
          ...(result.detail && { detail: result.detail }),
        })
        return { ok: true, auth: { user: withAuthenticatedGroup(result.user), method: 'webhook' }, steps }
      }
      steps.push({
        authenticator: 'webhook',
        outcome: 'rejected',
        ...(result.error && { error: result.error }),
        ...(result.detail && { detail: result.detail }),
      })
      return { ok: false, steps }
    }
    steps.push({
      authenticator: 'bearer',
      outcome: 'rejected',
      reason: 'no authenticator accepted the token',
    })
    return { ok: false, steps }
  }
  if (cert?.error) return { ok: false, steps }
  if (cfg.anonymous()) {
    steps.push({ authenticator: 'anonymous', outcome: 'authenticated' })
    return {
      ok: true,
      auth: {
        user: { username: 'system:anonymous', groups: ['system:unauthenticated'] },
        method: 'anonymous',
      },
      steps,
    }
  }
  steps.push({ authenticator: 'anonymous', outcome: 'disabled' })
  return { ok: false, steps }
}
