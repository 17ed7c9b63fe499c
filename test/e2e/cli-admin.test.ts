import { spawn, execFile } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { PublicClientApplication } from '@azure/msal-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, type Endpoints } from '../../src/index.js'
import { isolatedEnv } from '../helpers/isolation.js'
import { BOB } from '../helpers/sim.js'
import { waitFor } from '../helpers/wait.js'

const run = promisify(execFile)
const BIN = join(import.meta.dirname, '../../bin/aks-auth-sim.js')
const stateDir = mkdtempSync(join(tmpdir(), 'aks-cli-'))
let proc: ReturnType<typeof spawn>
let stderr = ''

beforeAll(async () => {
  // The CLI keeps its CA in <state-dir>/pki; seed it with the test run's CA, which this worker trusts.
  cpSync(process.env.AKS_SIM_TEST_PKI_DIR!, join(stateDir, 'pki'), { recursive: true })
  proc = spawn(
    process.execPath,
    [BIN, 'start', '--state-dir', stateDir, '--port-base', '0', '--device-code-interval', '1'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: isolatedEnv({}, { base: 'inherit' }) },
  )
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  await waitFor(() => existsSync(join(stateDir, 'endpoints.json')), 'the simulator to start')
})
afterAll(() => {
  proc.kill('SIGTERM')
  rmSync(stateDir, { recursive: true, force: true })
})

const cli = (...args: string[]) =>
  run(process.execPath, [BIN, ...args, '--state-dir', stateDir], {
    env: isolatedEnv({}, { base: 'inherit' }),
  })

describe('aks-auth-sim start and the control commands', () => {
  it('writes endpoints.json with the documented keys and prints next steps', async () => {
    const ep = JSON.parse(readFileSync(join(stateDir, 'endpoints.json'), 'utf8')) as Endpoints
    for (const key of [
      'tenantId',
      'tenantDomain',
      'authority',
      'admin',
      'caFile',
      'kubeconfigs',
      'directory',
    ])
      expect(ep).toHaveProperty(key)
    expect(ep.directory.users.map((x) => x.upn)).toContain(BOB)
    // The webhook app's client secret is in secrets.json (0600), no longer in endpoints.json (issue 15).
    expect(ep.directory.applications.find((a) => a.name === 'aks-webhook')).not.toHaveProperty('secret')
    const secrets = JSON.parse(readFileSync(ep.secretsFile as string, 'utf8')) as {
      applications: { name: string; secret: string }[]
    }
    expect(secrets.applications.find((a) => a.name === 'aks-webhook')?.secret).toBeTruthy()
    await expect.poll(() => stderr).toContain('Next steps:')
    expect(readFileSync(ep.caFile, 'utf8')).toContain('BEGIN CERTIFICATE')
  })

  it('approves a pending sign-in from the command line while msal-node polls', async () => {
    const ep = JSON.parse(readFileSync(join(stateDir, 'endpoints.json'), 'utf8')) as Endpoints
    const app = new PublicClientApplication({
      auth: {
        clientId: AKS_CLIENT_APP_ID,
        authority: `${ep.authority}/${ep.tenantId}`,
        knownAuthorities: [new URL(ep.authority).host],
      },
    })
    let userCode = ''
    const pending = app.acquireTokenByDeviceCode({
      scopes: [`${AKS_SERVER_APP_ID}/.default`],
      deviceCodeCallback: (r) => void (userCode = r.userCode),
    })
    await expect.poll(() => userCode).not.toBe('')
    const list = JSON.parse((await cli('device-code', 'list')).stdout)
    expect(list.value.map((d: { userCode: string }) => d.userCode)).toContain(userCode)
    const approved = JSON.parse((await cli('device-code', 'approve', userCode, '--as', BOB)).stdout)
    expect(approved).toMatchObject({ state: 'approved', user: BOB })
    expect((await pending)!.account!.username).toBe(BOB)
  })

  it('fails clearly on bad input', async () => {
    await expect(cli('device-code', 'approve', 'NOSUCHCODE', '--as', BOB)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("That code wasn't found"),
    })
    // A usage error (docs/cli.md#exit-codes).
    await expect(cli('clock', 'advance', 'soon')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('SECONDS must be a number'),
    })
    await expect(
      run(process.execPath, [BIN, 'device-code', 'list', '--state-dir', '/nonexistent']),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('no simulator found') })
    await expect(
      run(process.execPath, [BIN, 'start', '--scenario', '/nonexistent.yaml', '--state-dir', stateDir]),
    ).rejects.toMatchObject({ code: 2 })
  })

  it('moves the clock, rotates keys and sets faults', async () => {
    expect(JSON.parse((await cli('clock', 'advance', '60')).stdout).offsetSeconds).toBe(60)
    const keys = JSON.parse((await cli('keys', 'rotate')).stdout)
    expect(keys.published).toHaveLength(2)
    const fault = JSON.parse(
      (await cli('fault', 'set', 'entra.token', '--status', '503', '--retry-after', '2', '--times', '1'))
        .stdout,
    )
    expect(fault).toMatchObject({ endpoint: 'entra.token', status: 503, retryAfter: 2, times: 1 })
    await cli('fault', 'clear')
    const reqs = JSON.parse(
      (await cli('requests', '--service', 'admin', '--limit', '3', '--output', 'json')).stdout,
    )
    // The admin API's reads (the clock poll of every get-token, `requests` itself) are the tooling's:
    // left out without --all.
    expect(reqs.value.map((e: any) => `${e.data.method} ${e.data.path}`)).toEqual([
      'POST /keys/rotate',
      'PUT /faults/entra.token',
      'DELETE /faults',
    ])
    const all = JSON.parse((await cli('requests', '--service', 'admin', '--all', '--output', 'json')).stdout)
    // …where the first `requests` call's own read shows up.
    expect(all.value.some((e: any) => e.data.method === 'GET' && e.data.path === '/requests')).toBe(true)
  })

  it('prints the environment a workload-identity pod gets (pod-env)', async () => {
    const shell = (await cli('pod-env', 'dev/orders-api-0')).stdout
    expect(shell).toMatch(/^export AZURE_CLIENT_ID=/m)
    expect(shell).toMatch(/^export AZURE_FEDERATED_TOKEN_FILE=/m)
    expect(shell).toMatch(/^export AZURE_AUTHORITY_HOST=/m)
    await expect(cli('pod-env', 'nowhere')).rejects.toMatchObject({ code: 2 })
  })

  it('shuts down cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aks-cli-stop-'))
    const p = spawn(process.execPath, [BIN, 'start', '--state-dir', dir, '--port-base', '0'], {
      stdio: 'ignore',
      env: isolatedEnv({}, { base: 'inherit' }),
    })
    await expect.poll(() => existsSync(join(dir, 'endpoints.json')), { timeout: 30_000 }).toBe(true)
    const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)))
    p.kill('SIGTERM')
    expect(await exited).toBe(0)
    rmSync(dir, { recursive: true, force: true })
  })
})
