/**
 * Token issuance throughput: the simulator's device_code redemption (access token + id token) against
 * the bare limit on this machine in the same run (bench/servers/entra-token-bare.ts), in alternating
 * rounds (medians reported). Usage: npx tsx bench/entra-token.ts [seconds per round] [rounds]
 */
import { readFileSync } from 'node:fs'
import type { Request } from 'autocannon'
import { AKS_CLIENT_APP_ID } from '../src/index.js'
import { alternate, benchPki, startServer, table } from './lib.js'

const duration = Number(process.argv[2] ?? 4)
const rounds = Number(process.argv[3] ?? 3)
const { pkiDir, caFile } = await benchPki()
const env = { BENCH_PKI_DIR: pkiDir, NODE_EXTRA_CA_CERTS: caFile }

// Each redemption consumes one approved device code; the simulator keeps at most 10,000 live codes.
const sim = await startServer<{ url: string; codesFile: string; accessClaims: unknown; idClaims: unknown }>(
  'bench/servers/entra-token-sim.ts',
  ['9800'],
  env,
)
const bare = await startServer<{ url: string }>('bench/servers/entra-token-bare.ts', [], {
  ...env,
  BENCH_ACCESS_CLAIMS: JSON.stringify(sim.info.accessClaims),
  BENCH_ID_CLAIMS: JSON.stringify(sim.info.idClaims),
})
const codes = JSON.parse(readFileSync(sim.info.codesFile, 'utf8')) as string[]
let next = 0
const form = { 'content-type': 'application/x-www-form-urlencoded' }
const redeem: Request = {
  method: 'POST',
  headers: form,
  setupRequest: (req: Request) => ({
    ...req,
    body: `grant_type=device_code&client_id=${AKS_CLIENT_APP_ID}&client_info=1&device_code=${codes[next++ % codes.length]}`,
  }),
}
const results = await alternate(
  [
    {
      name: 'bare node:https + jose, same response',
      opts: {
        url: bare.info.url,
        method: 'POST',
        headers: form,
        body: `grant_type=device_code&client_id=${AKS_CLIENT_APP_ID}&device_code=x`,
      },
    },
    { name: 'aks-auth-sim device_code redemption', opts: { url: sim.info.url, requests: [redeem] } },
  ],
  rounds,
  duration,
)
await Promise.all([bare.stop(), sim.stop()])
if (next > codes.length)
  throw new Error(`${next - codes.length} requests reused a redeemed code: lengthen the pool`)
for (const r of results)
  if (r.non2xx || r.errors) throw new Error(`${r.name}: ${r.non2xx} non-2xx, ${r.errors} errors`)
console.log(table(results))
console.log(
  `\nratio (simulator / bare): ${(results[1]!.rps / results[0]!.rps).toFixed(2)} (median of ${rounds} rounds)`,
)
