/**
 * The package as a user gets it: `npm pack` this checkout (dist/ is built by the global setup, so the pack
 * runs no scripts), `npm install` the tarball into an empty directory, and there run the installed command,
 * start it until OIDC discovery answers, and use the library from plain Node — ESM and CommonJS — with no
 * TypeScript loader anywhere. Every child gets a private HOME (no ~/.npmrc of the developer's is read); npm
 * reads the machine's package cache (warm after `npm ci`) and fetches only what is missing from it.
 */
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { homedir, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isolatedEnv } from '../helpers/isolation.js'

const ROOT = resolve(import.meta.dirname, '../..')
const NPM_CACHE = process.env.npm_config_cache ?? join(homedir(), '.npm')
const tmp = mkdtempSync(join(tmpdir(), 'aks-auth-sim-pack-'))
const home = join(tmp, 'home')
const app = join(tmp, 'app')

/** PATH, a private HOME, the package cache; nothing else from the caller (no NODE_OPTIONS, no tsx). */
const env = (extra: Record<string, string> = {}): Record<string, string> =>
  isolatedEnv(
    {
      npm_config_cache: NPM_CACHE,
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      ...extra,
    },
    { home },
  )

interface Run {
  code: number
  stdout: string
  stderr: string
}

function run(file: string, args: string[], cwd: string, extra: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      file,
      args,
      { cwd, env: env(extra), timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
        done({ code, stdout, stderr })
      },
    )
  })
}

function getStatus(url: string, ca: string): Promise<number> {
  return new Promise((done) => {
    const req = request(url, { ca, agent: false }, (res) => {
      res.resume()
      done(res.statusCode ?? 0)
    })
    req.on('error', () => done(0))
    req.end()
  })
}

let tarball = ''

beforeAll(async () => {
  mkdirSync(home)
  mkdirSync(app)
  const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT)
  expect(pack.code, pack.stderr).toBe(0)
  const [info] = JSON.parse(pack.stdout) as { filename: string }[]
  tarball = join(tmp, info!.filename)
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }))
  const install = await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', tarball],
    app,
  )
  expect(install.code, install.stderr).toBe(0)
}, 300_000)

afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('the packed tarball, installed into an empty directory', { timeout: 180_000 }, () => {
  it('holds the compiled code, its types and data files, and no sources, tests or benches', async () => {
    const list = await run('tar', ['tzf', tarball], tmp)
    const files = list.stdout.split('\n').filter(Boolean)
    expect(files).toContain('package/dist/index.js')
    expect(files).toContain('package/dist/index.d.ts')
    expect(files).toContain('package/dist/index.js.map')
    expect(files).toContain('package/dist/cli/main.js')
    expect(files).toContain('package/dist/bundle/main.js')
    expect(files).toContain('package/dist/kube/proto/core-v1.proto')
    expect(files).toContain('package/dist/rbac/bootstrap-policy.yaml')
    expect(files).toContain('package/bin/aks-auth-sim.js')
    expect(files).toContain('package/public/index.html')
    expect(files.filter((f) => /^package\/(src|test|bench|scripts)\//.test(f))).toEqual([])
    const installed = join(app, 'node_modules/aks-auth-sim')
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'))
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' })
    // What a user installs runs without a TypeScript loader.
    expect(Object.keys(manifest.dependencies)).not.toContain('tsx')
    expect(existsSync(join(app, 'node_modules/tsx'))).toBe(false)
  })

  it('runs the installed command through npx', async () => {
    const version = await run('npx', ['--no', '--', 'aks-auth-sim', '--version'], app)
    expect(version.stderr).toBe('')
    expect(version.code).toBe(0)
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version)
    const help = await run('npx', ['--no', '--', 'aks-auth-sim', '--help'], app)
    expect(help.stderr).toBe('')
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: aks-auth-sim <command>/m)
  })

  it('starts with `npx aks-auth-sim start` until OIDC discovery answers, and stops on SIGTERM', async () => {
    const stateDir = join(tmp, 'cli-state')
    const child = spawn(
      'npx',
      ['--no', '--', 'aks-auth-sim', 'start', '--state-dir', stateDir, '--port-base', '0'],
      {
        cwd: app,
        env: env(),
        stdio: ['ignore', 'ignore', 'pipe'],
        detached: true, // its own process group: npx and the server it runs are stopped together below
      },
    )
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    try {
      const file = join(stateDir, 'endpoints.json')
      let status = 0
      for (let i = 0; i < 600 && status !== 200 && child.exitCode === null; i++) {
        await new Promise((r) => setTimeout(r, 100))
        if (!existsSync(file)) continue
        let ep: { authority: string; tenantId: string; caFile: string }
        try {
          ep = JSON.parse(readFileSync(file, 'utf8'))
        } catch {
          continue
        }
        status = await getStatus(
          `${ep.authority}/${ep.tenantId}/v2.0/.well-known/openid-configuration`,
          readFileSync(ep.caFile, 'utf8'),
        )
      }
      expect(status, stderr).toBe(200)
      expect(stderr).toMatch(/aks-auth-sim is running/)
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM')
      await exited
    }
  })

  it('imports startSimulator from plain Node (ESM), starts, signs in once and stops', async () => {
    const script = `
import { request } from 'node:https'
import { startSimulator, DEMO_WEBHOOK_SECRET } from 'aks-auth-sim'

const sim = await startSimulator({ stateDir: process.argv[2] })
const body = new URLSearchParams({
  grant_type: 'client_credentials',
  client_id: '2ef8d3b7-aeef-55d4-aeb7-6a4d734c056d',
  client_secret: DEMO_WEBHOOK_SECRET,
  scope: 'https://graph.microsoft.com/.default',
}).toString()
const answer = await new Promise((resolve, reject) => {
  const req = request(
    sim.endpoints.authority + '/' + sim.endpoints.tenantId + '/oauth2/v2.0/token',
    { method: 'POST', ca: sim.caPem, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(text) }))
    },
  )
  req.on('error', reject)
  req.end(body)
})
await sim.stop()
console.log(JSON.stringify({ status: answer.status, tokenType: answer.json.token_type, aud: JSON.parse(Buffer.from(answer.json.access_token.split('.')[1], 'base64url')).aud }))
`
    writeFileSync(join(app, 'sign-in.mjs'), script)
    const out = await run(process.execPath, ['sign-in.mjs', join(tmp, 'esm-state')], app)
    expect(out.code, out.stderr).toBe(0)
    expect(JSON.parse(out.stdout)).toEqual({
      status: 200,
      tokenType: 'Bearer',
      aud: 'https://graph.microsoft.com',
    })
  })

  it("loads with CommonJS require() (Node's require of ES modules, Node 20.19 and later)", async () => {
    const out = await run(
      process.execPath,
      ['-e', "const m = require('aks-auth-sim'); console.log(typeof m.startSimulator, typeof m.ConfigError)"],
      app,
    )
    expect(out.code, out.stderr).toBe(0)
    expect(out.stdout.trim()).toBe('function function')
  })
})
