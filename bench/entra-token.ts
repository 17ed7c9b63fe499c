/**
 * Token issuance throughput: the simulator's device_code redemption (access token + id token) against
 * the bare limit on this machine in the same run (bench/servers/entra-token-bare.ts). Prints a
 * Markdown table and the ratio. Usage: npx tsx bench/entra-token.ts [seconds]
 */
import { readFileSync } from 'node:fs'
import type { Request } from 'autocannon'
import { AKS_CLIENT_APP_ID } from '../src/index.js'
import { benchPki, load, startServer, table } from './lib.js'

const duration = Number(process.argv[2] ?? 8)
const { pkiDir, caFile } = await benchPki()
const env = { BENCH_PKI_DIR: pkiDir, NODE_EXTRA_CA_CERTS: caFile }
const results = []

const sim = await startServer<{ url: string; codesFile: string; accessClaims: unknown; idClaims: unknown }>(
  'bench/servers/entra-token-sim.ts',
  [String(Math.min(9000, duration * 900 + 2000))],
  env,
)
const bare = await startServer<{ url: string }>('bench/servers/entra-token-bare.ts', [], {
  ...env,
  BENCH_ACCESS_CLAIMS: JSON.stringify(sim.info.accessClaims),
  BENCH_ID_CLAIMS: JSON.stringify(sim.info.idClaims),
})
const form = `grant_type=device_code&client_id=${AKS_CLIENT_APP_ID}&device_code=x`
await load('warm-up', {
  url: bare.info.url,
  method: 'POST',
  duration: 2,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: form,
})
results.push(
  await load('bare node:https + jose, same response', {
    url: bare.info.url,
    method: 'POST',
    duration,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  }),
)
await bare.stop()

const codes = JSON.parse(readFileSync(sim.info.codesFile, 'utf8')) as string[]
let next = 0
const request = (): Request => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  setupRequest: (req: Request) => ({
    ...req,
    body: `grant_type=device_code&client_id=${AKS_CLIENT_APP_ID}&client_info=1&device_code=${codes[next++ % codes.length]}`,
  }),
})
await load('warm-up', { url: sim.info.url, duration: 2, requests: [request()] })
results.push(
  await load('aks-auth-sim device_code redemption', { url: sim.info.url, duration, requests: [request()] }),
)
await sim.stop()
if (next > codes.length)
  console.error(`warning: ${next - codes.length} requests reused a redeemed code (non-2xx)`)

const [base, ours] = [results[0]!, results[1]!]
console.log(table(results))
console.log(`\nratio (simulator / bare): ${(ours.rps / base.rps).toFixed(2)}`)
