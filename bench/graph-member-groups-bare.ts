/**
 * The bare limit for getMemberGroups over HTTPS: node:https with the simulator's TLS certificate that
 * verifies the bearer token's RS256 signature with jose and serialises the same answer (the synthetic
 * user's group ids, looked up once at start), with no routing, no permission checks and no lookups.
 */
import { createServer } from 'node:https'
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose'
import { loadOrCreatePki } from '../src/kernel/tls.js'
import { createDirectory } from '../src/kernel/directory.js'
import { firstPartyApplications } from '../src/kernel/first-party.js'
import { SYNTH_UPN, syntheticScenario } from './graph-synthetic.js'

const [groups, depth, filler] = process.argv.slice(2).map(Number)
const pki = await loadOrCreatePki(process.env.BENCH_PKI_DIR ?? '.bench-pki')
const jwks = createLocalJWKSet(JSON.parse(process.env.BENCH_JWKS ?? '{"keys":[]}') as JSONWebKeySet)
const directory = createDirectory(
  syntheticScenario(groups ?? 1000, depth ?? 5, filler ?? 0),
  firstPartyApplications,
)
const ids = directory.transitiveGroups(directory.user(SYNTH_UPN)!.id).map((g) => g.id)
const server = createServer({ cert: pki.server.certPem, key: pki.server.keyPem }, (req, res) => {
  req.resume()
  req.on('end', () => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '')
    jwtVerify(token, jwks).then(
      () => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(
          JSON.stringify({
            '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)',
            value: ids,
          }),
        )
      },
      () => {
        res.writeHead(401)
        res.end()
      },
    )
  })
})
server.listen(0, '127.0.0.1', () => {
  const addr = server.address() as { port: number }
  process.stdout.write(`READY ${JSON.stringify({ url: `https://127.0.0.1:${addr.port}/getMemberGroups` })}\n`)
})
