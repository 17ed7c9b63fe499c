/**
 * getMemberGroups over HTTPS: the whole simulator (a synthetic tenant, a user in 1,000 groups nested
 * 5 deep, 1,000 unrelated users and groups) against a bare node:https server that checks the bearer
 * token with jose and serialises the same answer, alternating rounds, median of per-round ratios.
 * (bench/graph-member-groups.ts measures the pipeline in process and how it scales.)
 * Usage: npx tsx bench/graph-member-groups-http.ts [seconds per round] [rounds]
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

const duration = Number(process.argv[2] ?? 4)
const rounds = Number(process.argv[3] ?? 3)
const { pkiDir, caFile } = await benchPki()
const env = { BENCH_PKI_DIR: pkiDir, NODE_EXTRA_CA_CERTS: caFile }
const args = ['1000', '5', '1000']
const sim = await startServer<{ url: string; token: string; jwks: unknown }>(
  'bench/graph-member-groups-sim.ts',
  args,
  env,
)
const bare = await startServer<{ url: string }>('bench/graph-member-groups-bare.ts', args, {
  ...env,
  BENCH_JWKS: JSON.stringify(sim.info.jwks),
})
const request = {
  method: 'POST' as const,
  headers: { authorization: `Bearer ${sim.info.token}`, 'content-type': 'application/json' },
  body: '{"securityEnabledOnly":false}',
}
const load0 = loadAverage()
const runs = await alternateRuns(
  [
    {
      name: 'bare node:https + jose, same answer',
      opts: { url: bare.info.url, ...request },
      pid: bare.proc.pid,
    },
    {
      name: 'aks-auth-sim Graph getMemberGroups',
      opts: { url: sim.info.url, ...request },
      pid: sim.proc.pid,
    },
  ],
  rounds,
  duration,
)
await Promise.all([bare.stop(), sim.stop()])
for (const r of runs.flat())
  if (r.non2xx || r.errors) throw new Error(`${r.name}: ${r.non2xx} non-2xx, ${r.errors} errors`)
console.log(table(runs.map(medianRun)))
console.log(
  `\nload average before: ${load0}; after: ${loadAverage()}; ratios: median of ${rounds} per-round ratios\n`,
)
report([ratioRow('Graph getMemberGroups, 1,000 groups', runs[1]!, runs[0]!, { min: 0.85 })])
