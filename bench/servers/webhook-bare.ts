/**
 * The bare limit for a TokenReview: node:https (same certificate, same client-certificate request),
 * reading the JSON body and running only `jose.jwtVerify` on the token against the tenant's JWKS,
 * answering a minimal TokenReview.
 */
import { createServer } from 'node:https'
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose'
import { loadOrCreatePki } from '../../src/kernel/tls.js'

const pki = await loadOrCreatePki(process.env.BENCH_PKI_DIR)
const jwks = createLocalJWKSet(JSON.parse(process.env.BENCH_JWKS!) as JSONWebKeySet)
const issuer = process.env.BENCH_ISSUER!
const server = createServer(
  {
    cert: pki.server.certPem,
    key: pki.server.keyPem,
    ca: pki.ca.certPem,
    requestCert: true,
    rejectUnauthorized: false,
  },
  (req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => (body += c))
    req.on('end', () => {
      const review = JSON.parse(body) as { spec: { token: string } }
      jwtVerify(review.spec.token, jwks, { issuer, audience: '6dae42f8-4368-4678-94ff-3960e28e3630' }).then(
        ({ payload }) => {
          const out = JSON.stringify({
            kind: 'TokenReview',
            apiVersion: 'authentication.k8s.io/v1',
            status: { authenticated: true, user: { username: payload.upn } },
          })
          res.writeHead(200, { 'content-type': 'application/json' })
          res.end(out)
        },
        (err: Error) => {
          res.writeHead(200, { 'content-type': 'application/json' })
          res.end(
            JSON.stringify({
              kind: 'TokenReview',
              apiVersion: 'authentication.k8s.io/v1',
              status: { error: err.message },
            }),
          )
        },
      )
    })
  },
)
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(
    `READY ${JSON.stringify({ url: `https://127.0.0.1:${(server.address() as { port: number }).port}/tokenreviews` })}\n`,
  )
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
