/**
 * Token issuance throughput: the simulator's device_code redemption (access token + id token) against
 * the bare limit on this machine in the same run (bench/servers/entra-token-bare.ts), in alternating
 * rounds (medians reported). Usage: npx tsx bench/entra-token.ts [seconds per round] [rounds]
 *
 * Every redemption consumes one approved device code, and the simulator holds at most 10,000 codes,
 * so each simulator run (warm-up included) gets a fresh batch, fetched before the run starts (the
 * target's `before` step of lib's alternating rounds).
 */
import type { Request } from 'autocannon'
import { AKS_CLIENT_APP_ID } from '../src/index.js'
import { alternateRuns, benchPki, medianRun, startServer, table, type Target } from './lib.js'

const duration = Number(process.argv[2] ?? 4)
const rounds = Number(process.argv[3] ?? 3)
const { pkiDir, caFile } = await benchPki()
const env = { BENCH_PKI_DIR: pkiDir, NODE_EXTRA_CA_CERTS: caFile }

const sim = await startServer<{ url: string; controlUrl: string; accessClaims: unknown; idClaims: unknown }>(
  'bench/servers/entra-token-sim.ts',
  ['9800'],
  env,
)
const bare = await startServer<{ url: string }>('bench/servers/entra-token-bare.ts', [], {
  ...env,
  BENCH_ACCESS_CLAIMS: JSON.stringify(sim.info.accessClaims),
  BENCH_ID_CLAIMS: JSON.stringify(sim.info.idClaims),
})

const pool = { codes: [] as string[], next: 0, exhausted: 0 }
async function refill(): Promise<void> {
  const res = await fetch(sim.info.controlUrl, { method: 'POST' })
  if (!res.ok) throw new Error(`code batch failed: ${res.status} ${await res.text()}`)
  pool.codes = (await res.json()) as string[]
  pool.next = 0
}
const form = { 'content-type': 'application/x-www-form-urlencoded' }
const redeem: Request = {
  method: 'POST',
  headers: form,
  setupRequest: (req: Request) => {
    const code = pool.codes[pool.next++]
    if (code === undefined) pool.exhausted++
    return {
      ...req,
      body: `grant_type=device_code&client_id=${AKS_CLIENT_APP_ID}&client_info=1&device_code=${code ?? 'exhausted'}`,
    }
  },
}
const targets: Target[] = [
  {
    name: 'bare node:https + jose, same response',
    opts: {
      url: bare.info.url,
      method: 'POST' as const,
      headers: form,
      body: `grant_type=device_code&client_id=${AKS_CLIENT_APP_ID}&device_code=x`,
    },
  },
  {
    name: 'aks-auth-sim device_code redemption',
    opts: { url: sim.info.url, requests: [redeem] },
    before: refill,
  },
]

const runs = await alternateRuns(targets, rounds, duration)
const results = runs.map(medianRun)
await Promise.all([bare.stop(), sim.stop()])
if (pool.exhausted > 0)
  throw new Error(`${pool.exhausted} requests found the code batch empty: enlarge the batch`)
for (const r of runs.flat())
  if (r.non2xx || r.errors) throw new Error(`${r.name}: ${r.non2xx} non-2xx, ${r.errors} errors`)
console.log(table(results))
for (const [i, t] of targets.entries())
  console.log(`${t.name}, every round: ${runs[i]!.map((r) => r.rps.toFixed(0)).join(', ')} req/s`)
// Each simulator round runs right after a bare round: their ratio is less exposed to load from
// other processes that comes and goes over a run.
const paired = runs[1]!.map((r, i) => r.rps / runs[0]![i]!.rps)
console.log(`paired ratio per round: ${paired.map((x) => x.toFixed(2)).join(', ')}`)
console.log(
  `\nratio (simulator / bare): ${(results[1]!.rps / results[0]!.rps).toFixed(2)} (median of ${rounds} rounds)`,
)
