/**
 * TokenReview throughput of the authentication webhook, uncached and cached, against the bare limit
 * on this machine in the same run: node:https doing only jose.jwtVerify on the same token. The three
 * servers run at once and are measured in alternating rounds; medians are reported.
 * Usage: npx tsx bench/webhook-tokenreview.ts [seconds per round] [rounds]
 */
import {
  alternateRuns,
  benchPki,
  loadAverage,
  medianRun,
  ratioRow,
  report,
  startServer,
  table,
} from './lib.js'

interface SimInfo {
  url: string
  token: string
  cert: string
  key: string
  jwks: unknown
  issuer: string
}

const duration = Number(process.argv[2] ?? 5)
const rounds = Number(process.argv[3] ?? 3)
const { pkiDir, caFile } = await benchPki()
const env = { BENCH_PKI_DIR: pkiDir, NODE_EXTRA_CA_CERTS: caFile }

const uncached = await startServer<SimInfo>('bench/servers/webhook-sim.ts', ['0'], env)
const cached = await startServer<SimInfo>('bench/servers/webhook-sim.ts', ['60'], env)
const bare = await startServer<{ url: string }>('bench/servers/webhook-bare.ts', [], {
  ...env,
  BENCH_JWKS: JSON.stringify(uncached.info.jwks),
  BENCH_ISSUER: uncached.info.issuer,
})
const target = (name: string, url: string, info: SimInfo, pid?: number) => ({
  name,
  pid,
  opts: {
    url,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      kind: 'TokenReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { token: info.token },
      status: { user: {} },
    }),
    tlsOptions: { cert: info.cert, key: info.key },
  },
})
// The bare server verifies the uncached simulator's token (same tenant keys, same claims).
const load0 = loadAverage()
const runs = await alternateRuns(
  [
    target('bare node:https + jose.jwtVerify', bare.info.url, uncached.info, bare.proc.pid),
    target('aks-auth-sim webhook, cache off', uncached.info.url, uncached.info, uncached.proc.pid),
    target('aks-auth-sim webhook, cache on', cached.info.url, cached.info, cached.proc.pid),
  ],
  rounds,
  duration,
)
await Promise.all([bare.stop(), uncached.stop(), cached.stop()])
for (const r of runs.flat())
  if (r.non2xx || r.errors) throw new Error(`${r.name}: ${r.non2xx} non-2xx, ${r.errors} errors`)
console.log(table(runs.map(medianRun)))
console.log(
  `\nload average before: ${load0}; after: ${loadAverage()}; ratios: median of ${rounds} per-round ratios\n`,
)
report([
  ratioRow('TokenReview, webhook cache off', runs[1]!, runs[0]!, { min: 0.9 }),
  ratioRow('TokenReview, webhook cache on', runs[2]!, runs[0]!),
])
