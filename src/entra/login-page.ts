/**
 * The device login page at `verification_uri`, served by the Entra host and by the web UI. As on
 * microsoft.com/devicelogin: enter the code; pick an account, then enter its password (the simulator
 * keeps no browser session, so every pick asks for it, as Entra does for an account with no session),
 * or type the username and password. In room mode (docs/room.md) the page lists no accounts: Entra's
 * picker shows only the accounts already signed in on that browser, which here would be everyone's;
 * "Are you trying to sign in to …?" with the app and what it asks for, Continue or Cancel. Disabled
 * accounts and expired or used codes get the page's messages. Server-rendered HTML forms, no script,
 * no external assets: works with a keyboard and a screen reader, and from `curl`.
 */
import { Router, type Response } from 'express'
import { formBody } from '../http/index.js'
import type { User } from '../kernel/directory.js'
import type { EntraDeps } from './deps.js'
import { decideDeviceCode, DeviceCodeDecisionError, WRONG_PASSWORD } from './device-authorization.js'
import type { DeviceAuthorization } from './device-codes.js'
import { readForm } from './token-endpoint.js'

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export const LOGIN_MESSAGES = {
  enterCode: 'Enter the code displayed on your app or device.',
  badCode: "That code didn't work. Check the code and try again.",
  expired: 'That code has expired. Go back to the app and request a new code.',
  badPassword: WRONG_PASSWORD,
  unknownUser:
    'This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin.',
  enterPassword: 'Enter password',
  disabled: 'Your account has been disabled. Contact your administrator. (AADSTS50057)',
  signedIn: 'You have signed in to the application on your device. You may now close this window.',
  declined: 'You have declined to sign in to the application on your device. You may now close this window.',
} as const

export interface LoginPageOptions {
  /** A link back to the page that sent the user here (the web UI). */
  home?: string
  /**
   * Answer a form shown again with its error as HTTP 200, as a browser-facing page does (the default
   * answers 400/401/404/410, which scripts checking the page rely on).
   */
  errorsAsPages?: boolean
}

function layout(title: string, body: string, opts: LoginPageOptions): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="icon" href="data:,">
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f2f2f2;color:#1b1b1b;margin:0}
main{max-width:440px;margin:8vh auto;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:1.5rem;font-weight:600;margin:0 0 16px}
h2{font-size:1.1rem;font-weight:600}
label{display:block;margin:12px 0 4px}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:8px;font-size:1rem;border:1px solid #666}
button{margin-top:16px;padding:8px 20px;font-size:1rem;border:1px solid #0067b8;background:#0067b8;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#0067b8}
ul.accounts button{margin-top:0;width:100%;text-align:left}
button:focus,input:focus,a:focus{outline:3px solid #1b1b1b;outline-offset:2px}
.error{color:#a4262c;font-weight:600}
ul.accounts{list-style:none;padding:0}
ul.accounts li{margin:6px 0}
.muted{color:#505050;font-size:.9rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:12px 0}
dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
.actions{display:flex;gap:12px}
footer{max-width:528px;box-sizing:border-box;padding:0 44px;margin:0 auto 24px;font-size:.9rem}
a{color:#0050a0}
</style></head>
<body><main>${body}</main>${opts.home ? `<footer><a href="${esc(opts.home)}">Back to the simulator</a></footer>` : ''}</body></html>`
}

function codeForm(opts: LoginPageOptions, error?: string, code = ''): string {
  return layout(
    'Enter code',
    `<h1>Enter code</h1>
<p id="code-help">${LOGIN_MESSAGES.enterCode}</p>
${error ? `<p class="error" role="alert" id="code-error">${esc(error)}</p>` : ''}
<form method="post" action="/devicelogin">
<label for="otc">Code</label>
<input type="text" id="otc" name="otc" value="${esc(code)}" autocomplete="off" autocapitalize="characters" spellcheck="false" autofocus required maxlength="32" aria-describedby="${error ? 'code-error ' : ''}code-help"${error ? ' aria-invalid="true"' : ''}>
<button type="submit">Next</button>
</form>`,
    opts,
  )
}

function sender(opts: LoginPageOptions) {
  return (res: Response, status: number, html: string): void => {
    res
      .status(opts.errorsAsPages ? 200 : status)
      .type('html')
      .set('Cache-Control', 'no-store')
      .send(html)
  }
}

/** Client, resource and permissions, as the consent part of the real page shows them. */
function appFacts(deps: EntraDeps, entry: DeviceAuthorization): string {
  const client = deps.directory.application(entry.clientId)
  const perms = entry.resource.permissions.join(', ') || '.default (the permissions granted to the app)'
  return `<dl>
<dt>App</dt><dd>${esc(client?.name ?? entry.clientId)} <span class="muted">(${esc(entry.clientId)})</span></dd>
<dt>Resource</dt><dd>${esc(entry.resource.app.name)} <span class="muted">(${esc(entry.resource.audience)})</span></dd>
<dt>Permissions</dt><dd>${esc(perms)}</dd>
${entry.oidcScopes.length ? `<dt>Sign-in scopes</dt><dd>${esc(entry.oidcScopes.join(' '))}</dd>` : ''}
</dl>`
}

/** The code's problem in the page's words, or the pending entry. */
function lookup(
  deps: EntraDeps,
  code: string,
): { entry: DeviceAuthorization } | { error: string; status: number } {
  if (!code) return { error: LOGIN_MESSAGES.enterCode, status: 400 }
  const entry = deps.deviceCodes.byUserCode(code)
  if (!entry || entry.state !== 'pending') return { error: LOGIN_MESSAGES.badCode, status: 400 }
  if (deps.clock.now() >= entry.expiresAt) return { error: LOGIN_MESSAGES.expired, status: 400 }
  return { entry }
}

export function createDeviceLoginRouter(deps: EntraDeps, opts: LoginPageOptions = {}): Router {
  const r = Router()
  const form = formBody()
  const send = sender(opts)
  const roomMode = () => deps.config.room.attendees > 0
  const page = (title: string, body: string) => layout(title, body, opts)
  const hiddenCode = (entry: DeviceAuthorization) =>
    `<input type="hidden" name="otc" value="${esc(entry.userCode)}">`
  const disabledPage = () =>
    // AADSTS50057 is "account disabled" (not AADSTS50053, "locked"): title, heading and text say so.
    page(
      'Account disabled',
      `<h1>Your account has been disabled</h1><p class="error" role="alert">${LOGIN_MESSAGES.disabled}</p>`,
    )

  r.get('/devicelogin', (_req, res) => send(res, 200, codeForm(opts)))

  /** The account picked from the list: its password next, as Entra asks for an account with no session. */
  const passwordPage = (entry: DeviceAuthorization, user: User, error?: string) =>
    page(
      'Enter password',
      `<p class="muted" id="account">${esc(user.userPrincipalName)}</p>
<h1>${LOGIN_MESSAGES.enterPassword}</h1>
${error ? `<p class="error" role="alert" id="password-error">${esc(error)}</p>` : ''}
<form method="post" action="/devicelogin/account">${hiddenCode(entry)}<input type="hidden" name="picked" value="list"><input type="hidden" name="user" value="${esc(user.userPrincipalName)}">
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" autofocus required aria-describedby="${error ? 'password-error ' : ''}account"${error ? ' aria-invalid="true"' : ''}>
<button type="submit">Sign in</button></form>`,
    )

  /** The account list, outside room mode only: with a room, it would hand every attendee the others' names. */
  const accountList = (entry: DeviceAuthorization) => {
    const accounts = deps.directory
      .users()
      .map(
        (u) =>
          `<li><button type="submit" name="user" value="${esc(u.id)}" class="secondary">${esc(u.displayName)} <span class="muted">${esc(u.userPrincipalName)}${u.accountEnabled ? '' : ' (disabled)'}</span></button></li>`,
      )
      .join('\n')
    return `<form method="post" action="/devicelogin/account">${hiddenCode(entry)}
<ul class="accounts" aria-label="Accounts">${accounts}</ul></form>
<h2>Or sign in with a password</h2>`
  }

  const accountPage = (entry: DeviceAuthorization, error?: string, typed = '') => {
    const client = deps.directory.application(entry.clientId)
    const title = roomMode() ? 'Sign in' : 'Pick an account'
    return page(
      title,
      `<h1>${title}</h1>
<p>You are signing in to <strong>${esc(client?.name ?? entry.clientId)}</strong> on another device.
It asks for: <strong>${esc(entry.resource.app.name)}</strong> (${esc(entry.resource.permissions.join(', ') || '.default')}).</p>
${roomMode() ? '<p class="muted">Type your own user name and password (no account list in a workshop room).</p>' : accountList(entry)}
${error ? `<p class="error" role="alert" id="password-error">${esc(error)}</p>` : ''}
<form method="post" action="/devicelogin/account">${hiddenCode(entry)}
<label for="user">Email, phone, or Skype</label><input type="text" id="user" name="user" value="${esc(typed)}" autocomplete="username"${roomMode() ? ' autofocus' : ''} required${error ? ' aria-describedby="password-error" aria-invalid="true"' : ''}>
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>`,
    )
  }

  r.post('/devicelogin', form, (req, res) => {
    const code = (readForm(req.body).otc ?? '').trim()
    const found = lookup(deps, code)
    if ('error' in found) return send(res, found.status, codeForm(opts, found.error, code))
    return send(res, 200, accountPage(found.entry))
  })

  r.post('/devicelogin/account', form, (req, res) => {
    const p = readForm(req.body)
    const found = lookup(deps, (p.otc ?? '').trim())
    if ('error' in found) return send(res, found.status, codeForm(opts, found.error, p.otc ?? ''))
    const { entry } = found
    const user: User | undefined = deps.directory.user(p.user ?? '')
    // A wrong username or password keeps what was typed (Entra clears only the password).
    if (!user) return send(res, 404, accountPage(entry, LOGIN_MESSAGES.unknownUser, p.user ?? ''))
    if (p.password === undefined) return send(res, 200, passwordPage(entry, user))
    if (p.password !== user.password)
      return send(
        res,
        401,
        p.picked === 'list'
          ? passwordPage(entry, user, LOGIN_MESSAGES.badPassword)
          : accountPage(entry, LOGIN_MESSAGES.badPassword, p.user ?? ''),
      )
    // Only this user may now Continue or Cancel for this code (checked in room mode, below).
    entry.signedInUserId = user.id
    if (!user.accountEnabled) {
      // The simulator lets the sign-in go through so the client's next poll gets AADSTS50057.
      decideDeviceCode(deps, { userCode: entry.userCode, user: user.id, decision: 'approve' })
      return send(res, 200, disabledPage())
    }
    const client = deps.directory.application(entry.clientId)
    const hidden = `${hiddenCode(entry)}<input type="hidden" name="user" value="${esc(user.id)}">`
    return send(
      res,
      200,
      page(
        'Are you trying to sign in?',
        `<p class="muted">${esc(user.userPrincipalName)}</p>
<h1>Are you trying to sign in to ${esc(client?.name ?? entry.clientId)}?</h1>
<p>Only continue if you downloaded the app from a store or website that you trust.</p>
${appFacts(deps, entry)}
<div class="actions">
<form method="post" action="/devicelogin/decide">${hidden}<input type="hidden" name="decision" value="decline"><button type="submit" class="secondary">Cancel</button></form>
<form method="post" action="/devicelogin/decide">${hidden}<input type="hidden" name="decision" value="approve"><button type="submit">Continue</button></form>
</div>`,
      ),
    )
  })

  r.post('/devicelogin/decide', form, (req, res) => {
    const p = readForm(req.body)
    try {
      const { user } = decideDeviceCode(deps, {
        userCode: p.otc ?? '',
        user: p.user ?? '',
        decision: p.decision === 'decline' ? 'decline' : 'approve',
        ...(p.password !== undefined && { password: p.password }),
        requireSignIn: roomMode(),
      })
      if (p.decision === 'decline')
        return send(
          res,
          200,
          page(
            'Sign-in canceled',
            `<h1>Sign-in canceled</h1><p role="status">${LOGIN_MESSAGES.declined}</p>`,
          ),
        )
      if (!user.accountEnabled) return send(res, 200, disabledPage())
      return send(
        res,
        200,
        page('Signed in', `<h1>${esc(user.displayName)}</h1><p role="status">${LOGIN_MESSAGES.signedIn}</p>`),
      )
    } catch (err) {
      if (!(err instanceof DeviceCodeDecisionError)) throw err
      const entry = deps.deviceCodes.byUserCode(p.otc ?? '')
      // Asked to sign in first: the sign-in form again, for the same code.
      if (err.code === 'sign_in_required' && entry)
        return send(res, err.status, accountPage(entry, err.message, p.user ?? ''))
      return send(res, err.status, codeForm(opts, err.message))
    }
  })
  return r
}
