/**
 * The bare limit for token issuance: node:https with the simulator's TLS certificate, reading a form
 * and answering the same response a device-code redemption returns — an access token and an ID token
 * with the same claims (template taken from a real simulator token), signed RS256 with jose, plus an
 * opaque refresh token and client_info — with no routing, no lookups and no state.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer } from 'node:https'
import { join } from 'node:path'
import { SignJWT } from 'jose'
import { loadOrCreatePki } from '../../src/kernel/tls.js'

const pki = await loadOrCreatePki(process.env.BENCH_PKI_DIR ?? join(process.cwd(), '.bench-pki'))
const access = JSON.parse(process.env.BENCH_ACCESS_CLAIMS ?? '{}') as Record<string, unknown>
const id = JSON.parse(process.env.BENCH_ID_CLAIMS ?? '{}') as Record<string, unknown>
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const server = createServer({ cert: pki.server.certPem, key: pki.server.keyPem }, (req, res) => {
  let body = ''
  req.setEncoding('utf8')
  req.on('data', (c: string) => (body += c))
  req.on('end', () => {
    const params = new URLSearchParams(body)
    const now = Math.floor(Date.now() / 1000)
    const times = { iat: now, nbf: now, exp: now + 3600 }
    const header = { typ: 'JWT', alg: 'RS256', kid: 'k1' }
    void Promise.all([
      new SignJWT({ ...access, ...times, appid: params.get('client_id') ?? '' })
        .setProtectedHeader({ ...header, x5t: 'k1' })
        .sign(privateKey),
      new SignJWT({ ...id, ...times }).setProtectedHeader(header).sign(privateKey),
    ]).then(([at, it]) => {
      const out = JSON.stringify({
        token_type: 'Bearer',
        scope: access.scp,
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: at,
        refresh_token: randomBytes(120).toString('base64url'),
        id_token: it,
        client_info: Buffer.from(JSON.stringify({ uid: access.oid, utid: access.tid })).toString('base64url'),
      })
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
      res.end(out)
    })
  })
})
server.listen(0, '127.0.0.1', () => {
  const addr = server.address() as { port: number }
  process.stdout.write(`READY ${JSON.stringify({ url: `https://127.0.0.1:${addr.port}/token` })}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
