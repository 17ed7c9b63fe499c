/**
 * The workshop host's sign-in, required when other machines can reach the UI (a non-loopback
 * `--host`): the UI's API (flows, the explorer, the host controls) answers 401 until the browser signs
 * in at `/host-signin` with the admin token (`<state-dir>/admin-token`, which the banner names). A
 * sign-in gives a session cookie (`__Host-` prefix, HttpOnly, Secure, SameSite=Strict); scripts may send
 * `Authorization: Bearer <admin token>` instead. The device login page stays open to everyone: it is
 * where participants sign in.
 */
import { randomBytes } from 'node:crypto'
import { Router, type RequestHandler } from 'express'
import { formBody } from '../http/index.js'
import { bearerToken, tokenMatches } from '../kernel/admin-token.js'
import { UiError } from './errors.js'

export const HOST_COOKIE = '__Host-aks-sim-host'
/** Sessions kept at once; the oldest is forgotten beyond this (its browser signs in again). */
const MAX_SESSIONS = 1000

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function page(message: string | undefined): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Host sign-in · aks-auth-sim</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/styles.css"></head>
<body><main>
<h1>Host sign-in</h1>
<p>Other machines can reach this simulator, so its controls need the host's admin token: the contents of
<code>&lt;state-dir&gt;/admin-token</code> on the machine that runs it.</p>
${message ? `<p role="alert">${escapeHtml(message)}</p>` : ''}
<form method="post" action="/host-signin">
<label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p><a href="/devicelogin">Device login</a> needs no host sign-in.</p>
</main></body></html>
`
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

export interface HostSignIn {
  /** `/host-signin` (the page and its form post) and `/host-signout`. */
  routes: Router
  /** In front of the UI's API: signed-in browsers and bearers of the admin token pass. */
  required: RequestHandler
}

export function createHostSignIn(o: { token: string }): HostSignIn {
  const sessions = new Set<string>()
  const signedIn = (cookie: string | undefined) => {
    const session = cookieValue(cookie, HOST_COOKIE)
    // A Set lookup on a random 256-bit id: nothing to learn from its timing.
    return session !== undefined && sessions.has(session)
  }
  const routes = Router()
  routes.get('/host-signin', (_req, res) => void res.type('html').send(page(undefined)))
  routes.post('/host-signin', formBody(), (req, res) => {
    const token = (req.body as Record<string, unknown> | undefined)?.token
    if (!tokenMatches(o.token, typeof token === 'string' ? token.trim() : undefined)) {
      res.status(401).type('html').send(page('That is not the admin token of this simulator.'))
      return
    }
    const session = randomBytes(32).toString('base64url')
    sessions.add(session)
    if (sessions.size > MAX_SESSIONS) sessions.delete(sessions.values().next().value!)
    res.setHeader('set-cookie', `${HOST_COOKIE}=${session}; Path=/; HttpOnly; Secure; SameSite=Strict`)
    res.redirect(303, '/')
  })
  routes.post('/host-signout', (req, res) => {
    const session = cookieValue(req.headers.cookie, HOST_COOKIE)
    if (session) sessions.delete(session)
    res.setHeader('set-cookie', `${HOST_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`)
    res.redirect(303, '/host-signin')
  })
  const required: RequestHandler = (req, _res, next) => {
    if (signedIn(req.headers.cookie) || tokenMatches(o.token, bearerToken(req.headers.authorization)))
      return next()
    next(
      new UiError(
        401,
        'host_sign_in_required',
        'other machines can reach this simulator: sign in as the host at /host-signin with the admin token',
      ),
    )
  }
  return { routes, required }
}
