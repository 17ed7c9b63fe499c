/**
 * The device login page at `verification_uri`: enter the code, pick an account (or sign in with the
 * scenario password), see what the app asks for, approve or decline. Server-rendered HTML forms, no
 * script, no external assets: works with a keyboard and a screen reader, and from `curl`.
 */
import { Router, type Response } from 'express'
import { formBody } from '../http/form.js'
import type { EntraDeps } from './deps.js'
import { decideDeviceCode, DeviceCodeDecisionError } from './device-authorization.js'
import { readForm } from './token-endpoint.js'

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f2f2f2;color:#1b1b1b;margin:0}
main{max-width:440px;margin:8vh auto;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:1.5rem;font-weight:600;margin:0 0 16px}
label{display:block;margin:12px 0 4px}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:8px;font-size:1rem;border:1px solid #666}
button{margin-top:16px;padding:8px 20px;font-size:1rem;border:1px solid #0067b8;background:#0067b8;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#0067b8}
button:focus,input:focus{outline:3px solid #1b1b1b;outline-offset:2px}
.error{color:#a4262c;font-weight:600}
ul.accounts{list-style:none;padding:0}
ul.accounts li{margin:6px 0}
.muted{color:#505050;font-size:.9rem}
</style></head>
<body><main>${body}</main></body></html>`
}

function codeForm(error?: string, code = ''): string {
  return page(
    'Enter code',
    `<h1>Enter code</h1>
<p>Enter the code displayed on your app or device.</p>
${error ? `<p class="error" role="alert" id="code-error">${esc(error)}</p>` : ''}
<form method="post" action="/devicelogin">
<label for="otc">Code</label>
<input type="text" id="otc" name="otc" value="${esc(code)}" autocomplete="off" autofocus required maxlength="32"${error ? ' aria-describedby="code-error" aria-invalid="true"' : ''}>
<button type="submit">Next</button>
</form>`,
  )
}

function send(res: Response, status: number, html: string): void {
  res.status(status).type('html').set('Cache-Control', 'no-store').send(html)
}

export function createDeviceLoginRouter(deps: EntraDeps): Router {
  const r = Router()
  const form = formBody()
  r.get('/devicelogin', (_req, res) => send(res, 200, codeForm()))

  r.post('/devicelogin', form, (req, res) => {
    const params = readForm(req.body)
    const code = (params.otc ?? '').trim()
    const entry = code ? deps.deviceCodes.byUserCode(code) : undefined
    if (!code) return send(res, 400, codeForm('Enter the code displayed on your app or device.'))
    if (!entry || entry.state !== 'pending')
      return send(res, 400, codeForm("That code didn't work. Check the code and try again.", code))
    if (deps.clock.now() >= entry.expiresAt)
      return send(
        res,
        400,
        codeForm('That code has expired. Go back to the app and request a new code.', code),
      )
    const client = deps.directory.application(entry.clientId)
    const accounts = deps.directory
      .users()
      .map(
        (u) =>
          `<li><button type="submit" name="user" value="${esc(u.id)}" class="secondary">${esc(u.displayName)} <span class="muted">${esc(u.userPrincipalName)}${u.accountEnabled ? '' : ' (disabled)'}</span></button></li>`,
      )
      .join('\n')
    const hidden = `<input type="hidden" name="otc" value="${esc(entry.userCode)}">`
    return send(
      res,
      200,
      page(
        'Pick an account',
        `<h1>Pick an account</h1>
<p>You are signing in to <strong>${esc(client?.name ?? entry.clientId)}</strong> on another device.
It asks for: <strong>${esc(entry.resource.app.name)}</strong> (${esc(entry.resource.permissions.join(', ') || '.default')}).</p>
<form method="post" action="/devicelogin/decide">${hidden}<input type="hidden" name="decision" value="approve">
<ul class="accounts" aria-label="Accounts">${accounts}</ul></form>
<h2 style="font-size:1.1rem">Or sign in with a password</h2>
<form method="post" action="/devicelogin/decide">${hidden}<input type="hidden" name="decision" value="approve">
<label for="user">Email, phone, or Skype</label><input type="text" id="user" name="user" autocomplete="username" required>
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>
<form method="post" action="/devicelogin/decide">${hidden}<input type="hidden" name="decision" value="decline">
<label for="decline-user">Decline as</label><input type="text" id="decline-user" name="user" required>
<button type="submit" class="secondary">Cancel sign-in</button></form>`,
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
      })
      if (p.decision === 'decline')
        return send(
          res,
          200,
          page(
            'Sign-in canceled',
            `<h1>Sign-in canceled</h1><p>You have declined to sign in to the application on your device. You may now close this window.</p>`,
          ),
        )
      if (!user.accountEnabled)
        return send(
          res,
          200,
          page(
            'Account disabled',
            `<h1>Your account has been locked</h1><p class="error" role="alert">Your account has been disabled. Contact your administrator. (AADSTS50057)</p>`,
          ),
        )
      return send(
        res,
        200,
        page(
          'Signed in',
          `<h1>${esc(user.displayName)}</h1><p>You have signed in to the application on your device. You may now close this window.</p>`,
        ),
      )
    } catch (err) {
      if (!(err instanceof DeviceCodeDecisionError)) throw err
      return send(res, err.status, codeForm(err.message))
    }
  })
  return r
}
