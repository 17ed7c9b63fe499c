/**
 * The exec credential plugin's contract on its own, running `node bin/aks-auth-sim.js get-token` as
 * kubectl does: ExecCredential shapes for v1 and v1beta1, nothing but the credential on stdout, the
 * device code message and errors on stderr, exit codes, the token cache (file mode, reuse, refresh on
 * simulated expiry) and concurrent invocations sharing one cache.
 */
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { DEMO_WEBHOOK_SECRET, type Simulator } from '../../src/index.js'
import { BOB, ERIN, startTestSimulator } from '../helpers/sim.js'
import {
  AKS_CLIENT,
  AKS_SERVER,
  claimsOf,
  cleanEnv,
  cli,
  countEvents,
  deviceCodeAnswerer,
  lastEventId,
  scratch,
  type Run,
} from './helpers.js'

// Every test spawns the CLI several times (about 2 s each); a loaded machine needs headroom.
vi.setConfig({ testTimeout: 180_000 })

let sim: Simulator
let answer: ReturnType<typeof deviceCodeAnswerer>
const tmp = scratch('aks-sim-exec-')
let n = 0
beforeAll(async () => {
  sim = await startTestSimulator()
  answer = deviceCodeAnswerer(sim)
})
afterAll(async () => {
  answer.stop()
  await sim.stop()
  tmp.cleanup()
})

/** A fresh HOME and cache dir per test. */
function fresh() {
  n += 1
  return { home: tmp.sub(`home-${n}`), cacheDir: join(tmp.dir, `cache-${n}`) }
}

const kubeloginArgs = (cacheDir: string, extra: string[] = []) => [
  'get-token',
  '--login',
  'devicecode',
  '--server-id',
  AKS_SERVER,
  '--client-id',
  AKS_CLIENT,
  '--tenant-id',
  sim.endpoints.tenantId,
  '--environment',
  'AzurePublicCloud',
  '--authority-host',
  `${sim.endpoints.authority}/`,
  '--cache-dir',
  cacheDir,
  ...extra,
]

function getToken(
  ctx: { home: string; cacheDir: string },
  opts: { extra?: string[]; env?: Record<string, string>; args?: string[] } = {},
): Promise<Run> {
  return cli(opts.args ?? kubeloginArgs(ctx.cacheDir, opts.extra), {
    env: cleanEnv(ctx.home, { AKS_AUTH_SIM_STATE_DIR: sim.endpoints.stateDir, ...opts.env }),
  })
}

/** stdout must be exactly one JSON line: the ExecCredential. */
function credentialOf(r: Run): any {
  expect(r.code, r.stderr).toBe(0)
  expect(r.stdout.endsWith('\n')).toBe(true)
  expect(r.stdout.trimEnd().split('\n')).toHaveLength(1)
  return JSON.parse(r.stdout)
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/
const MESSAGE =
  /^To sign in, use a web browser to open the page https:\/\/127\.0\.0\.1:\d+\/devicelogin and enter the code [A-Z0-9]{8,9} to authenticate\.$/m

describe('ExecCredential on stdout', () => {
  it('prints v1beta1 by default, the device code message on stderr only, and a token for the AKS server app', async () => {
    const ctx = fresh()
    answer.approveAs(BOB)
    const r = await getToken(ctx)
    const cred = credentialOf(r)
    expect(Object.keys(cred)).toEqual(['kind', 'apiVersion', 'spec', 'status'])
    expect(cred).toMatchObject({
      kind: 'ExecCredential',
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      spec: { interactive: false },
    })
    expect(Object.keys(cred.status).sort()).toEqual(['expirationTimestamp', 'token'])
    expect(cred.status.expirationTimestamp).toMatch(RFC3339)
    expect(r.stderr).toMatch(MESSAGE)
    expect(r.stdout).not.toMatch(/To sign in/)
    const claims = claimsOf(cred.status.token)
    expect(claims).toMatchObject({ aud: AKS_SERVER, appid: AKS_CLIENT, upn: BOB, ver: '1.0' })
    // The expiry is the token's own (no clock offset in this simulator yet).
    expect(Date.parse(cred.status.expirationTimestamp) / 1000).toBe(claims.exp)
  })

  it('echoes the apiVersion KUBERNETES_EXEC_INFO names (v1, v1beta1, empty → v1beta1)', async () => {
    const ctx = fresh()
    answer.approveAs(BOB)
    const info = (apiVersion: string) =>
      JSON.stringify({ kind: 'ExecCredential', apiVersion, spec: { interactive: false } })
    const v1 = credentialOf(
      await getToken(ctx, { env: { KUBERNETES_EXEC_INFO: info('client.authentication.k8s.io/v1') } }),
    )
    expect(v1.apiVersion).toBe('client.authentication.k8s.io/v1')
    expect(v1.spec).toEqual({ interactive: false })
    const beta = credentialOf(
      await getToken(ctx, { env: { KUBERNETES_EXEC_INFO: info('client.authentication.k8s.io/v1beta1') } }),
    )
    expect(beta.apiVersion).toBe('client.authentication.k8s.io/v1beta1')
    const empty = credentialOf(await getToken(ctx, { env: { KUBERNETES_EXEC_INFO: info('') } }))
    expect(empty.apiVersion).toBe('client.authentication.k8s.io/v1beta1')
  })

  it('refuses other apiVersions and unreadable KUBERNETES_EXEC_INFO with exit 1 and nothing on stdout', async () => {
    const ctx = fresh()
    const alpha = await getToken(ctx, {
      env: {
        KUBERNETES_EXEC_INFO:
          '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1alpha1"}',
      },
    })
    expect(alpha).toMatchObject({ code: 1, stdout: '' })
    expect(alpha.stderr).toBe(
      'aks-auth-sim: get-token: api version: client.authentication.k8s.io/v1alpha1 is not supported\n',
    )
    const junk = await getToken(ctx, { env: { KUBERNETES_EXEC_INFO: '{not json' } })
    expect(junk).toMatchObject({ code: 1, stdout: '' })
    expect(junk.stderr).toMatch(/^aks-auth-sim: get-token: cannot parse KUBERNETES_EXEC_INFO: /)
  })
})

describe('token cache', () => {
  it('writes one 0600 file per (environment, server, client, tenant) and reuses it without a new sign-in', async () => {
    const ctx = fresh()
    answer.approveAs(BOB)
    const first = credentialOf(await getToken(ctx))
    const file = `AzurePublicCloud-${AKS_SERVER}-${AKS_CLIENT}-${sim.endpoints.tenantId}.json`
    expect(readdirSync(ctx.cacheDir)).toEqual([file])
    expect(statSync(join(ctx.cacheDir, file)).mode & 0o777).toBe(0o600)
    expect(statSync(ctx.cacheDir).mode & 0o777).toBe(0o700)
    const since = lastEventId(sim)
    const second = await getToken(ctx)
    expect(credentialOf(second).status.token).toBe(first.status.token)
    expect(second.stderr).toBe('')
    expect(countEvents(sim, 'device_code.issued', since)).toBe(0)
    expect(countEvents(sim, 'token.issued', since)).toBe(0)
  })

  it('uses the refresh token once the access token expires on the simulator’s clock', async () => {
    const ctx = fresh()
    answer.approveAs(BOB)
    const first = credentialOf(await getToken(ctx))
    const since = lastEventId(sim)
    answer.ignore()
    sim.advanceClock(3600)
    const r = await getToken(ctx)
    const second = credentialOf(r)
    expect(r.stderr).toBe('')
    expect(second.status.token).not.toBe(first.status.token)
    expect(countEvents(sim, 'device_code.issued', since)).toBe(0)
    expect(countEvents(sim, 'token.issued', since, (d) => d.grant === 'refresh_token')).toBe(1)
    // The new token is valid on the simulator's clock; expirationTimestamp is on this machine's.
    const claims = claimsOf(second.status.token)
    // Issued once the first token had expired: at or after its exp (a token is expired from exp on),
    // which can be the same second when the plugin runs quickly.
    expect(claims.iat).toBeGreaterThanOrEqual(claimsOf(first.status.token).exp)
    const offset = sim.clock().offsetSeconds
    expect(Date.parse(second.status.expirationTimestamp) / 1000).toBe(claims.exp - offset)
  })

  it('lets concurrent plugin processes share one sign-in through the cache lock', async () => {
    const ctx = fresh()
    answer.approveAs(BOB)
    const since = lastEventId(sim)
    const runs = await Promise.all([getToken(ctx), getToken(ctx), getToken(ctx), getToken(ctx)])
    const tokens = runs.map((r) => credentialOf(r).status.token)
    expect(new Set(tokens).size).toBe(1)
    expect(countEvents(sim, 'device_code.issued', since)).toBe(1)
    expect(runs.filter((r) => MESSAGE.test(r.stderr))).toHaveLength(1)
    expect(readdirSync(ctx.cacheDir).filter((f) => !f.endsWith('.json'))).toEqual([])
  })

  it('is cleared by logout, after which the next run signs in again', async () => {
    const ctx = fresh()
    answer.approveAs(BOB)
    credentialOf(await getToken(ctx))
    const out = await cli(['logout', '--cache-dir', ctx.cacheDir], { env: cleanEnv(ctx.home) })
    expect(out.code).toBe(0)
    expect(out.stderr).toBe(`removed 1 cached token(s) from ${ctx.cacheDir}\n`)
    const since = lastEventId(sim)
    credentialOf(await getToken(ctx))
    expect(countEvents(sim, 'device_code.issued', since)).toBe(1)
  })
})

describe('failures: one line on stderr, nothing on stdout, exit 1 (2 for usage)', () => {
  const failure = (r: Run, code: number, message: RegExp) => {
    expect(r.code, r.stderr).toBe(code)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(message)
  }

  it('reports a declined sign-in', async () => {
    answer.declineAs(BOB)
    failure(
      await getToken(fresh()),
      1,
      /get-token: device code sign-in: the sign-in was declined \(authorization_declined/,
    )
  })

  it('reports a disabled account', async () => {
    answer.approveAs(ERIN)
    failure(
      await getToken(fresh()),
      1,
      /get-token: device code sign-in: the user account is disabled \(invalid_grant: AADSTS50057/,
    )
  })

  it('reports an expired device code', async () => {
    answer.ignore()
    const stop = sim.eventBus.subscribe((e) => {
      if (e.type === 'device_code.issued') setTimeout(() => sim.advanceClock(901), 100)
    })
    try {
      failure(
        await getToken(fresh()),
        1,
        /get-token: device code sign-in: the device code expired before anyone signed in \(expired_token/,
      )
    } finally {
      stop()
    }
  })

  it('gives up after --timeout, the sign-in included', async () => {
    answer.ignore()
    const r = await getToken(fresh(), { extra: ['--timeout', '3s'] })
    failure(
      r,
      1,
      /get-token: device code sign-in: timed out after 3s \(--timeout\): context deadline exceeded/,
    )
    expect(r.stderr).toMatch(MESSAGE)
  })

  it('says when the simulator cannot be reached or its CA is not trusted', async () => {
    const ctx = fresh()
    failure(
      await getToken(ctx, {
        args: kubeloginArgs(ctx.cacheDir).map((a) =>
          a === `${sim.endpoints.authority}/` ? 'https://127.0.0.1:1/' : a,
        ),
      }),
      1,
      /cannot reach 127\.0\.0\.1:1: .*ECONNREFUSED.* \(is the simulator running\?\)/,
    )
    // No endpoints.json, hence no CA: the TLS failure says what to do.
    failure(
      await getToken(ctx, { env: { AKS_AUTH_SIM_STATE_DIR: tmp.sub(`empty-${n}`) } }),
      1,
      /the simulator's CA is not trusted: check --state-dir or NODE_EXTRA_CA_CERTS/,
    )
    failure(
      await getToken(ctx, {
        env: { AKS_AUTH_SIM_STATE_DIR: tmp.sub(`empty2-${n}`) },
        args: kubeloginArgs(ctx.cacheDir).filter(
          (a, i, all) => a !== '--authority-host' && all[i - 1] !== '--authority-host',
        ),
      }),
      1,
      /cannot find the simulator: .*endpoints\.json does not exist and no --authority-host was given/,
    )
  })

  it('checks its flags as kubelogin does (exit 2)', async () => {
    const ctx = fresh()
    const without = (flag: string) =>
      kubeloginArgs(ctx.cacheDir).filter((a, i, all) => a !== flag && all[i - 1] !== flag)
    failure(
      await getToken(ctx, { args: without('--server-id') }),
      2,
      /^aks-auth-sim: get-token: server-id is required\n$/,
    )
    failure(
      await getToken(ctx, { extra: ['--login', 'magic'] }),
      2,
      /'magic' is not a supported login method\. Supported method is one of devicecode, interactive, spn, ropc, msi, azurecli, azd, workloadidentity, azurepipelines\n$/,
    )
    failure(await getToken(ctx, { extra: ['--timeout', '0s'] }), 2, /timeout must be greater than 0/)
    failure(
      await getToken(ctx, { extra: ['--timeout', '60'] }),
      2,
      /invalid argument "60" for "--timeout" flag: time: missing unit in duration "60"/,
    )
    failure(
      await getToken(ctx, { extra: ['--authority-host', 'https://127.0.0.1:1'] }),
      2,
      /authority host "https:\/\/127\.0\.0\.1:1" should have a trailing slash/,
    )
    failure(await getToken(ctx, { extra: ['--no-such-flag'] }), 2, /Unknown option '--no-such-flag'/)
    failure(await getToken(ctx, { extra: ['--legacy'] }), 2, /--legacy .* is not supported/)
  })
})

describe('other login modes and environment overrides', () => {
  const webhookApp = () => sim.endpoints.directory.applications.find((a) => a.name === 'aks-webhook')!

  it('--login spn signs in with a client secret (CI), and a wrong secret fails clearly', async () => {
    const ctx = fresh()
    const app = webhookApp()
    const spnArgs = (secret: string, cacheDir = ctx.cacheDir) =>
      kubeloginArgs(cacheDir)
        .map((a) => (a === 'devicecode' ? 'spn' : a === AKS_CLIENT ? app.appId : a))
        .concat(['--client-secret', secret])
    const cred = credentialOf(await getToken(ctx, { args: spnArgs(DEMO_WEBHOOK_SECRET) }))
    expect(claimsOf(cred.status.token)).toMatchObject({ aud: AKS_SERVER, appid: app.appId, idtyp: 'app' })
    // The cached app token is not handed to a run with another secret: it asks Entra, which refuses.
    failure2(await getToken(ctx, { args: spnArgs('wrong') }), /invalid_client: AADSTS7000215/)
    const other = fresh()
    failure2(
      await getToken(other, { args: spnArgs('wrong', other.cacheDir) }),
      /spn sign-in: Entra ID refused the request \(invalid_client: AADSTS7000215/,
    )
  })

  it('AAD_LOGIN_METHOD and the AAD_SERVICE_PRINCIPAL_* variables override the kubeconfig’s args', async () => {
    const ctx = fresh()
    const app = webhookApp()
    const env = {
      AAD_LOGIN_METHOD: 'spn',
      AAD_SERVICE_PRINCIPAL_CLIENT_ID: app.appId,
      AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: DEMO_WEBHOOK_SECRET,
    }
    const cred = credentialOf(await getToken(ctx, { env }))
    expect(claimsOf(cred.status.token).appid).toBe(app.appId)
    answer.approveAs(BOB)
    const ignored = credentialOf(await getToken(fresh(), { env, extra: ['--disable-environment-override'] }))
    expect(claimsOf(ignored.status.token)).toMatchObject({ appid: AKS_CLIENT, upn: BOB })
  })

  it('--login ropc asks Entra for the password grant (which the simulator does not offer)', async () => {
    const ctx = fresh()
    const args = kubeloginArgs(ctx.cacheDir).map((a) => (a === 'devicecode' ? 'ropc' : a))
    failure2(
      await getToken(ctx, { args, env: { AAD_USER_PRINCIPAL_NAME: BOB, AAD_USER_PRINCIPAL_PASSWORD: 'x' } }),
      /ropc sign-in: Entra ID refused the request \(unsupported_grant_type/,
    )
    failure2(await getToken(ctx, { args }), /ropc login needs --username and --password/, 2)
  })
})

function failure2(r: Run, message: RegExp, code = 1) {
  expect(r.code, r.stderr).toBe(code)
  expect(r.stdout).toBe('')
  expect(r.stderr).toMatch(message)
}
