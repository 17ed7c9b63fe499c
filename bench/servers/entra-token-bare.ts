/**
 * The bare limit for token issuance: node:https with the simulator's TLS certificate (or node:http with
 * BENCH_PLAIN=1, the baseline of the peers), reading the form and answering the same response the
 * simulator gave for this grant (BENCH_SAMPLE: every JWT in it re-signed RS256 with jose and fresh
 * times, the same claims and header otherwise; a fresh opaque refresh token of the same length), with no
 * routing, no lookups and no state.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { join } from 'node:path'
import { SignJWT, type JWTHeaderParameters } from 'jose'
import { loadOrCreatePki } from '../../src/kernel/tls.js'

const sample = JSON.parse(process.env.BENCH_SAMPLE ?? '{}') as Record<string, unknown>
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const part = (jwt: string, i: number) =>
  JSON.parse(Buffer.from(jwt.split('.')[i]!, 'base64url').toString()) as Record<string, unknown>
const isJwt = (v: unknown): v is string => typeof v === 'string' && /^eyJ[\w-]*\.eyJ[\w-]*\.[\w-]+$/.test(v)
const jwts = Object.entries(sample)
  .filter(([, v]) => isJwt(v))
  .map(([k, v]) => ({
    field: k,
    header: part(v as string, 0) as JWTHeaderParameters,
    claims: part(v as string, 1),
  }))
const refreshLength = typeof sample.refresh_token === 'string' ? sample.refresh_token.length : 0

function handle(req: IncomingMessage, res: ServerResponse): void {
  let body = ''
  req.setEncoding('utf8')
  req.on('data', (c: string) => (body += c))
  req.on('end', () => {
    const params = new URLSearchParams(body)
    const now = Math.floor(Date.now() / 1000)
    const times = { iat: now, nbf: now, exp: now + 3600 }
    void Promise.all(
      jwts.map(({ header, claims }) =>
        new SignJWT({
          ...claims,
          ...times,
          ...(claims.appid !== undefined && { appid: params.get('client_id') ?? '' }),
        })
          .setProtectedHeader(header)
          .sign(privateKey),
      ),
    ).then((signed) => {
      const answer: Record<string, unknown> = { ...sample }
      jwts.forEach(({ field }, i) => (answer[field] = signed[i]))
      if (refreshLength)
        answer.refresh_token = randomBytes(refreshLength).toString('base64url').slice(0, refreshLength)
      const out = JSON.stringify(answer)
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
      res.end(out)
    })
  })
}

const server =
  process.env.BENCH_PLAIN === '1'
    ? createHttpServer(handle)
    : await (async () => {
        const pki = await loadOrCreatePki(process.env.BENCH_PKI_DIR ?? join(process.cwd(), '.bench-pki'))
        return createHttpsServer({ cert: pki.server.certPem, key: pki.server.keyPem }, handle)
      })()
server.listen(0, '127.0.0.1', () => {
  const addr = server.address() as { port: number }
  const scheme = process.env.BENCH_PLAIN === '1' ? 'http' : 'https'
  process.stdout.write(`READY ${JSON.stringify({ url: `${scheme}://127.0.0.1:${addr.port}/token` })}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
