/**
 * Token issuance throughput. Over HTTPS, the simulator (the whole of it, as `start` runs it) against the
 * bare limit for three grants — client_credentials (the webhook's own Graph sign-in), device_code
 * redemption and refresh_token redemption — each limit answering that grant's exact response (every
 * JWT re-signed RS256 with jose; bench/servers/entra-token-bare.ts). Over plain HTTP, the peers a user
 * could pick instead — oidc-provider 9 issuing JWT access tokens and oauth2-mock-server 8 — on the same
 * client_credentials workload, against the same bare signer over plain HTTP. All targets alternate,
 * round after round; each ratio is the median of the per-round ratios.
 * Usage: npx tsx bench/entra-token.ts [seconds per round] [rounds]
 *
 * Every device-code redemption consumes one approved code: each simulator run (warm-up included) gets
 * a fresh batch, fetched before the run starts (the target's `before` step). Refresh tokens rotate: each
 * connection starts with a fresh one and goes on with the successor each answer carries.
 */
import type { Request } from 'autocannon'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID } from '../src/index.js'
import {
  alternateRuns,
  benchPki,
  loadAverage,
  ratioRow,
  report,
  startServer,
  table,
  type Target,
} from './lib.js'

const duration = Number(process.argv[2] ?? 4)
const rounds = Number(process.argv[3] ?? 3)
const { pkiDir, caFile } = await benchPki()
const env = { BENCH_PKI_DIR: pkiDir, NODE_EXTRA_CA_CERTS: caFile }

type Grant = 'client_credentials' | 'device_code' | 'refresh_token'
const sim = await startServer<{
  url: string
  controlUrl: string
  clientCredentials: Record<string, string>
  samples: Record<Grant, unknown>
  codeLength: number
}>('bench/servers/entra-token-sim.ts', [String(Math.ceil(Math.max(duration, 2) * 3000))], env)
const bareFor = (grant: Grant, plain = false) =>
  startServer<{ url: string }>('bench/servers/entra-token-bare.ts', [], {
    ...env,
    BENCH_SAMPLE: JSON.stringify(sim.info.samples[grant]),
    ...(plain && { BENCH_PLAIN: '1' }),
  })
const cc = sim.info.clientCredentials
const bare = {
  client_credentials: await bareFor('client_credentials'),
  device_code: await bareFor('device_code'),
  refresh_token: await bareFor('refresh_token'),
}
const plainBare = await bareFor('client_credentials', true)
const peerEnv = { ...env, BENCH_CLIENT_ID: cc.client_id!, BENCH_CLIENT_SECRET: cc.client_secret! }
const oidcProvider = await startServer<{ url: string }>(
  'bench/servers/token-peer-oidc-provider.ts',
  [],
  peerEnv,
)
const oauth2Mock = await startServer<{ url: string }>('bench/servers/token-peer-oauth2-mock.ts', [], peerEnv)

const form = { 'content-type': 'application/x-www-form-urlencoded' }
const post = (url: string, body: Record<string, string>) => ({
  url,
  method: 'POST' as const,
  headers: form,
  body: new URLSearchParams(body).toString(),
})

// Device codes: one batch per simulator run, enough for 3,000 redemptions a second.
const codes = { list: [] as string[], next: 0, exhausted: 0 }
async function refillCodes(): Promise<void> {
  const res = await fetch(`${sim.info.controlUrl}/codes`, { method: 'POST' })
  if (!res.ok) throw new Error(`code batch failed: ${res.status} ${await res.text()}`)
  codes.list = (await res.json()) as string[]
  codes.next = 0
}
/** A device-code redemption; `next` gives each request its code (the bare signer's target: a dummy). */
function codeRequest(next: () => string | undefined): Request {
  return {
    method: 'POST',
    headers: form,
    setupRequest: (req: Request) => {
      const code = next()
      if (code === undefined) codes.exhausted++
      return {
        ...req,
        body: `grant_type=device_code&client_id=${AKS_CLIENT_APP_ID}&client_info=1&device_code=${code ?? 'exhausted'}`,
      }
    },
  }
}
const redeemCode = codeRequest(() => codes.list[codes.next++])

const refreshScope = encodeURIComponent(`${AKS_SERVER_APP_ID}/.default openid profile offline_access`)
/**
 * Refresh tokens rotate: a shared pool (more tokens than connections), each request taking one and
 * each answer putting its successor back. (autocannon resets a connection's context per request.)
 * The bare signer's target gets a pool of its own and the same work in the load generator (the body
 * built per request, every answer parsed for its refresh token), which it ignores: the generator
 * shares the machine's two cores with the server, so work it does for one target only would count
 * against that target.
 */
function refreshRequest(pool: string[]): Request {
  return {
    method: 'POST',
    headers: form,
    setupRequest: (req: Request) => ({
      ...req,
      body: `grant_type=refresh_token&client_id=${AKS_CLIENT_APP_ID}&client_info=1&scope=${refreshScope}&refresh_token=${pool.shift() ?? 'exhausted'}`,
    }),
    onResponse: (status: number, body: string) => {
      if (status === 200) pool.push((JSON.parse(body) as { refresh_token: string }).refresh_token)
    },
  }
}
const simPool: string[] = []
async function refillRefresh(): Promise<void> {
  const res = await fetch(`${sim.info.controlUrl}/refresh?n=16`, { method: 'POST' })
  if (!res.ok) throw new Error(`refresh tokens failed: ${res.status} ${await res.text()}`)
  simPool.splice(0, simPool.length, ...((await res.json()) as string[]))
}
const redeemRefresh = refreshRequest(simPool)
// The bare signer's load: the same requests, codes and tokens of the simulator's lengths, never checked.
const sample = sim.info.samples as Record<Grant, Record<string, unknown>>
const dummyToken = String(sample.refresh_token.refresh_token)
const barePool: string[] = []
const refillBarePool = () => {
  barePool.splice(0, barePool.length, ...Array.from({ length: 16 }, () => dummyToken))
  return Promise.resolve()
}
const dummyCode = 'x'.repeat(sim.info.codeLength)

const targets: Target[] = [
  {
    name: 'bare node:https + jose, client_credentials',
    opts: post(bare.client_credentials.info.url, cc),
    pid: bare.client_credentials.proc.pid,
  },
  { name: 'aks-auth-sim client_credentials', opts: post(sim.info.url, cc), pid: sim.proc.pid },
  {
    name: 'bare node:https + jose, device_code',
    opts: { url: bare.device_code.info.url, requests: [codeRequest(() => dummyCode)] },
    pid: bare.device_code.proc.pid,
  },
  {
    name: 'aks-auth-sim device_code',
    opts: { url: sim.info.url, requests: [redeemCode] },
    before: refillCodes,
    pid: sim.proc.pid,
  },
  {
    name: 'bare node:https + jose, refresh_token',
    opts: { url: bare.refresh_token.info.url, requests: [refreshRequest(barePool)] },
    before: refillBarePool,
    pid: bare.refresh_token.proc.pid,
  },
  {
    name: 'aks-auth-sim refresh_token',
    opts: { url: sim.info.url, requests: [redeemRefresh] },
    before: refillRefresh,
    pid: sim.proc.pid,
  },
  {
    name: 'bare node:http + jose, client_credentials',
    opts: post(plainBare.info.url, cc),
    pid: plainBare.proc.pid,
  },
  {
    name: 'oidc-provider 9.13.3 (http)',
    opts: post(oidcProvider.info.url, { ...cc, scope: '.default' }),
    pid: oidcProvider.proc.pid,
  },
  { name: 'oauth2-mock-server 8.2.3 (http)', opts: post(oauth2Mock.info.url, cc), pid: oauth2Mock.proc.pid },
]

const load0 = loadAverage()
const runs = await alternateRuns(targets, rounds, duration)
await Promise.all([sim, ...Object.values(bare), plainBare, oidcProvider, oauth2Mock].map((s) => s.stop()))
if (codes.exhausted > 0)
  throw new Error(`${codes.exhausted} requests found the code batch empty: enlarge the batch`)
for (const r of runs.flat())
  if (r.non2xx || r.errors) throw new Error(`${r.name}: ${r.non2xx} non-2xx, ${r.errors} errors`)
console.log(table(runs.map((rs) => [...rs].sort((a, b) => a.rps - b.rps)[Math.floor(rs.length / 2)]!)))
for (const [i, t] of targets.entries())
  console.log(`${t.name}, every round: ${runs[i]!.map((r) => r.rps.toFixed(0)).join(', ')} req/s`)
console.log(`\nload average before: ${load0}; after: ${loadAverage()}\n`)
const [bcc, scc, bdc, sdc, brt, srt, plain, oidc, mock] = runs
report([
  ratioRow('token: client_credentials (HTTPS)', scc!, bcc!, { min: 0.9 }),
  ratioRow('token: device_code (HTTPS)', sdc!, bdc!, { min: 0.9 }),
  ratioRow('token: refresh_token (HTTPS)', srt!, brt!, { min: 0.9 }),
  ratioRow('token: client_credentials, peer (HTTP)', oidc!, plain!),
  ratioRow('token: client_credentials, peer (HTTP)', mock!, plain!),
])
