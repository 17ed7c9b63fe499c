// Nothing acknowledged is lost (issue 15, point 4): the real CLI is started on a state dir, each kind of
// change is made through its real interface (the UI's API, ARM and Graph with bearer tokens as az and
// the SDKs send them, the admin API), the process is killed with SIGKILL the moment the 2xx arrives,
// and a new process on the same state dir must show every change made so far. Then: objects created
// after `clock advance` have a sane AGE after a restart (the offset is kept), and a cached token the
// simulator no longer accepts (restart on a new state dir) is replaced with a message saying why.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_POD_IDENTITY } from '../../src/pod-identity/index.js'
import { DEMO_WEBHOOK_SECRET, demoScenario } from '../../src/scenario/index.js'
import { isolatedEnv } from '../helpers/isolation.js'
import { kubectl } from '../helpers/kubectl.js'
import { waitFor } from '../helpers/wait.js'

const ROOT = join(import.meta.dirname, '../..')
const BIN = join(ROOT, 'bin/aks-auth-sim.js')
const scratch = mkdtempSync(join(tmpdir(), 'aks-durability-'))
const HOME = join(scratch, 'home')
mkdirSync(HOME)
const env = () => isolatedEnv({ PATH: join(process.execPath, '..') }, { home: HOME, base: 'inherit' })
const AZURE_CLI = '04b07795-8ddb-461a-bbee-02f9e1bf7b46'
const AKS_SERVER = '6dae42f8-4368-4678-94ff-3960e28e3630'
const ALICE = 'alice@contoso.onmicrosoft.com'
const SUB = '00000000-0000-0000-0000-000000000001'
const RG = 'rg-aks-demo'
const CLUSTER_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/aks-demo`
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'
const ASSIGNMENT = '4d3c2b1a-0000-4000-8000-00000000d0ab'
const MI_FIC = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/orders-api-identity/federatedIdentityCredentials/durable-fic`

// The demo, with the webhook app allowed to manage applications (Graph's federatedIdentityCredentials).
const scenarioFile = join(scratch, 'scenario.json')
const scenario = demoScenario()
scenario
  .applications!.find((a) => a.name === 'aks-webhook')!
  .permissions![0]!.applicationPermissions!.push('Application.ReadWrite.All')
writeFileSync(scenarioFile, JSON.stringify(scenario))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

interface Endpoints {
  authority: string
  tenantId: string
  admin: string
  ui: string
  arm: string
  graph: string
  apiServer: string
  caFile: string
  adminTokenFile: string
  directory: {
    users: { upn: string; oid: string; accountEnabled: boolean }[]
    groups: { name: string; oid: string }[]
  }
}
interface Running {
  proc: ChildProcess
  ep: Endpoints
}

async function start(stateDir: string, args: string[] = ['--port-base', '0']): Promise<Running> {
  // The CLI keeps its CA in <state-dir>/pki; seed it with the test run's CA, which this worker trusts.
  if (!existsSync(join(stateDir, 'pki')))
    cpSync(process.env.AKS_SIM_TEST_PKI_DIR!, join(stateDir, 'pki'), { recursive: true })
  const proc = spawn(
    process.execPath,
    [BIN, 'start', '--state-dir', stateDir, '--scenario', scenarioFile, ...args],
    {
      cwd: scratch,
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let stderr = ''
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  proc.stdout.resume()
  await waitFor(
    () => stderr.includes('Press Ctrl-C to stop') || proc.exitCode !== null,
    'the simulator to start',
    60_000,
  )
  if (proc.exitCode !== null) throw new Error(`start exited ${proc.exitCode}: ${stderr}`)
  const ep = JSON.parse(readFileSync(join(stateDir, 'endpoints.json'), 'utf8')) as Endpoints
  adminTokens.set(ep.admin, readFileSync(ep.adminTokenFile, 'utf8').trim())
  return { proc, ep }
}

/** The admin token of each running simulator's admin API (<state-dir>/admin-token, what the CLI sends). */
const adminTokens = new Map<string, string>()

async function kill9(r: Running): Promise<void> {
  const exited = new Promise((done) => r.proc.once('exit', done))
  r.proc.kill('SIGKILL')
  await exited
}

async function call(
  url: string,
  method: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: any }> {
  const admin = [...adminTokens].find(([base]) => url.startsWith(`${base}/`))
  const token = opts.token ?? admin?.[1]
  const res = await fetch(url, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(opts.body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

/** A user token through the device code flow, approved on the admin API, as az / kubelogin get one. */
async function userToken(ep: Endpoints, upn: string, scope: string, clientId = AZURE_CLI): Promise<string> {
  const base = `${ep.authority}/${ep.tenantId}/oauth2/v2.0`
  const form = (o: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(o).toString(),
  })
  const dc = await (await fetch(`${base}/devicecode`, form({ client_id: clientId, scope }))).json()
  expect(
    (await call(`${ep.admin}/device-codes/${dc.user_code}/approve`, 'POST', { body: { user: upn } })).status,
  ).toBe(200)
  const tokens = await (
    await fetch(
      `${base}/token`,
      form({
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: clientId,
        device_code: dc.device_code,
      }),
    )
  ).json()
  return tokens.access_token as string
}

async function appGraphToken(ep: Endpoints): Promise<string> {
  const webhook = scenario.applications!.find((a) => a.name === 'aks-webhook')!
  const res = await fetch(`${ep.authority}/${ep.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: webhook.appId,
      client_secret: DEMO_WEBHOOK_SECRET,
      scope: 'https://graph.microsoft.com/.default',
    }).toString(),
  })
  return ((await res.json()) as { access_token: string }).access_token
}

describe('kill -9 straight after each acknowledged write, restart on the same state dir: all there', () => {
  const stateDir = join(scratch, 'state')
  let sim: Running
  let armToken: string
  const oid = (upn: string) => sim.ep.directory.users.find((u) => u.upn === upn)!.oid
  const groupId = (name: string) => sim.ep.directory.groups.find((g) => g.name === name)!.oid

  /** Every change made so far, checked on a freshly restarted simulator. */
  const checks: { what: string; check: () => Promise<void> }[] = []
  async function acknowledgedThenKilled(
    what: string,
    write: () => Promise<number>,
    check: () => Promise<void>,
  ) {
    const status = await write()
    await kill9(sim)
    expect(status, what).toBeGreaterThanOrEqual(200)
    expect(status, what).toBeLessThan(300)
    checks.push({ what, check })
    sim = await start(stateDir)
    for (const c of checks) await c.check()
  }

  beforeAll(async () => {
    mkdirSync(stateDir)
    sim = await start(stateDir)
  })
  afterAll(async () => {
    if (sim?.proc.exitCode === null) await kill9(sim)
  })

  it('a UI grant (Owner on the cluster for alice)', async () => {
    let id = ''
    await acknowledgedThenKilled(
      'UI grant',
      async () => {
        const r = await call(`${sim.ep.ui}/api/azure/role-assignments`, 'POST', {
          body: { principal: ALICE, role: 'Owner' },
        })
        id = r.body.id
        return r.status
      },
      async () => {
        armToken = await userToken(sim.ep, ALICE, 'https://management.azure.com//.default')
        const r = await call(
          `${sim.ep.arm}${CLUSTER_ID}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`,
          'GET',
          { token: armToken },
        )
        expect(r.status).toBe(200)
        expect((r.body.value as any[]).map((a) => a.name)).toContain(id)
      },
    )
  })

  it('an ARM role assignment (PUT with a bearer token, as az role assignment create)', async () => {
    const path = `${CLUSTER_ID}/providers/Microsoft.Authorization/roleAssignments/${ASSIGNMENT}?api-version=2022-04-01`
    await acknowledgedThenKilled(
      'ARM role assignment',
      async () =>
        (
          await call(`${sim.ep.arm}${path}`, 'PUT', {
            token: armToken,
            body: {
              properties: {
                roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
                principalId: oid('frank@contoso.onmicrosoft.com'),
              },
            },
          })
        ).status,
      async () => {
        const r = await call(`${sim.ep.arm}${path}`, 'GET', { token: armToken })
        expect(r.status).toBe(200)
        expect(r.body.properties.principalId).toBe(oid('frank@contoso.onmicrosoft.com'))
      },
    )
  })

  it('an ARM federated identity credential on a managed identity', async () => {
    const url = `${MI_FIC}?api-version=2023-01-31`
    await acknowledgedThenKilled(
      'ARM federated credential',
      async () =>
        (
          await call(`${sim.ep.arm}${url}`, 'PUT', {
            token: armToken,
            body: {
              properties: {
                issuer: 'https://issuer.example/durable',
                subject: 'system:serviceaccount:dev:durable',
                audiences: ['api://AzureADTokenExchange'],
              },
            },
          })
        ).status,
      async () => {
        const r = await call(`${sim.ep.arm}${url}`, 'GET', { token: armToken })
        expect(r.status).toBe(200)
        expect(r.body.properties.subject).toBe('system:serviceaccount:dev:durable')
      },
    )
  })

  it('a Graph federated identity credential on an app registration', async () => {
    const fics = () =>
      `${sim.ep.graph}/v1.0/applications(appId='${DEMO_POD_IDENTITY.billingAppId}')/federatedIdentityCredentials`
    let id = ''
    await acknowledgedThenKilled(
      'Graph federated credential',
      async () => {
        const r = await call(fics(), 'POST', {
          token: await appGraphToken(sim.ep),
          body: {
            name: 'durable-graph-fic',
            issuer: 'https://issuer.example/graph',
            subject: 'system:serviceaccount:prod:durable',
            audiences: ['api://AzureADTokenExchange'],
          },
        })
        id = r.body.id
        return r.status
      },
      async () => {
        const r = await call(fics(), 'GET', { token: await appGraphToken(sim.ep) })
        expect(r.status).toBe(200)
        expect((r.body.value as any[]).find((f) => f.name === 'durable-graph-fic')?.id).toBe(id)
      },
    )
  })

  it('admin directory changes: a user disabled, a group member added', async () => {
    await acknowledgedThenKilled(
      'user disabled',
      async () =>
        (
          await call(`${sim.ep.admin}/directory/users/bob@contoso.onmicrosoft.com`, 'PATCH', {
            body: { accountEnabled: false },
          })
        ).status,
      () => {
        expect(
          sim.ep.directory.users.find((u) => u.upn === 'bob@contoso.onmicrosoft.com')?.accountEnabled,
        ).toBe(false)
        return Promise.resolve()
      },
    )
    await acknowledgedThenKilled(
      'group member added',
      async () =>
        (
          await call(`${sim.ep.admin}/directory/groups/sre/members`, 'POST', {
            body: { id: 'frank@contoso.onmicrosoft.com' },
          })
        ).status,
      async () => {
        const r = await call(`${sim.ep.graph}/v1.0/groups/${groupId('sre')}/members`, 'GET', {
          token: await appGraphToken(sim.ep),
        })
        expect(r.status).toBe(200)
        expect((r.body.value as any[]).map((m) => m.id)).toContain(oid('frank@contoso.onmicrosoft.com'))
      },
    )
  })

  it('a fault (and the requests it already answered)', async () => {
    await acknowledgedThenKilled(
      'fault',
      async () =>
        (
          await call(`${sim.ep.admin}/faults/graph.getMemberGroups`, 'PUT', {
            body: { status: 503, times: 7 },
          })
        ).status,
      async () => {
        const r = await call(`${sim.ep.admin}/faults`, 'GET')
        expect(r.body.value).toEqual([{ endpoint: 'graph.getMemberGroups', status: 503, times: 7, hits: 0 }])
      },
    )
  })

  it('the clock offset; an object created after `clock advance` has a sane AGE after a restart', async () => {
    await acknowledgedThenKilled(
      'clock advance',
      async () => (await call(`${sim.ep.admin}/clock/advance`, 'POST', { body: { seconds: 7200 } })).status,
      async () => {
        const r = await call(`${sim.ep.admin}/clock`, 'GET')
        expect(r.body.offsetSeconds).toBeGreaterThanOrEqual(7200)
      },
    )
    const kubeconfig = join(scratch, 'admin.kubeconfig')
    const writeKubeconfig = () =>
      writeFileSync(
        kubeconfig,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [
            { name: 'c', cluster: { server: sim.ep.apiServer, 'certificate-authority': sim.ep.caFile } },
          ],
          users: [
            { name: 'u', user: { token: readFileSync(join(stateDir, 'static-token'), 'utf8').trim() } },
          ],
          contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
          'current-context': 'c',
        }),
      )
    writeKubeconfig()
    const created = await kubectl(kubeconfig, ['create', 'configmap', 'made-in-the-future', '-n', 'default'])
    expect(created.stderr).toBe('')
    await kill9(sim)
    sim = await start(stateDir)
    writeKubeconfig()
    const got = await kubectl(kubeconfig, ['get', 'configmap', 'made-in-the-future', '-n', 'default'])
    expect(got.code, got.stderr).toBe(0)
    const age = got.stdout.trim().split('\n')[1]!.trim().split(/\s+/).pop()
    expect(age).toMatch(/^\d+s$|^\d+m\d*s?$/)
    expect(got.stdout).not.toContain('<invalid>')
  })
})

describe('a cached token the simulator no longer accepts', () => {
  it('after a restart on a new state dir (same ports): get-token says why and gets a new one', async () => {
    // Fixed ports, so that the restarted simulator has the same authority as the cached token.
    const portBase = String(31000 + (process.pid % 400) * 20)
    const getToken = (stateDir: string) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((done) =>
        execFile(
          process.execPath,
          [
            BIN,
            'get-token',
            '--login',
            'spn',
            '--server-id',
            AKS_SERVER,
            '--client-id',
            scenario.applications!.find((a) => a.name === 'aks-webhook')!.appId,
            '--client-secret',
            DEMO_WEBHOOK_SECRET,
            '--tenant-id',
            scenario.tenant.id,
            '--state-dir',
            stateDir,
          ],
          { cwd: scratch, env: env(), timeout: 60_000 },
          (err, stdout, stderr) =>
            done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      )
    const first = join(scratch, 'first')
    const second = join(scratch, 'second')
    mkdirSync(first)
    mkdirSync(second)
    let sim = await start(first, ['--port-base', portBase])
    const a = await getToken(first)
    expect(a.code, a.stderr).toBe(0)
    await kill9(sim)
    sim = await start(second, ['--port-base', portBase])
    try {
      const b = await getToken(second)
      expect(b.code, b.stderr).toBe(0)
      expect(b.stderr).toContain('is no longer accepted by the simulator')
      expect(b.stderr).toContain('signed by a key the simulator no longer publishes')
      expect(b.stderr).toContain("run 'aks-auth-sim logout'")
      const tokenOf = (out: string) => (JSON.parse(out) as { status: { token: string } }).status.token
      expect(tokenOf(b.stdout)).not.toBe(tokenOf(a.stdout))
      // The new token is cached and accepted: no message the next time.
      const c = await getToken(second)
      expect(c.stderr).toBe('')
      expect(tokenOf(c.stdout)).toBe(tokenOf(b.stdout))
    } finally {
      await kill9(sim)
    }
  })
})
