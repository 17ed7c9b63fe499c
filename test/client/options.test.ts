/**
 * get-token's option handling (kubelogin's flags and environment precedence), Go durations, the
 * ExecCredential writer, the token cache files and the cross-process lock, without a simulator.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { isFresh, scopeFor } from '../../src/client/acquire-token.js'
import { buildExecCredential, execApiVersion } from '../../src/client/exec-credential.js'
import { withFileLock } from '../../src/client/file-lock.js'
import { parseGetTokenArgs, parseGoDuration } from '../../src/client/kubelogin-options.js'
import {
  cacheFileName,
  readCachedToken,
  writeCachedToken,
  type CachedToken,
} from '../../src/client/token-cache.js'
import { AKS_CLIENT, AKS_SERVER, scratch } from './helpers.js'

const tmp = scratch('aks-sim-options-')
afterAll(() => tmp.cleanup())

const base = ['--server-id', AKS_SERVER, '--client-id', AKS_CLIENT, '--tenant-id', 't1']

describe('get-token options', () => {
  it('defaults like kubelogin: devicecode, AzurePublicCloud, ~/.kube/cache/kubelogin; a person’s wait for devicecode', () => {
    const o = parseGetTokenArgs(base, { HOME: '/home/u' })
    expect(o).toMatchObject({
      login: 'devicecode',
      environment: 'AzurePublicCloud',
      // Past the device code's lifetime: the code's expires_in ends the wait (kubelogin v0.1.x).
      timeoutSeconds: 3600,
      timeoutFromFlag: false,
      tenantId: 't1',
    })
    // Logins that need no person keep kubelogin's 60s; --timeout wins for every login.
    expect(parseGetTokenArgs(['--login', 'spn', '--client-secret', 's', ...base], {}).timeoutSeconds).toBe(60)
    expect(parseGetTokenArgs([...base, '--timeout', '20m'], {})).toMatchObject({
      timeoutSeconds: 1200,
      timeoutFromFlag: true,
    })
    expect(o.cacheDir).toMatch(/\.kube\/cache\/kubelogin$/)
    expect(parseGetTokenArgs(base, { KUBECACHEDIR: '/kc' }).cacheDir).toBe('/kc/kubelogin')
    expect(parseGetTokenArgs([...base, '--token-cache-dir', '/old'], {}).cacheDir).toBe('/old')
  })

  it('lets the environment win over flags, later names over earlier ones', () => {
    const env = {
      AAD_LOGIN_METHOD: 'spn',
      AAD_SERVICE_PRINCIPAL_CLIENT_ID: 'from-aad',
      AZURE_CLIENT_ID: 'from-azure',
      AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: 's1',
      AZURE_TENANT_ID: 't2',
    }
    expect(parseGetTokenArgs(base, env)).toMatchObject({
      login: 'spn',
      clientId: 'from-azure',
      clientSecret: 's1',
      tenantId: 't2',
    })
    expect(parseGetTokenArgs([...base, '--disable-environment-override'], env)).toMatchObject({
      login: 'devicecode',
      clientId: AKS_CLIENT,
      tenantId: 't1',
    })
    const tf = {
      ARM_CLIENT_ID: 'tf',
      ARM_CLIENT_SECRET: 'tfs',
      ARM_TENANT_ID: 't3',
      AZURE_CLIENT_ID: 'ignored',
    }
    expect(parseGetTokenArgs([...base, '-l', 'spn', '--use-azurerm-env-vars'], tf)).toMatchObject({
      clientId: 'tf',
      clientSecret: 'tfs',
      tenantId: 't3',
    })
    expect(
      parseGetTokenArgs([...base, '-l', 'ropc'], { AZURE_USERNAME: 'u', AAD_USER_PRINCIPAL_PASSWORD: 'p' }),
    ).toMatchObject({
      username: 'u',
      password: 'p',
    })
  })

  it('parses Go durations and rejects everything else', () => {
    expect(parseGoDuration('60s')).toBe(60)
    expect(parseGoDuration('1m30s')).toBe(90)
    expect(parseGoDuration('1.5h')).toBe(5400)
    expect(parseGoDuration('250ms')).toBe(0.25)
    expect(parseGoDuration('0')).toBe(0)
    for (const bad of ['60', '', 's', '1x', '1m 30s', '--1s'])
      expect(() => parseGoDuration(bad)).toThrow(/--timeout/)
  })

  it('never throws anything but a SignInError on arbitrary argv (property)', () => {
    const flag = fc.constantFrom(
      '--login',
      '-l',
      '--server-id',
      '--timeout',
      '--client-id',
      '--tenant-id',
      '--cache-dir',
      '--legacy',
      '--x',
      '-e',
      '',
    )
    fc.assert(
      fc.property(fc.array(fc.oneof(flag, fc.string({ maxLength: 8 })), { maxLength: 8 }), (args) => {
        try {
          parseGetTokenArgs(args, {})
        } catch (err) {
          expect((err as Error).name).toBe('SignInError')
        }
      }),
      { numRuns: 500 },
    )
  })

  it('builds kubelogin’s scopes', () => {
    expect(scopeFor(AKS_SERVER)).toBe(`${AKS_SERVER}/.default`)
    expect(scopeFor(`${AKS_SERVER}/`)).toBe(`${AKS_SERVER}/.default`)
    expect(scopeFor('https://management.azure.com/')).toBe('https://management.azure.com//.default')
    expect(scopeFor(`${AKS_SERVER}/.default`)).toBe(`${AKS_SERVER}/.default`)
  })
})

describe('ExecCredential writer', () => {
  it('chooses the apiVersion from KUBERNETES_EXEC_INFO and prints second-precision UTC', () => {
    expect(execApiVersion(undefined)).toBe('client.authentication.k8s.io/v1beta1')
    expect(execApiVersion('{"apiVersion":"client.authentication.k8s.io/v1"}')).toBe(
      'client.authentication.k8s.io/v1',
    )
    expect(() => execApiVersion('{"apiVersion":"v2"}')).toThrow('api version: v2 is not supported')
    expect(
      buildExecCredential('client.authentication.k8s.io/v1', 'tok', Date.UTC(2026, 2, 5, 15, 42, 37, 900)),
    ).toEqual({
      kind: 'ExecCredential',
      apiVersion: 'client.authentication.k8s.io/v1',
      spec: { interactive: false },
      status: { expirationTimestamp: '2026-03-05T15:42:37Z', token: 'tok' },
    })
  })
})

describe('token cache files', () => {
  const token = (over: Partial<CachedToken> = {}): CachedToken => ({
    token_type: 'Bearer',
    access_token: 'a',
    refresh_token: 'r',
    expires_on: 10_000,
    not_before: 6_400,
    resource: AKS_SERVER,
    client_id: AKS_CLIENT,
    tenant_id: 't',
    authority: 'https://x',
    login: 'devicecode',
    ...over,
  })

  it('writes 0600 files atomically in a 0700 directory, and ignores unreadable ones', () => {
    const dir = join(tmp.dir, 'cache')
    const file = cacheFileName(dir, {
      environment: 'AzurePublicCloud',
      resource: 'https://management.azure.com/',
      clientId: 'c',
      tenantId: 't',
    })
    expect(file).toBe(join(dir, 'AzurePublicCloud-management.azure.com-c-t.json'))
    writeCachedToken(file, token())
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(readCachedToken(file)).toEqual(token())
    expect(readdirSync(dir)).toEqual(['AzurePublicCloud-management.azure.com-c-t.json'])
    writeFileSync(file, '{"access_token":')
    expect(readCachedToken(file)).toBeUndefined()
  })

  it('treats a token as fresh until five minutes before it expires', () => {
    expect(isFresh(token(), 10_000 - 301)).toBe(true)
    expect(isFresh(token(), 10_000 - 300)).toBe(false)
    // A short-lived token renews in the last tenth of its life.
    expect(isFresh(token({ not_before: 9_400 }), 10_000 - 61)).toBe(true)
    expect(isFresh(token({ not_before: 9_400 }), 10_000 - 60)).toBe(false)
  })
})

describe('cache lock', () => {
  it('runs holders one at a time and removes the lock afterwards', async () => {
    const lock = join(tmp.dir, 'l1', 'x.json.lock')
    let inside = 0
    let maxInside = 0
    const order: number[] = []
    await Promise.all(
      [1, 2, 3, 4].map((i) =>
        withFileLock(lock, { deadline: Date.now() + 10_000 }, async () => {
          inside++
          maxInside = Math.max(maxInside, inside)
          await new Promise((r) => setTimeout(r, 30))
          order.push(i)
          inside--
        }),
      ),
    )
    expect(maxInside).toBe(1)
    expect(order.sort()).toEqual([1, 2, 3, 4])
    expect(existsSync(lock)).toBe(false)
  })

  it('takes over the lock of a process that died, and times out on a live holder', async () => {
    const lock = join(tmp.dir, 'l2', 'x.json.lock')
    await withFileLock(lock, { deadline: Date.now() + 1000 }, () => Promise.resolve())
    // pid 2^22+1 is above Linux's pid_max default: no such process.
    writeFileSync(
      lock,
      JSON.stringify({
        pid: 4_194_305,
        host: (await import('node:os')).hostname(),
        created: Date.now(),
        nonce: 'dead',
      }),
    )
    expect(await withFileLock(lock, { deadline: Date.now() + 1000 }, () => Promise.resolve('ok'))).toBe('ok')
    writeFileSync(
      lock,
      JSON.stringify({
        pid: process.pid,
        host: (await import('node:os')).hostname(),
        created: Date.now(),
        nonce: 'live',
      }),
    )
    await expect(withFileLock(lock, { deadline: Date.now() + 300 }, () => Promise.resolve())).rejects.toThrow(
      /timed out waiting for another aks-auth-sim process/,
    )
  })
})
