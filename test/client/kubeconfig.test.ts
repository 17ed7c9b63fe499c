/**
 * Merging downloaded kubeconfigs the way az does, and convert-kubeconfig's rewrites, on files in a
 * scratch directory (the CLI itself for the command-level behaviour).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { convertKubeconfig } from '../../src/client/convert.js'
import { mergeKubeconfig, renameForMerge, type KubeConfig } from '../../src/client/kubeconfig-file.js'
import { AKS_CLIENT, AKS_SERVER, CLI, cleanEnv, cli, scratch } from './helpers.js'

const tmp = scratch('aks-sim-kubeconfig-')
afterAll(() => tmp.cleanup())

const TID = '11111111-2222-3333-4444-555555555555'
const userKubeconfig = (server = 'https://127.0.0.1:6443'): KubeConfig => ({
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'aks-demo', cluster: { server, 'certificate-authority-data': 'Q0E=' } }],
  contexts: [{ name: 'aks-demo', context: { cluster: 'aks-demo', user: 'clusterUser_rg_aks-demo' } }],
  users: [
    {
      name: 'clusterUser_rg_aks-demo',
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: process.execPath,
          args: [
            CLI,
            'get-token',
            '--login',
            'devicecode',
            '--server-id',
            AKS_SERVER,
            '--client-id',
            AKS_CLIENT,
            '--tenant-id',
            TID,
            '--environment',
            'AzurePublicCloud',
            '--authority-host',
            'https://127.0.0.1:8440/',
          ],
          env: [{ name: 'AKS_AUTH_SIM_STATE_DIR', value: '/state' }],
          interactiveMode: 'IfAvailable',
          provideClusterInfo: false,
        },
      },
    },
  ],
  'current-context': 'aks-demo',
})
const existing = (): KubeConfig => ({
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'kind-dev', cluster: { server: 'https://127.0.0.1:1234' } }],
  contexts: [{ name: 'kind-dev', context: { cluster: 'kind-dev', user: 'kind-dev' } }],
  users: [{ name: 'kind-dev', user: { token: 'abc' } }],
  'current-context': 'kind-dev',
  preferences: {},
})

describe('merging like az aks get-credentials', () => {
  it('adds the new entries, keeps the others and switches the current context', async () => {
    const merged = await mergeKubeconfig(existing(), userKubeconfig(), { overwrite: false })
    expect(merged.clusters!.map((c) => c.name)).toEqual(['kind-dev', 'aks-demo'])
    expect(merged.users!.map((c) => c.name)).toEqual(['kind-dev', 'clusterUser_rg_aks-demo'])
    expect(merged.contexts!.map((c) => c.name)).toEqual(['kind-dev', 'aks-demo'])
    expect(merged['current-context']).toBe('aks-demo')
    expect(merged.preferences).toEqual({})
  })

  it('replaces identical entries silently, refuses different ones unless --overwrite-existing', async () => {
    const once = await mergeKubeconfig(existing(), userKubeconfig(), { overwrite: false })
    const twice = await mergeKubeconfig(once, userKubeconfig(), { overwrite: false })
    expect(twice.clusters).toHaveLength(2)
    await expect(
      mergeKubeconfig(once, userKubeconfig('https://127.0.0.1:7777'), { overwrite: false }),
    ).rejects.toThrow('A different object named aks-demo already exists in clusters in your kubeconfig file.')
    const replaced = await mergeKubeconfig(once, userKubeconfig('https://127.0.0.1:7777'), {
      overwrite: true,
    })
    expect(replaced.clusters!.find((c) => c.name === 'aks-demo')).toMatchObject({
      cluster: { server: 'https://127.0.0.1:7777' },
    })
    expect(replaced.clusters).toHaveLength(2)
    const asked: string[] = []
    const confirmed = await mergeKubeconfig(once, userKubeconfig('https://127.0.0.1:7777'), {
      overwrite: false,
      confirm: (name) => (asked.push(name), Promise.resolve(true)),
    })
    expect(asked).toEqual(['aks-demo'])
    expect(confirmed.clusters).toHaveLength(2)
  })

  it('names contexts as az does: --context renames context and cluster, admin contexts get -admin', () => {
    const renamed = userKubeconfig()
    renameForMerge(renamed, 'workshop')
    expect(renamed.contexts![0]).toMatchObject({ name: 'workshop', context: { cluster: 'workshop' } })
    expect(renamed.clusters![0]!.name).toBe('workshop')
    expect(renamed['current-context']).toBe('workshop')
    const admin = userKubeconfig()
    ;(admin.contexts![0] as any).context.user = 'clusterAdmin_rg_aks-demo'
    renameForMerge(admin, undefined)
    expect(admin.contexts![0]!.name).toBe('aks-demo-admin')
    expect(admin['current-context']).toBe('aks-demo-admin')
    expect(admin.clusters![0]!.name).toBe('aks-demo')
  })
})

describe('convert-kubeconfig', () => {
  it('switches devicecode to spn with kubelogin’s arg order, keeping the plugin, env and other users', () => {
    const config = {
      ...existing(),
      ...userKubeconfig(),
      users: [...existing().users!, ...userKubeconfig().users!],
    }
    const changed = convertKubeconfig(config, { login: 'spn' })
    expect(changed).toEqual(['clusterUser_rg_aks-demo'])
    const exec = (config.users[1] as any).user.exec
    expect(exec.command).toBe(process.execPath)
    expect(exec.args).toEqual([
      CLI,
      'get-token',
      '--login',
      'spn',
      '--server-id',
      AKS_SERVER,
      '--client-id',
      AKS_CLIENT,
      '--tenant-id',
      TID,
      '--environment',
      'AzurePublicCloud',
      '--authority-host',
      'https://127.0.0.1:8440/',
    ])
    expect(exec.env).toEqual([{ name: 'AKS_AUTH_SIM_STATE_DIR', value: '/state' }])
    expect((config.users[0] as any).user).toEqual({ token: 'abc' })
  })

  it('azurecli drops the old tenant; flags win over the existing args', () => {
    const c1 = userKubeconfig()
    convertKubeconfig(c1, { login: 'azurecli' })
    expect((c1.users![0] as any).user.exec.args).toEqual([
      CLI,
      'get-token',
      '--login',
      'azurecli',
      '--server-id',
      AKS_SERVER,
      '--authority-host',
      'https://127.0.0.1:8440/',
    ])
    const c2 = userKubeconfig()
    convertKubeconfig(c2, { login: 'devicecode', tenantId: 'other-tenant', cacheDir: '/cache' })
    expect((c2.users![0] as any).user.exec.args).toEqual([
      CLI,
      'get-token',
      '--login',
      'devicecode',
      '--server-id',
      AKS_SERVER,
      '--cache-dir',
      '/cache',
      '--client-id',
      AKS_CLIENT,
      '--tenant-id',
      'other-tenant',
      '--environment',
      'AzurePublicCloud',
      '--authority-host',
      'https://127.0.0.1:8440/',
    ])
  })

  it('turns the legacy auth-provider form into this CLI’s exec form, and refuses legacy AAD', () => {
    const legacy: KubeConfig = {
      users: [
        {
          name: 'clusterUser_rg_aks-demo',
          user: {
            'auth-provider': {
              name: 'azure',
              config: {
                'apiserver-id': AKS_SERVER,
                'client-id': AKS_CLIENT,
                'config-mode': '1',
                environment: 'AzurePublicCloud',
                'tenant-id': TID,
              },
            },
          },
        },
      ],
    }
    convertKubeconfig(legacy, {
      login: 'devicecode',
      authorityHost: 'https://127.0.0.1:8440/',
      stateDir: '/state',
    })
    const user = (legacy.users![0] as any).user
    expect(user['auth-provider']).toBeUndefined()
    expect(user.exec).toMatchObject({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: process.execPath,
      args: [
        CLI,
        'get-token',
        '--login',
        'devicecode',
        '--server-id',
        AKS_SERVER,
        '--client-id',
        AKS_CLIENT,
        '--tenant-id',
        TID,
        '--environment',
        'AzurePublicCloud',
        '--authority-host',
        'https://127.0.0.1:8440/',
      ],
      env: [{ name: 'AKS_AUTH_SIM_STATE_DIR', value: '/state' }],
      interactiveMode: 'IfAvailable',
    })
    const v1: KubeConfig = {
      users: [
        { name: 'u', user: { 'auth-provider': { name: 'azure', config: { 'apiserver-id': AKS_SERVER } } } },
      ],
    }
    expect(() => convertKubeconfig(v1, { login: 'devicecode' })).toThrow(/legacy AAD/)
  })

  it('converts only the named context’s user, and can target real kubelogin', () => {
    const config = userKubeconfig()
    expect(() => convertKubeconfig(config, { login: 'devicecode', context: 'nope' })).toThrow(
      'no context exists with the name: "nope"',
    )
    convertKubeconfig(config, { login: 'devicecode', context: 'aks-demo', command: 'kubelogin' })
    const exec = (config.users![0] as any).user.exec
    expect(exec.command).toBe('kubelogin')
    expect(exec.args[0]).toBe('get-token')
    expect(exec.env).toBeNull()
  })

  it('rewrites the file in place from the command line, keeping its mode', async () => {
    const file = join(tmp.dir, 'config')
    writeFileSync(file, stringify(userKubeconfig()), { mode: 0o600 })
    const r = await cli(['convert-kubeconfig', '--kubeconfig', file, '-l', 'azurecli'], {
      env: cleanEnv(tmp.dir),
    })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toBe(`converted 'clusterUser_rg_aks-demo' to --login azurecli in ${file}\n`)
    expect(parse(readFileSync(file, 'utf8')).users[0].user.exec.args).toContain('azurecli')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const bad = await cli(['convert-kubeconfig', '--kubeconfig', file, '-l', 'interactive'], {
      env: cleanEnv(tmp.dir),
    })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/'interactive' is not a login mode convert-kubeconfig can write/)
  })
})

describe('YAML as kubectl reads it (1.1)', () => {
  it('quotes strings that YAML 1.1 would read as booleans, and keeps existing booleans', async () => {
    const { readKubeconfig, writeKubeconfig } = await import('../../src/client/kubeconfig-file.js')
    const file = join(tmp.dir, 'yaml11')
    writeFileSync(
      file,
      'clusters:\n- name: "on"\n  cluster: {server: "https://x", insecure-skip-tls-verify: yes}\n',
    )
    const config = readKubeconfig(file)
    expect(config.clusters![0]).toEqual({
      name: 'on',
      cluster: { server: 'https://x', 'insecure-skip-tls-verify': true },
    })
    writeKubeconfig(file, config)
    const text = readFileSync(file, 'utf8')
    expect(text).toMatch(/name: "on"/)
    expect(text).toMatch(/insecure-skip-tls-verify: true/)
  })
})
