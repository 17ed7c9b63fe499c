/**
 * Load figures for docs/reliability.md: 500 concurrent device-code sign-ins (errors, p50/p99 of a whole
 * sign-in: POST /devicecode then POST /token), then 50,000 requests at 64 in flight across Entra
 * metadata, the API server (bearer token → TokenReview webhook → RBAC) and /metrics, and the
 * simulator's RSS (and heap used) at start, after the sign-ins, after the 50,000 requests, after 30 s idle and
 * after a forced full GC in the simulator (SIGUSR2).
 * Usage: npx tsx bench/reliability-load.ts [sign-ins] [requests] [idle seconds]
 */
import { readFileSync } from 'node:fs'
import { Agent, request } from 'node:https'
import { loadavg } from 'node:os'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID } from '../src/index.js'
import { benchPki, startServer } from './lib.js'

const signIns = Number(process.argv[2] ?? 500)
const total = Number(process.argv[3] ?? 50_000)
const idleSeconds = Number(process.argv[4] ?? 30)

const { pkiDir, caFile } = await benchPki()
interface Info {
  pid: number
  authority: string
  tenantId: string
  apiServer: string
  admin: string
}
const server = await startServer<Info>('bench/servers/reliability-sim.ts', [], { BENCH_PKI_DIR: pkiDir })
const { info } = server
const agent = new Agent({ ca: readFileSync(caFile), keepAlive: true, maxSockets: 600 })

const rssMb = () => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${info.pid}/status`, 'utf8'))
  return Math.round(Number(m![1]) / 1024)
}

function call(url: string, opts: { method?: string; form?: Record<string, string>; token?: string } = {}) {
  const body = opts.form ? new URLSearchParams(opts.form).toString() : undefined
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      url,
      {
        agent,
        method: opts.method ?? (body ? 'POST' : 'GET'),
        headers: {
          ...(body && { 'content-type': 'application/x-www-form-urlencoded' }),
          ...(opts.token && { authorization: `Bearer ${opts.token}` }),
        },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode!, body: text }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** The simulator's own view of its heap, from its /metrics (prom-client's default metrics). */
async function heapUsedMb(): Promise<number> {
  const text = (await call(`${info.admin}/metrics`)).body
  const m = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)
  return Math.round(Number(m?.[1] ?? NaN) / 1024 / 1024)
}

const base = `${info.authority}/${info.tenantId}/oauth2/v2.0`
async function signIn(): Promise<{ ms: number; token?: string; error?: string }> {
  const started = performance.now()
  try {
    const code = await call(`${base}/devicecode`, {
      form: { client_id: AKS_CLIENT_APP_ID, scope: `${AKS_SERVER_APP_ID}/.default` },
    })
    if (code.status !== 200) return { ms: 0, error: `devicecode ${code.status} ${code.body.slice(0, 120)}` }
    const { device_code } = JSON.parse(code.body) as { device_code: string }
    const token = await call(`${base}/token`, {
      form: { grant_type: 'device_code', client_id: AKS_CLIENT_APP_ID, device_code },
    })
    if (token.status !== 200) return { ms: 0, error: `token ${token.status} ${token.body.slice(0, 120)}` }
    return {
      ms: performance.now() - started,
      token: (JSON.parse(token.body) as { access_token: string }).access_token,
    }
  } catch (err) {
    return { ms: 0, error: String(err) }
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10
}

const figures: Record<string, unknown> = {
  loadavgAtStart: loadavg()
    .map((x) => x.toFixed(2))
    .join(' '),
}
figures.rssStartMb = rssMb()
figures.heapUsedStartMb = await heapUsedMb()

const t0 = performance.now()
const results = await Promise.all(Array.from({ length: signIns }, () => signIn()))
const ok = results.filter((r) => r.token)
figures.signIns = signIns
figures.signInErrors = results.length - ok.length
figures.signInFirstError = results.find((r) => r.error)?.error
figures.signInP50Ms = pct(
  ok.map((r) => r.ms),
  50,
)
figures.signInP99Ms = pct(
  ok.map((r) => r.ms),
  99,
)
figures.signInWallMs = Math.round(performance.now() - t0)
figures.rssAfterSignInsMb = rssMb()
figures.heapUsedAfterSignInsMb = await heapUsedMb()

const token = ok[0]!.token!
const targets = [
  () => call(`${info.authority}/${info.tenantId}/v2.0/.well-known/openid-configuration`),
  () => call(`${info.apiServer}/version`, { token }),
  () => call(`${info.apiServer}/api`, { token }),
  () => call(`${info.apiServer}/api/v1/namespaces/default/configmaps`, { token }),
]
const statuses = new Map<number, number>()
let next = 0
let failures = 0
const t1 = performance.now()
await Promise.all(
  Array.from({ length: 64 }, async () => {
    while (next < total) {
      const i = next++
      try {
        const r = await targets[i % targets.length]!()
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
      } catch {
        failures++
      }
    }
  }),
)
figures.requests = total
figures.requestSeconds = Math.round((performance.now() - t1) / 100) / 10
figures.requestStatuses = Object.fromEntries(statuses)
figures.requestTransportFailures = failures
figures.rssAfterRequestsMb = rssMb()
figures.heapUsedAfterRequestsMb = await heapUsedMb()
await new Promise((r) => setTimeout(r, idleSeconds * 1000))
figures.rssAfterIdleMb = rssMb()
figures.heapUsedAfterIdleMb = await heapUsedMb()
// A full GC in the simulator (bench/servers/reliability-sim.ts): what is left is live memory.
process.kill(info.pid, 'SIGUSR2')
await new Promise((r) => setTimeout(r, 2000))
figures.rssAfterFullGcMb = rssMb()
figures.heapUsedAfterFullGcMb = await heapUsedMb()
agent.destroy()
figures.idleSeconds = idleSeconds
figures.loadavgAtEnd = loadavg()
  .map((x) => x.toFixed(2))
  .join(' ')
await server.stop()
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`)
