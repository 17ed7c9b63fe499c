/**
 * Room mode's load test (docs/room.md, docs/benchmarks.md): N simulated attendees, each signing in with the
 * device code flow over the real HTTP endpoints — Entra's /devicecode, the device login page's three forms
 * (code, user name and password, "Continue") as a person submits them, Entra's /token — then looping
 * kubectl's requests against the API server through the whole chain (bearer token → TokenReview webhook →
 * Kubernetes RBAC → Azure RBAC webhook): `list pods` in their own namespace (200) and in `prod` (403).
 * Every unexpected status, every 5xx and every socket error is an error; latencies give p50/p99.
 *
 * The client is kept cheap so the simulator gets the CPU: one keep-alive agent (a socket per attendee),
 * node:https without a body parser beyond JSON, at most `signInConcurrency` sign-ins at once.
 *
 *   npx tsx bench/room-load.ts [attendees=100] [seconds=60]   # starts its own simulator, prints JSON
 */
import { Agent, request } from 'node:https'
import { loadavg } from 'node:os'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID } from '../src/kernel/first-party.js'

export interface RoomLoadTarget {
  authority: string
  tenantId: string
  /** The web UI's origin (the device login page). */
  ui: string
  apiServer: string
  caPem: string
}

export interface RoomAttendee {
  user: string
  password: string
  namespace: string
}

export interface RoomLoadResult {
  attendees: number
  seconds: number
  requests: number
  allowed: number
  forbidden: number
  errors: string[]
  signInP50Ms: number
  p50Ms: number
  p99Ms: number
  loadAverage: number[]
}

interface Reply {
  status: number
  body: string
}

function send(
  agent: Agent,
  method: 'GET' | 'POST',
  url: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

const form = (agent: Agent, url: string, fields: Record<string, string>) =>
  send(
    agent,
    'POST',
    url,
    { 'content-type': 'application/x-www-form-urlencoded' },
    new URLSearchParams(fields).toString(),
  )

const unescape = (s: string) =>
  s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')

/** The hidden fields of the page's "Continue" form (the one whose decision is approve), as a browser posts them. */
function approveForm(html: string): Record<string, string> | undefined {
  for (const f of html.matchAll(/<form method="post" action="\/devicelogin\/decide">([\s\S]*?)<\/form>/g)) {
    const fields: Record<string, string> = {}
    for (const i of f[1]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
      fields[i[1]!] = unescape(i[2]!)
    if (fields.decision === 'approve') return fields
  }
  return undefined
}

/** One attendee's sign-in as a person does it; the access token for the AKS server app. */
export async function signIn(agent: Agent, t: RoomLoadTarget, a: RoomAttendee): Promise<string> {
  const base = `${t.authority}/${t.tenantId}/oauth2/v2.0`
  const dc = await form(agent, `${base}/devicecode`, {
    client_id: AKS_CLIENT_APP_ID,
    scope: `${AKS_SERVER_APP_ID}/.default offline_access`,
  })
  if (dc.status !== 200) throw new Error(`devicecode: HTTP ${dc.status} ${dc.body.slice(0, 200)}`)
  const { device_code, user_code, interval } = JSON.parse(dc.body) as {
    device_code: string
    user_code: string
    interval: number
  }
  const code = await form(agent, `${t.ui}/devicelogin`, { otc: user_code })
  if (code.status !== 200) throw new Error(`device login (code): HTTP ${code.status}`)
  const account = await form(agent, `${t.ui}/devicelogin/account`, {
    otc: user_code,
    user: a.user,
    password: a.password,
  })
  if (account.status !== 200) throw new Error(`device login (password): HTTP ${account.status}`)
  const fields = approveForm(account.body)
  if (!fields) throw new Error('device login: no Continue form on the consent page')
  const decided = await form(agent, `${t.ui}/devicelogin/decide`, fields)
  if (decided.status !== 200) throw new Error(`device login (continue): HTTP ${decided.status}`)
  for (let i = 0; i < 30; i++) {
    const tok = await form(agent, `${base}/token`, {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: AKS_CLIENT_APP_ID,
      device_code,
    })
    const body = JSON.parse(tok.body) as { access_token?: string; error?: string }
    if (tok.status === 200 && body.access_token) return body.access_token
    if (body.error !== 'authorization_pending' && body.error !== 'slow_down')
      throw new Error(`token: HTTP ${tok.status} ${body.error ?? ''}`)
    await new Promise((r) => setTimeout(r, interval * 1000))
  }
  throw new Error('token: still pending after 30 polls')
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

const KUBECTL_HEADERS = {
  accept:
    'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
  'user-agent': 'kubectl/v1.32.4 (linux/amd64) kubernetes/59526cd',
}

export async function runRoomLoad(o: {
  target: RoomLoadTarget
  attendees: RoomAttendee[]
  seconds: number
  /** Sign-ins in flight at once. Default 10. */
  signInConcurrency?: number
  /** A namespace every attendee is Forbidden in. Default `prod`. */
  forbiddenNamespace?: string
}): Promise<RoomLoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.attendees.length + 1, ca: o.target.caPem })
  const errors: string[] = []
  const fail = (who: string, what: string) => {
    if (errors.length < 100) errors.push(`${who}: ${what}`)
  }
  const tokens = new Map<string, string>()
  const signInMs: number[] = []
  const queue = [...o.attendees]
  await Promise.all(
    Array.from({ length: o.signInConcurrency ?? 10 }, async () => {
      for (let a = queue.shift(); a; a = queue.shift()) {
        const started = performance.now()
        try {
          tokens.set(a.user, await signIn(agent, o.target, a))
          signInMs.push(performance.now() - started)
        } catch (err) {
          fail(a.user, `sign-in: ${(err as Error).message}`)
        }
      }
    }),
  )
  const latencies: number[] = []
  let allowed = 0
  let forbidden = 0
  const deadline = performance.now() + o.seconds * 1000
  const other = o.forbiddenNamespace ?? 'prod'
  await Promise.all(
    o.attendees.map(async (a) => {
      const token = tokens.get(a.user)
      if (!token) return
      const headers = { ...KUBECTL_HEADERS, authorization: `Bearer ${token}` }
      // Each attendee makes both requests at least once, however slow the machine.
      for (let i = 0; i < 2 || performance.now() < deadline; i++) {
        const ns = i % 2 === 0 ? a.namespace : other
        const want = i % 2 === 0 ? 200 : 403
        const started = performance.now()
        try {
          const r = await send(
            agent,
            'GET',
            `${o.target.apiServer}/api/v1/namespaces/${ns}/pods?limit=500`,
            headers,
          )
          latencies.push(performance.now() - started)
          if (r.status !== want)
            fail(a.user, `list pods -n ${ns}: HTTP ${r.status} (want ${want}) ${r.body.slice(0, 200)}`)
          else if (want === 200) allowed++
          else forbidden++
        } catch (err) {
          fail(a.user, `list pods -n ${ns}: ${(err as Error).message}`)
        }
      }
    }),
  )
  agent.destroy()
  latencies.sort((x, y) => x - y)
  signInMs.sort((x, y) => x - y)
  const round = (n: number) => Math.round(n * 10) / 10
  return {
    attendees: o.attendees.length,
    seconds: o.seconds,
    requests: latencies.length,
    allowed,
    forbidden,
    errors,
    signInP50Ms: round(percentile(signInMs, 50)),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    loadAverage: loadavg().map((l) => round(l)),
  }
}

// As a script: a simulator of its own (in this process, like the test), N attendees, the run's figures as JSON.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { startSimulator } = await import('../src/index.js')
  const n = Number(process.argv[2] ?? 100)
  const seconds = Number(process.argv[3] ?? 60)
  const sim = await startSimulator({ portBase: 0, room: { attendees: n }, deviceCode: { interval: 1 } })
  try {
    const attendees = sim.directory
      .users()
      .filter((u) => /^attendee\d+@/.test(u.userPrincipalName))
      .map((u) => ({
        user: u.userPrincipalName,
        password: u.password!,
        namespace: u.userPrincipalName.split('@')[0]!,
      }))
    const result = await runRoomLoad({
      target: {
        authority: sim.endpoints.authority,
        tenantId: sim.endpoints.tenantId,
        ui: String(sim.endpoints.ui),
        apiServer: String(sim.endpoints.apiServer),
        caPem: sim.caPem,
      },
      attendees,
      seconds,
    })
    console.log(JSON.stringify(result, null, 2))
  } finally {
    await sim.stop()
  }
}
