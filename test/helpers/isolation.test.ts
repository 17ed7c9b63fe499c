/**
 * No test may reach a real cloud CLI or credential store (test/helpers/isolation.ts). These tests fail
 * if a child process started through the helper could run the machine's `az` (or another guarded CLI),
 * could see the developer's home or credentials, or if a file under test/ or bench/ starts processes
 * without the helper.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { GUARDED_COMMANDS, cloudCliGuard, guardedCalls, isolatedEnv } from './isolation.js'

const ROOT = join(import.meta.dirname, '../..')

function sh(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', script], { env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

/** Where `name` resolves on a PATH, as a shell's lookup does: the first executable found. */
function which(name: string, path: string): string | undefined {
  for (const dir of path.split(':').filter(Boolean)) {
    try {
      const file = join(dir, name)
      if (statSync(file).isFile()) return file
    } catch {
      // not in this directory
    }
  }
  return undefined
}

const saved = { ...process.env }
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
  Object.assign(process.env, saved)
})

describe('child processes cannot reach a real cloud CLI', () => {
  it('finds the guard for az (and every guarded CLI) first on PATH, in both bases', async () => {
    const { dir } = cloudCliGuard()
    for (const env of [
      isolatedEnv(),
      isolatedEnv({}, { base: 'inherit' }),
      isolatedEnv({ PATH: '/usr/bin:/bin' }),
    ]) {
      const r = await sh(GUARDED_COMMANDS.map((c) => `command -v ${c}`).join('; '), env)
      expect(r.stdout.trim().split('\n')).toEqual(GUARDED_COMMANDS.map((c) => join(dir, c)))
      expect(which('az', env.PATH!)).toBe(join(dir, 'az'))
    }
    // Where the machine has an Azure CLI (Debian's azure-cli puts it in /usr/bin), the child does not get it.
    const machineAz = which('az', process.env.PATH ?? '')
    if (machineAz) expect(which('az', isolatedEnv().PATH!)).not.toBe(machineAz)
  })

  it('records a call to az and fails it as a missing program does (exit 127), leaving no sign-in', async () => {
    const before = guardedCalls().length
    const r = await sh('az account get-access-token --output json', isolatedEnv())
    expect(r.code).toBe(127)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/az: not found/)
    expect(guardedCalls().slice(before)).toEqual(['az account get-access-token --output json'])
  })

  it('lets a child run the real az only when a test asks, with a private AZURE_CONFIG_DIR; other CLIs stay guarded', async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'aks-sim-az-config-'))
    const env = isolatedEnv({}, { allowAzureCli: { configDir } })
    expect(env.AZURE_CONFIG_DIR).toBe(configDir)
    const { dir } = cloudCliGuard()
    // az is whatever the machine has (or nothing), never the guard; every other guarded CLI is the guard.
    const machineAz = which('az', process.env.PATH ?? '')
    expect(which('az', env.PATH!)).toBe(machineAz)
    for (const c of GUARDED_COMMANDS.filter((x) => x !== 'az')) {
      const found = which(c, env.PATH!)
      expect(found?.endsWith(`/${c}`) && found.startsWith(tmpdir())).toBe(true)
      expect(found).not.toBe(join(dir, c))
    }
    const before = guardedCalls().length
    const r = await sh('gcloud auth print-access-token', env)
    expect(r.code).toBe(127)
    expect(guardedCalls().slice(before)).toEqual(['gcloud auth print-access-token'])
    // Without the option, az is guarded again (also when the env is passed back in).
    expect(which('az', isolatedEnv(env).PATH!)).toBe(join(dir, 'az'))
    // The developer's ~/.azure, or anything outside the temp dir, is refused.
    expect(() => isolatedEnv({}, { allowAzureCli: { configDir: join(homedir(), '.azure') } })).toThrow(
      /not a private directory/,
    )
    expect(() => isolatedEnv({}, { allowAzureCli: { configDir: '/etc' } })).toThrow(/not a private directory/)
  })

  it('gives the child a private HOME and KUBECONFIG, and none of the caller credential variables', async () => {
    Object.assign(process.env, {
      AZURE_CONFIG_DIR: join(homedir(), '.azure'),
      AZURE_CLIENT_SECRET: 'from-the-developer-shell',
      KUBECONFIG: join(homedir(), '.kube', 'config'),
      IDENTITY_ENDPOINT: 'http://169.254.169.254/metadata/identity',
      CLOUDSDK_CONFIG: join(homedir(), '.config', 'gcloud'),
    })
    for (const env of [isolatedEnv(), isolatedEnv({}, { base: 'inherit' })]) {
      const r = await sh('env', env)
      const child = Object.fromEntries(
        r.stdout
          .trim()
          .split('\n')
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      )
      expect(child.HOME).not.toBe(homedir())
      expect(child.HOME!.startsWith(tmpdir())).toBe(true)
      expect(child.KUBECONFIG).toBe(join(child.HOME!, '.kube', 'config'))
      // The Azure CLI (and this project's get-credentials) then keep their sign-in under the private HOME.
      expect(child).not.toHaveProperty('AZURE_CONFIG_DIR')
      expect(child).not.toHaveProperty('AZURE_CLIENT_SECRET')
      expect(child).not.toHaveProperty('IDENTITY_ENDPOINT')
      expect(child).not.toHaveProperty('CLOUDSDK_CONFIG')
    }
    // A test's own variables (a pod's environment) are kept.
    expect(isolatedEnv({ AZURE_CLIENT_ID: 'pod' }).AZURE_CLIENT_ID).toBe('pod')
  })

  it('is used by every file under test/ and bench/ that starts a process', () => {
    const files: string[] = []
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name)
        if (e.isDirectory()) walk(p)
        else if (/\.(ts|mjs|js)$/.test(e.name)) files.push(p)
      }
    }
    walk(join(ROOT, 'test'))
    walk(join(ROOT, 'bench'))
    const spawning = files.filter((f) => {
      const text = readFileSync(f, 'utf8')
      return /from 'node:child_process'|launchPersistentContext\(|\.launch\(/.test(text)
    })
    expect(spawning.length).toBeGreaterThan(5)
    const offenders = spawning
      .filter((f) => !f.endsWith('isolation.test.ts'))
      .filter((f) => {
        const text = readFileSync(f, 'utf8')
        // Through the helper, and no hand-made environment that passes the caller's on.
        return (
          !/isolatedEnv\(|cleanEnv\(/.test(text) ||
          /\.\.\.process\.env\b|process\.env\.(HOME|PATH)\b/.test(text)
        )
      })
      .map((f) => relative(ROOT, f))
    expect(offenders).toEqual([])
  })
})
