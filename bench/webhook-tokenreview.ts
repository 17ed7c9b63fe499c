/**
 * TokenReview throughput of the authentication webhook, uncached and cached, against the bare limit
 * on this machine in the same run: node:https doing only jose.jwtVerify on the same token.
 * Usage: npx tsx bench/webhook-tokenreview.ts [seconds]
 */
import { benchPki, load, startServer, table, type Result } from './lib.js'

interface SimInfo {
  url: string
  token: string
  cert: string
  key: string
  jwks: unknown
  issuer: string
}

const duration = Number(process.argv[2] ?? 8)
const { pkiDir, caFile } = await benchPki()
const env = { BENCH_PKI_DIR: pkiDir, NODE_EXTRA_CA_CERTS: caFile }
const results: Result[] = []

async function measure(name: string, url: string, info: SimInfo) {
  const body = JSON.stringify({
    kind: 'TokenReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: { token: info.token },
    status: { user: {} },
  })
  const opts = {
    url,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body,
    tlsOptions: { cert: info.cert, key: info.key },
  }
  await load('warm-up', { ...opts, duration: 2 })
  results.push(await load(name, { ...opts, duration }))
}

for (const [name, ttl] of [
  ['aks-auth-sim webhook, cache off', 0],
  ['aks-auth-sim webhook, cache on', 60],
] as const) {
  const sim = await startServer<SimInfo>('bench/servers/webhook-sim.ts', [String(ttl)], env)
  if (results.length === 0) {
    const bare = await startServer<{ url: string }>('bench/servers/webhook-bare.ts', [], {
      ...env,
      BENCH_JWKS: JSON.stringify(sim.info.jwks),
      BENCH_ISSUER: sim.info.issuer,
    })
    await measure('bare node:https + jose.jwtVerify', bare.info.url, sim.info)
    await bare.stop()
  }
  await measure(name, sim.info.url, sim.info)
  await sim.stop()
}
console.log(table(results))
const base = results[0]!.rps
console.log(
  `\nratio uncached / bare: ${(results[1]!.rps / base).toFixed(2)}; cached / bare: ${(results[2]!.rps / base).toFixed(2)}`,
)
