/**
 * Room mode (docs/room.md): `room.attendees` creates attendee users with their own password and namespace,
 * the group workshop-attendees (seen through Microsoft Graph), the RoleBindings the workshop needs (checked
 * with real kubectl through the whole chain), serves a secret-free kubeconfig and the CA, and keeps the
 * passwords across restarts (0600); without it nothing changes.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parse as parseYaml } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_WEBHOOK_SECRET, type Simulator } from '../../src/index.js'
import { guardedPath, isolatedEnv } from '../helpers/isolation.js'
import { kubectl, kubectlDescribe, tokenKubeconfig } from '../helpers/kubectl.js'
import { deviceCodeToken } from '../helpers/sign-in.js'
import { startTestSimulator } from '../helpers/sim.js'

const run = promisify(execFile)
const BIN = join(import.meta.dirname, '../../bin/aks-auth-sim.js')
const DOMAIN = 'contoso.onmicrosoft.com'
const upn = (n: string) => `attendee${n}@${DOMAIN}`
const describeK = kubectlDescribe()

const stateDir = mkdtempSync(join(tmpdir(), 'aks-room-'))
let sim: Simulator
const configs = new Map<string, string>()

beforeAll(async () => {
  sim = await startTestSimulator({ stateDir, room: { attendees: 3 } })
  for (const n of ['01', '02'])
    configs.set(n, tokenKubeconfig(sim, { token: await deviceCodeToken(sim, upn(n)) }))
}, 60_000)
afterAll(() => sim?.stop())

const as = (n: string, ...args: string[]) => kubectl(configs.get(n)!, args)

describe('attendee users and their group', () => {
  it('creates attendee01…03 with a password each, saved 0600 in room.json', () => {
    const users = sim.directory.users().filter((u) => u.userPrincipalName.startsWith('attendee'))
    expect(users.map((u) => u.userPrincipalName)).toEqual([upn('01'), upn('02'), upn('03')])
    const passwords = users.map((u) => u.password!)
    expect(new Set(passwords).size).toBe(3)
    for (const p of passwords) expect(p).toMatch(/^Room-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/)
    const file = join(stateDir, 'room.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { passwords: Record<string, string> }
    expect(Object.values(saved.passwords)).toEqual(passwords)
  })

  it('Graph lists the attendees as the members of workshop-attendees', async () => {
    const webhookApp = sim.directory.application('aks-webhook')!
    const tokenRes = await fetch(`${sim.endpoints.authority}/${sim.endpoints.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: webhookApp.appId,
        client_secret: DEMO_WEBHOOK_SECRET,
        scope: 'https://graph.microsoft.com/.default',
      }),
    })
    const { access_token } = (await tokenRes.json()) as { access_token: string }
    const group = sim.directory.group('workshop-attendees')!
    const graph = String(sim.endpoints.graph)
    const res = await fetch(`${graph}/v1.0/groups/${group.id}/members?$select=userPrincipalName`, {
      headers: { authorization: `Bearer ${access_token}` },
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { value: { userPrincipalName: string }[] }
    expect(body.value.map((u) => u.userPrincipalName).sort()).toEqual([upn('01'), upn('02'), upn('03')])
  })
})

describeK('what an attendee may do (real kubectl, the whole chain)', () => {
  it('edits their own namespace', async () => {
    const list = await as('01', 'get', 'pods', '-n', 'attendee01')
    expect(list.code, list.stderr).toBe(0)
    const create = await as('01', 'create', 'configmap', 'hello', '-n', 'attendee01', '--from-literal=a=b')
    expect(create.code, create.stderr).toBe(0)
    expect(create.stdout.trim()).toBe('configmap/hello created')
  })

  it("is Forbidden in another attendee's namespace and in prod, with the real message", async () => {
    const other = await as('01', 'get', 'pods', '-n', 'attendee02')
    expect(other.code).toBe(1)
    expect(other.stderr).toContain(
      `Error from server (Forbidden): pods is forbidden: User "${upn('01')}" cannot list resource "pods" in API group "" in the namespace "attendee02"`,
    )
    const prod = await as('02', 'get', 'pods', '-n', 'prod')
    expect(prod.code).toBe(1)
    expect(prod.stderr).toContain('in the namespace "prod"')
  })

  it('views the shared namespace dev through the group, but may not change it', async () => {
    const r = await as('02', 'get', 'pods', '-n', 'dev')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('web-')
    const can = await as('02', 'auth', 'can-i', 'create', 'configmaps', '-n', 'dev')
    expect(can.stdout.trim()).toMatch(/^no/)
  })
})

describe('what attendees download', () => {
  it('GET /room/kubeconfig: the API server, its CA and the device-code exec plugin, no credential', async () => {
    const ui = sim.endpoints.ui as string
    const res = await fetch(`${ui}/room/kubeconfig?namespace=attendee03`)
    expect(res.status).toBe(200)
    const text = await res.text()
    const doc = parseYaml(text)
    expect(doc.clusters[0].cluster.server).toBe(sim.endpoints.apiServer)
    expect(Buffer.from(doc.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(
      sim.caPem,
    )
    expect(doc.contexts[0].context.namespace).toBe('attendee03')
    expect(doc.users[0].user.exec.command).toBe('aks-auth-sim')
    expect(doc.users[0].user.exec.args).toContain(`${sim.endpoints.authority}/`)
    expect(Object.keys(doc.users[0].user)).toEqual(['exec'])
    expect(text).not.toMatch(/password|client-key/i)
    for (const n of ['01', '02', '03']) expect(text).not.toContain(sim.directory.user(upn(n))!.password)
    expect((await fetch(`${ui}/room/kubeconfig?namespace=prod`)).status).toBe(404)
    const ca = await fetch(`${ui}/room/ca.crt`)
    expect(await ca.text()).toBe(sim.caPem)
  })

  it('an attendee signs in with the downloaded kubeconfig and CA alone (no state dir): real kubectl and get-token', async () => {
    const ui = sim.endpoints.ui as string
    const dir = mkdtempSync(join(tmpdir(), 'aks-attendee-'))
    writeFileSync(join(dir, 'aks-sim-ca.crt'), await (await fetch(`${ui}/room/ca.crt`)).text())
    const kubeconfig = join(dir, 'aks-room.kubeconfig')
    writeFileSync(kubeconfig, await (await fetch(`${ui}/room/kubeconfig?namespace=attendee03`)).text())
    // `aks-auth-sim` on the PATH, as `npm link` puts it.
    const bin = join(dir, 'bin')
    mkdirSync(bin)
    symlinkSync(BIN, join(bin, 'aks-auth-sim'))
    const approving = (async () => {
      for (let i = 0; i < 600; i++) {
        const pending = sim.deviceCodes().find((d) => d.state === 'pending')
        if (pending) return sim.approveDeviceCode(pending.userCode, upn('03'))
        await new Promise((r) => setTimeout(r, 100))
      }
      throw new Error('the plugin asked for no device code within 60 s')
    })()
    const r = await kubectl(kubeconfig, ['get', 'configmaps', '-o', 'name'], {
      // isolatedEnv puts its cloud-CLI guard first again; the rest is the guarded default PATH.
      PATH: `${bin}:${guardedPath()}`,
      NODE_EXTRA_CA_CERTS: join(dir, 'aks-sim-ca.crt'),
    })
    await approving
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain(`${ui}/devicelogin`)
    expect(r.stdout.trim()).toBe('configmap/kube-root-ca.crt')
  }, 90_000)

  it('the UI API gives the host the sheet and the dashboard rows', async () => {
    const ui = sim.endpoints.ui as string
    const sheet = await (await fetch(`${ui}/api/room/sheet`)).json()
    expect(sheet.attendees.map((a: any) => a.user)).toEqual([upn('01'), upn('02'), upn('03')])
    expect(sheet.attendees[0].password).toBe(sim.directory.user(upn('01'))!.password)
    const rows = await (await fetch(`${ui}/api/room`)).json()
    const first = rows.attendees.find((r: any) => r.user === upn('01'))
    expect(first.signedIn).toBeDefined()
  })
})

describe('exposed to other machines (--host 0.0.0.0)', () => {
  it('the sheet and the dashboard need the host sign-in; the CA and the kubeconfig do not', async () => {
    const exposed = await startTestSimulator({ host: '0.0.0.0', room: { attendees: 1 } })
    try {
      const ui = String(exposed.endpoints.ui)
      for (const path of ['/api/room/sheet', '/api/room']) {
        const anonymous = await fetch(`${ui}${path}`)
        expect(anonymous.status).toBe(401)
        expect((await anonymous.json()).error.code).toBe('host_sign_in_required')
        const host = await fetch(`${ui}${path}`, {
          headers: { authorization: `Bearer ${exposed.adminToken}` },
        })
        expect(host.status).toBe(200)
      }
      expect((await fetch(`${ui}/room/kubeconfig?namespace=attendee01`)).status).toBe(200)
      expect((await fetch(`${ui}/room/ca.crt`)).status).toBe(200)
    } finally {
      await exposed.stop()
    }
  })
})

describe('aks-auth-sim attendees (the sheet)', () => {
  const cli = (...args: string[]) =>
    run(process.execPath, [BIN, ...args], { env: isolatedEnv() }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    )

  it('prints a table, JSON and CSV with every attendee, password and namespace', async () => {
    const pw = (n: string) => sim.directory.user(upn(n))!.password!
    const table = await cli('attendees', '--state-dir', stateDir)
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(
      new RegExp(
        `^USER\\s+PASSWORD\\s+NAMESPACE\\n${upn('01').replace(/\./g, '\\.')}\\s+${pw('01')}\\s+attendee01\\n`,
      ),
    )
    expect(table.stdout).toContain(`/room/kubeconfig?namespace=attendee01`)
    const json = JSON.parse((await cli('attendees', '--state-dir', stateDir, '-o', 'json')).stdout)
    expect(json.attendees).toHaveLength(3)
    expect(json.attendees[2]).toMatchObject({ user: upn('03'), password: pw('03'), namespace: 'attendee03' })
    expect(json.caFingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    const csv = (await cli('attendees', '--state-dir', stateDir, '--output', 'csv')).stdout.split('\n')
    expect(csv[0]).toBe('user,password,namespace,commands')
    expect(csv[1]!.startsWith(`${upn('01')},${pw('01')},attendee01,"curl`)).toBe(true)
  })

  it('start refuses more than 100 attendees, on the command line and in a config file', async () => {
    const flag = await cli(
      'start',
      '--attendees',
      '101',
      '--state-dir',
      mkdtempSync(join(tmpdir(), 'aks-room-bad-')),
    )
    expect(flag.code).toBe(2)
    expect(flag.stderr).toContain('--attendees must be a whole number from 0 to 100')
    const dir = mkdtempSync(join(tmpdir(), 'aks-room-cfg-'))
    writeFileSync(join(dir, 'config.yaml'), 'room: { attendees: 101 }\n')
    const file = await cli('start', '--config', join(dir, 'config.yaml'), '--state-dir', dir)
    expect(file.code).toBe(2)
    expect(file.stderr).toContain('room.attendees: must be an integer between 0 and 100 (got 101)')
    const help = await cli('start', '--help')
    expect(help.stdout).toContain('--attendees N')
  })

  it('--help, a bad --output and a state dir without a room', async () => {
    const help = await cli('attendees', '--help')
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: aks-auth-sim attendees/)
    const bad = await cli('attendees', '--state-dir', stateDir, '--output', 'yaml')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--output must be table, json or csv')
    const none = await cli('attendees', '--state-dir', mkdtempSync(join(tmpdir(), 'aks-noroom-')))
    expect(none.code).toBe(1)
    expect(none.stderr).toContain('start the simulator with --attendees N')
  })
})

describe('restarts', () => {
  it('keep the passwords and the objects; a larger room keeps the first attendees; --reset draws new ones', async () => {
    const before = ['01', '02', '03'].map((n) => sim.directory.user(upn(n))!.password)
    await sim.stop()
    sim = await startTestSimulator({ stateDir, room: { attendees: 4 } })
    expect(['01', '02', '03'].map((n) => sim.directory.user(upn(n))!.password)).toEqual(before)
    expect(sim.directory.user(upn('04'))).toBeDefined()
    const kc = tokenKubeconfig(sim, { token: await deviceCodeToken(sim, upn('01')) })
    // The ConfigMap made before the restart is still there: the namespace was not recreated.
    const cm = await kubectl(kc, ['get', 'configmap', 'hello', '-n', 'attendee01', '-o', 'name'])
    expect(cm.stdout.trim()).toBe('configmap/hello')
    const ns4 = await kubectl(kc, ['get', 'pods', '-n', 'attendee04'])
    expect(ns4.stderr).toContain('Forbidden')
    await sim.stop()
    sim = await startTestSimulator({ stateDir, room: { attendees: 4 }, resetAttendeePasswords: true })
    const after = ['01', '02', '03'].map((n) => sim.directory.user(upn(n))!.password)
    for (const [i, p] of after.entries()) expect(p).not.toBe(before[i])
  }, 60_000)

  it('without attendees, a start changes nothing: no attendee, no group, no room routes', async () => {
    await sim.stop()
    const fresh = mkdtempSync(join(tmpdir(), 'aks-noroom-'))
    sim = await startTestSimulator({ stateDir: fresh })
    expect(sim.directory.users().some((u) => u.userPrincipalName.startsWith('attendee'))).toBe(false)
    expect(sim.directory.group('workshop-attendees')).toBeUndefined()
    expect(sim.config.room.attendees).toBe(0)
    const ui = sim.endpoints.ui as string
    expect((await fetch(`${ui}/room/kubeconfig`)).status).toBe(404)
    expect((await (await fetch(`${ui}/api/room`)).json()).enabled).toBe(false)
    expect(() => statSync(join(fresh, 'room.json'))).toThrow()
    writeFileSync(join(fresh, 'unused'), '')
  })
})
