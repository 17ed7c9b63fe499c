/**
 * `list pods` (52 pods, JSON) through the whole chain — bearer token, the API server's TokenReview
 * cache (hit after the first request; the webhook over mTLS on a miss), Kubernetes RBAC — against the
 * same API server and list with authentication off, in the same run, alternating rounds.
 * Usage: npx tsx bench/aks-chain-list.ts [seconds per round] [rounds]
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

const duration = Number(process.argv[2] ?? 5)
const rounds = Number(process.argv[3] ?? 3)
const { pkiDir, caFile } = await benchPki()
const env = { BENCH_PKI_DIR: pkiDir, NODE_EXTRA_CA_CERTS: caFile }
const modes = [
  ['API server, authentication off', 'bench/servers/chain-bare.ts'],
  ['whole chain: token → webhook (cached) → RBAC', 'bench/servers/chain-sim.ts'],
] as const
const servers: Awaited<ReturnType<typeof startServer<{ url: string; token: string }>>>[] = []
for (const [, script] of modes)
  servers.push(await startServer<{ url: string; token: string }>(script, [], env))
const opts = (i: number) => ({
  url: servers[i]!.info.url,
  headers: {
    accept: 'application/json',
    ...(servers[i]!.info.token && { authorization: `Bearer ${servers[i]!.info.token}` }),
  },
})
const load0 = loadAverage()
const runs = await alternateRuns(
  modes.map(([name], i) => ({ name, opts: opts(i), pid: servers[i]!.proc.pid })),
  rounds,
  duration,
)
await Promise.all(servers.map((s) => s.stop()))
for (const r of runs.flat())
  if (r.non2xx || r.errors) throw new Error(`${r.name}: ${r.non2xx} non-2xx, ${r.errors} errors`)
console.log(table(runs.map(medianRun)))
console.log(
  `\nload average before: ${load0}; after: ${loadAverage()}; ratios: median of ${rounds} per-round ratios\n`,
)
report([ratioRow('list pods (52), whole chain', runs[1]!, runs[0]!, { min: 0.85 })])
