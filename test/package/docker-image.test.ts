/**
 * What the container image runs, without a container engine (none on the CI machines): the Dockerfile's
 * ENTRYPOINT script starts `aks-auth-sim start` from its environment (state dir, port base, host, the
 * public host names) and the Dockerfile's own HEALTHCHECK command, taken from the file, passes against
 * it. The image's build steps (npm pack, install of the tarball, the installed command starting) are
 * those of test/package/pack.test.ts. Only the state dir is written: the HOME stays empty, so the pod
 * can run with a read-only root filesystem.
 */
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { request } from 'node:https'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SERVICE_PORTS } from '../../src/composition/listeners.js'
import { isolatedEnv } from '../helpers/isolation.js'

const ROOT = resolve(import.meta.dirname, '../..')
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
const tmp = mkdtempSync(join(tmpdir(), 'aks-auth-sim-image-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** A port base with ten free ports after it on 127.0.0.1. */
async function freePortBase(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((done) => {
      const s = createServer()
      s.once('error', () => done(false))
      s.listen(port, '127.0.0.1', () => s.close(() => done(true)))
    })
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 40_000)
    let ok = true
    for (let i = 0; i < 10 && ok; i++) ok = await free(base + i)
    if (ok) return base
  }
}

/** The exec-form array of a Dockerfile instruction (`CMD [...]` of HEALTHCHECK, ENTRYPOINT). */
function execForm(pattern: RegExp): string[] {
  const flat = dockerfile.replace(/\\\n\s*/g, ' ')
  const m = pattern.exec(flat)
  expect(m, String(pattern)).not.toBeNull()
  return JSON.parse(m![1]!) as string[]
}

describe('the container image’s entrypoint and health check', { timeout: 120_000 }, () => {
  it('copies the entrypoint it runs and declares the state dir it uses', () => {
    expect(execForm(/^ENTRYPOINT (\[.*\])$/m)).toEqual(['/usr/local/bin/aks-auth-sim-entrypoint'])
    expect(dockerfile).toMatch(/^COPY docker\/entrypoint\.sh \/usr\/local\/bin\/aks-auth-sim-entrypoint$/m)
    expect(dockerfile).toMatch(/AKS_SIM_STATE_DIR=\/var\/lib\/aks-auth-sim/)
    expect(dockerfile).toMatch(/^EXPOSE 8440-8449 8460-8469$/m)
    expect(Object.keys(SERVICE_PORTS)).toHaveLength(10)
    // The production install never runs the package's build scripts (no TypeScript in the image).
    expect(dockerfile).toMatch(/npm install --omit=dev .*\/tmp\/aks-auth-sim\.tgz/)
  })

  it('starts the simulator from the environment, answers the HEALTHCHECK, stops on SIGTERM', async () => {
    const base = await freePortBase()
    const state = join(tmp, 'state')
    const home = join(tmp, 'home')
    const bin = join(tmp, 'bin')
    mkdirSync(home)
    mkdirSync(bin)
    // The image links the installed command into /usr/local/bin; here the checkout's (dist/ is built).
    symlinkSync(join(ROOT, 'bin/aks-auth-sim.js'), join(bin, 'aks-auth-sim'))
    const isolated = isolatedEnv(
      {
        AKS_SIM_STATE_DIR: state,
        AKS_SIM_PORT_BASE: String(base),
        // Loopback here; the image's default is 0.0.0.0 (every interface of the container).
        AKS_SIM_HOST: '127.0.0.1',
        // The first name must resolve here (the services call each other at it); the others are accepted too.
        AKS_SIM_PUBLIC_HOST: 'localhost room.example.test',
      },
      { home },
    )
    // The command on PATH, before the (guarded) PATH of the isolation.
    const env = { ...isolated, PATH: `${bin}:${isolated.PATH}` }
    const child = spawn(join(ROOT, 'docker/entrypoint.sh'), [], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    try {
      const file = join(state, 'endpoints.json')
      for (let i = 0; i < 600 && !existsSync(file) && child.exitCode === null; i++)
        await new Promise((r) => setTimeout(r, 100))
      expect(existsSync(file), output).toBe(true)
      const endpoints = JSON.parse(readFileSync(file, 'utf8'))
      // The first public host names the URLs; the ports are the port base's.
      expect(endpoints.authority).toBe(`https://localhost:${base}`)
      // The second name reached --public-host: the listeners answer to it, and to no other.
      const ca = readFileSync(join(state, 'pki/ca.crt'), 'utf8')
      const status = (host: string) =>
        new Promise<number>((done) => {
          const req = request(
            {
              host: '127.0.0.1',
              port: base + SERVICE_PORTS.webhook,
              path: '/readyz',
              ca,
              headers: { host },
              servername: 'localhost',
            },
            (res) => {
              res.resume()
              done(res.statusCode ?? 0)
            },
          )
          req.on('error', () => done(0))
          req.end()
        })
      const health = execForm(/^HEALTHCHECK .*? CMD (\[.*\])$/m)
      expect(health[0]).toBe('node')
      const check = (extra: Record<string, string>) =>
        new Promise<number>((done) => {
          execFile(health[0]!, health.slice(1), { env: { ...env, ...extra }, timeout: 20_000 }, (err) =>
            done(err ? ((err as { code?: number }).code ?? 1) : 0),
          )
        })
      let code = 1
      for (let i = 0; i < 100 && code !== 0; i++) {
        code = await check({})
        if (code !== 0) await new Promise((r) => setTimeout(r, 100))
      }
      expect(code, output).toBe(0)
      expect(await status('room.example.test')).toBe(200)
      expect(await status('elsewhere.example.test')).toBe(421)
      // The check can fail: a port base where nothing listens.
      expect(await check({ AKS_SIM_PORT_BASE: String(base + 1) })).toBe(1)
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
    expect(readdirSync(home)).toEqual([])
  })
})
