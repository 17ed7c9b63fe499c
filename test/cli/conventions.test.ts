// The CLI's conventions, driven through the real command (bin/aks-auth-sim.js) in child processes with a
// private HOME: help on every command and subcommand, --version, exit codes, refused bad arguments with
// the valid values, status/stop, one simulator per state dir (stale locks included), and SIGINT/SIGTERM
// freeing every port.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { COMMANDS, invocation } from '../../src/cli/help.js'
import { REQUEST_LOG_SERVICES } from '../../src/kernel/events.js'
import { FAULT_ENDPOINTS } from '../../src/kernel/faults.js'
import { StateDirInUseError } from '../../src/kernel/state-lock.js'
import { isolatedEnv } from '../helpers/isolation.js'
import { startTestSimulator } from '../helpers/sim.js'
import { waitFor } from '../helpers/wait.js'

const ROOT = join(import.meta.dirname, '../..')
const BIN = join(ROOT, 'bin/aks-auth-sim.js')
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
const scratch = mkdtempSync(join(tmpdir(), 'aks-cli-conv-'))
const HOME = join(scratch, 'home')
mkdirSync(HOME)
// A PATH without any aks-auth-sim: the directory of this node only.
const PATH = join(process.execPath, '..')
const env = (extra: Record<string, string> = {}): Record<string, string> =>
  isolatedEnv({ KUBECONFIG: join(HOME, 'kubeconfig'), PATH, ...extra }, { home: HOME, base: 'inherit' })
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

interface Result {
  code: number | null
  stdout: string
  stderr: string
}
const cli = (args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Result> =>
  new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: opts.cwd ?? scratch, env: opts.env ?? env(), timeout: 60_000 },
      (err, stdout, stderr) =>
        done({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    )
  })

/** Runs `fn` over `items`, `n` at a time (each CLI run is a process). */
async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = []
  let i = 0
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) {
        const k = i++
        out[k] = await fn(items[k]!)
      }
    }),
  )
  return out
}

describe('help and version', () => {
  // Every command and subcommand of the table: a new one without --help fails here.
  const invocations = COMMANDS.flatMap((c) => [[c.name], ...(c.subcommands ?? []).map((s) => [c.name, s])])

  it('--help and -h on every command and subcommand print usage on stdout and exit 0', async () => {
    // --help on the commands, -h on the subcommands: one process each (the machine may be busy).
    const runs = invocations.map((words) => [...words, words.length === 1 ? '--help' : '-h'])
    const results = await pool(runs, 3, async (args) => ({ args, r: await cli(args) }))
    for (const { args, r } of results) {
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' })
      expect(r.stdout, args.join(' ')).toMatch(/^Usage:/)
    }
  }, 300_000)

  it('the top-level help lists every command, the exit codes, and --help without a command', async () => {
    for (const args of [['--help'], ['-h'], [], ['help']]) {
      const r = await cli(args)
      expect(r.code).toBe(0)
      for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c.name} `, 'm'))
      expect(r.stdout).toContain('Exit codes:')
    }
    const r = await cli(['help', 'clock'])
    expect(r).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('aks-auth-sim clock advance SECONDS'),
    })
  })

  it('--version and -v print the package.json version, from any directory', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await cli([flag], { cwd: HOME })
      expect(r).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' })
    }
  })
})

describe('usage errors exit 2 with one line and a hint; runtime errors exit 1', () => {
  // A state dir with no simulator: a usage error must be found before the CLI looks for one (else exit 1).
  const nowhere = ['--state-dir', join(scratch, 'nowhere')]
  const cases: [string[], RegExp][] = [
    [['clok'], /unknown command 'clok'\. Did you mean 'clock'\? Run 'aks-auth-sim --help'\./],
    [['satus'], /Did you mean 'status'\?/],
    [['--bogus'], /unknown option '--bogus'/],
    [['clock', 'advance', ...nowhere], /missing SECONDS/],
    [['clock', 'advance', 'soon', ...nowhere], /SECONDS must be a number ≥ 0 \(got 'soon'\)/],
    [['clock', 'advanc', '60', ...nowhere], /unknown clock subcommand 'advanc'\. Did you mean 'advance'\?/],
    [['clock', ...nowhere], /missing subcommand: one of advance/],
    [['keys', 'rotate', 'now', ...nowhere], /unexpected argument 'now'/],
    [
      ['start', '--port-base', 'abc', ...nowhere],
      /--port-base must be a whole number from 0 to 65526 \(got 'abc'\)/,
    ],
    [['start', '--port-base', '70000', ...nowhere], /--port-base must be a whole number/],
    [['start', '--device-code-interval', 'x', ...nowhere], /--device-code-interval must be a whole number/],
    [['start', '--nope', ...nowhere], /Unknown option '--nope'\. Run 'aks-auth-sim start --help'\./],
    [
      ['fault', 'set', 'nope.endpoint', '--status', '503', ...nowhere],
      /unknown fault endpoint 'nope\.endpoint'\. Valid: entra\.token, .*imds\.token/,
    ],
    [['fault', 'set', 'entra.tokn', '--status', '503', ...nowhere], /Did you mean 'entra\.token'\? Valid: /],
    [
      ['fault', 'set', 'entra.token', '--status', '200', ...nowhere],
      /--status must be a whole number from 400 to 599/,
    ],
    [
      ['fault', 'set', 'entra.token', ...nowhere],
      /a fault needs at least one of --status, --error, --latency-ms/,
    ],
    [['fault', 'clear', 'nope', ...nowhere], /unknown fault endpoint 'nope'/],
    [['fault', 'list', '--status', '503', ...nowhere], /fault list takes no --status/],
    [['requests', '--limit', 'x', ...nowhere], /--limit must be a whole number from 1 to 5000 \(got 'x'\)/],
    [
      ['requests', '--service', 'anything', ...nowhere],
      /unknown service 'anything'\. Valid: entra, graph, arm/,
    ],
    [['device-code', 'approve', 'CODE', ...nowhere], /missing --as UPN/],
    [
      ['device-code', 'decline', 'CODE', '--as', 'x', '--after-polls', '1', ...nowhere],
      /takes no --after-polls/,
    ],
    [['status', 'extra', ...nowhere], /unexpected argument 'extra'/],
    [['stop', '--timeout', '0', ...nowhere], /--timeout must be a number of seconds > 0/],
    [['pod-env', 'nowhere', ...nowhere], /name the pod as NAMESPACE\/POD/],
  ]

  it('each usage error', async () => {
    const results = await pool(cases, 3, async ([args, message]) => ({ args, message, r: await cli(args) }))
    for (const { args, message, r } of results) {
      expect({ args, code: r.code }).toEqual({ args, code: 2 })
      expect(r.stderr).toMatch(message)
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1)
      expect(r.stderr).toMatch(/^aks-auth-sim: .*--help/)
      expect(r.stdout).toBe('')
    }
  }, 300_000)

  it('a runtime failure exits 1: no simulator to talk to', async () => {
    const r = await cli(['device-code', 'list', ...nowhere])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/no simulator found/)
  })

  it('the fault endpoints and request-log services the CLI accepts are those the services use', () => {
    const files: string[] = []
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true }))
        if (e.isDirectory()) walk(join(d, e.name))
        else if (e.name.endsWith('.ts')) files.push(join(d, e.name))
    }
    walk(join(ROOT, 'src'))
    const emitters = new Set<string>()
    for (const f of files) {
      const text = readFileSync(f, 'utf8')
      for (const m of text.matchAll(
        /(?:requestLog|logRequest)\('([a-z-]+)'|emit\('request\.completed', '([a-z-]+)'/g,
      ))
        emitters.add(m[1] ?? m[2]!)
    }
    expect(emitters.size).toBeGreaterThan(5)
    expect([...emitters].sort()).toEqual([...REQUEST_LOG_SERVICES].sort())
    // Every service's faults are listed with its wildcard (the names themselves are type-checked).
    for (const e of FAULT_ENDPOINTS) expect(FAULT_ENDPOINTS).toContain(`${e.split('.')[0]}.*`)
  })
})

/** Every URL in endpoints.json (nested ones too). */
function urlsIn(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string' && /^https?:\/\/[^/]+:\d+/.test(v)) out.push(v)
  else if (v && typeof v === 'object') for (const x of Object.values(v)) urlsIn(x, out)
  return out
}
const ports = (stateDir: string) => {
  const ep: unknown = JSON.parse(readFileSync(join(stateDir, 'endpoints.json'), 'utf8'))
  return [
    ...new Set(
      urlsIn(ep)
        .map((u) => new URL(u))
        .map((u) => `${u.hostname}:${u.port}`),
    ),
  ]
}
const refused = (hostPort: string) =>
  new Promise<boolean>((done) => {
    const [host, port] = hostPort.split(':')
    const s = createConnection({ host, port: Number(port) })
    s.once('connect', () => (s.destroy(), done(false)))
    s.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED'))
  })

interface Started {
  proc: ChildProcess
  stateDir: string
  stderr: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}
async function startCli(stateDir: string, extraEnv: Record<string, string> = {}): Promise<Started> {
  // The CLI keeps its CA in <state-dir>/pki; seed it with the test run's CA, which this worker trusts.
  if (!existsSync(join(stateDir, 'pki')))
    cpSync(process.env.AKS_SIM_TEST_PKI_DIR!, join(stateDir, 'pki'), { recursive: true })
  const proc = spawn(process.execPath, [BIN, 'start', '--state-dir', stateDir, '--port-base', '0'], {
    cwd: scratch,
    env: env(extraEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  proc.stdout.resume()
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    proc.on('exit', (code, signal) => r({ code, signal })),
  )
  await waitFor(
    () => stderr.includes('Press Ctrl-C to stop') || proc.exitCode !== null,
    'the simulator to start',
    60_000,
  )
  if (proc.exitCode !== null) throw new Error(`start exited ${proc.exitCode}: ${stderr}`)
  return { proc, stateDir, stderr: () => stderr, exited }
}

describe('one simulator per state dir, status and stop', () => {
  const dir = join(scratch, 'state-a')
  let a: Started

  afterAll(() => {
    if (a?.proc.exitCode === null) a.proc.kill('SIGKILL')
  })

  it('status says none runs (exit 3) before start, then pid, URLs and uptime (exit 0)', async () => {
    mkdirSync(dir)
    expect(await cli(['status', '--state-dir', dir])).toMatchObject({
      code: 3,
      stdout: expect.stringContaining(`no simulator runs on ${dir}`),
    })
    a = await startCli(dir)
    const r = await cli(['status', '--state-dir', dir])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`pid       ${a.proc.pid}`)
    expect(r.stdout).toMatch(/started {3}\S+ \(up \d/)
    expect(r.stdout).toMatch(/admin {5}https:\/\/127\.0\.0\.1:\d+/)
    const json = JSON.parse((await cli(['status', '--state-dir', dir, '--json'])).stdout)
    expect(json).toMatchObject({ running: true, pid: a.proc.pid, urls: { admin: expect.any(String) } })
  })

  it('a second start on the same state dir refuses with exit 2, naming the running pid and its URLs', async () => {
    const ep = JSON.parse(readFileSync(join(dir, 'endpoints.json'), 'utf8')) as { admin: string }
    const r = await cli(['start', '--state-dir', dir, '--port-base', '0'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`pid ${a.proc.pid}`)
    expect(r.stderr).toContain(ep.admin)
    expect(r.stderr).toContain('aks-auth-sim stop --state-dir')
    // The first one still runs and still owns its files.
    expect((await cli(['status', '--state-dir', dir])).stdout).toContain(`pid       ${a.proc.pid}`)
  })

  it('pod-env for a pod that does not exist says so (exit 1)', async () => {
    const r = await cli(['pod-env', 'dev/nonexistent', '--state-dir', dir])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^aks-auth-sim: pod dev\/nonexistent does not exist/)
  })

  it('the banner prints commands that work as printed from any directory', async () => {
    const cmd = invocation(env())
    expect(cmd).toBe(BIN) // no aks-auth-sim on this PATH: the absolute path of this installation's bin
    expect(a.stderr()).toContain(`${cmd} device-code list --state-dir ${dir}`)
    expect(statSync(BIN).mode & 0o111).not.toBe(0)
    // Run exactly the printed command line (the shebang runs node) from another directory.
    const line = a
      .stderr()
      .split('\n')
      .find((l) => l.includes(' device-code list '))!
      .trim()
    const out = await new Promise<Result>((done) =>
      execFile('/bin/sh', ['-c', line], { cwd: HOME, env: env() }, (err, stdout, stderr) =>
        done({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
      ),
    )
    expect(out).toMatchObject({ code: 0, stdout: expect.stringContaining('"value"') })
  })

  it('with this installation on PATH as aks-auth-sim (npm link, global install), the short name', () => {
    const bin = join(scratch, 'linked-bin')
    mkdirSync(bin)
    symlinkSync(BIN, join(bin, 'aks-auth-sim'))
    expect(invocation({ PATH: `${bin}:${PATH}` })).toBe('aks-auth-sim')
    // Another installation first on PATH would run instead: the absolute path then.
    const other = join(scratch, 'other-bin')
    mkdirSync(other)
    writeFileSync(join(other, 'aks-auth-sim'), '#!/bin/sh\n', { mode: 0o755 })
    expect(invocation({ PATH: `${other}:${bin}` })).toBe(BIN)
  })

  it('stop stops it (exit 0): process gone, every port free, lock gone; then status and stop exit 3', async () => {
    const held = ports(dir)
    expect(held.length).toBeGreaterThanOrEqual(10)
    const r = await cli(['stop', '--state-dir', dir])
    expect(r).toMatchObject({
      code: 0,
      stderr: expect.stringContaining(`stopped the simulator (pid ${a.proc.pid})`),
    })
    expect(await a.exited).toEqual({ code: 0, signal: null })
    for (const p of held) expect(await refused(p), p).toBe(true)
    expect(existsSync(join(dir, 'instance.json'))).toBe(false)
    expect((await cli(['status', '--state-dir', dir])).code).toBe(3)
    expect(await cli(['stop', '--state-dir', dir])).toMatchObject({
      code: 3,
      stderr: expect.stringContaining('no simulator runs'),
    })
  })
})

describe('a stale lock and signals', () => {
  const deadPid = async () => {
    const p = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
    await new Promise((r) => p.on('exit', r))
    return p.pid!
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    it(`${signal} to the started pid: exit 0, every port free, lock released`, async () => {
      const dir = join(scratch, `state-${signal}`)
      mkdirSync(dir)
      let stalePid: number | undefined
      if (signal === 'SIGINT') {
        // A lock left by `kill -9`: its pid is gone. The next start takes it over and says so.
        stalePid = await deadPid()
        writeFileSync(
          join(dir, 'instance.json'),
          JSON.stringify({
            pid: stalePid,
            host: (await import('node:os')).hostname(),
            startedAt: '2026-01-01T00:00:00.000Z',
            nonce: 'dead',
          }),
        )
        expect((await cli(['status', '--state-dir', dir])).stdout).toContain(
          `stale lock names pid ${stalePid}`,
        )
      }
      const s = await startCli(dir)
      if (stalePid !== undefined)
        expect(s.stderr()).toContain(`taking over the lock of a simulator that is gone (pid ${stalePid}`)
      const lock = JSON.parse(readFileSync(join(dir, 'instance.json'), 'utf8'))
      expect(lock).toMatchObject({ pid: s.proc.pid, urls: { admin: expect.any(String) } })
      const held = ports(dir)
      s.proc.kill(signal)
      expect(await s.exited).toEqual({ code: 0, signal: null })
      expect(s.stderr()).toContain(`received ${signal}, shutting down`)
      for (const p of held) expect(await refused(p), p).toBe(true)
      expect(existsSync(join(dir, 'instance.json'))).toBe(false)
    })

  it('a lock whose pid now belongs to another process (recorded start time differs) is stale', async () => {
    const dir = mkdtempSync(join(scratch, 'reused-'))
    // This test's own pid is alive, but it did not start at "1": the lock is not its.
    writeFileSync(
      join(dir, 'instance.json'),
      JSON.stringify({
        pid: process.pid,
        processStart: '1',
        host: (await import('node:os')).hostname(),
        startedAt: '2026-01-01T00:00:00.000Z',
        nonce: 'x',
      }),
    )
    expect((await cli(['status', '--state-dir', dir])).code).toBe(existsSync('/proc/self/stat') ? 3 : 0)
  })
})

describe('startSimulator takes the state-dir lock too', () => {
  it('a second simulator on the same state dir in this process is refused; after stop() it starts', async () => {
    const stateDir = mkdtempSync(join(scratch, 'prog-'))
    const first = await startTestSimulator({ stateDir })
    try {
      const err = await startTestSimulator({ stateDir }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(StateDirInUseError)
      expect((err as StateDirInUseError).holder.pid).toBe(process.pid)
      expect((err as Error).message).toContain(first.endpoints.admin)
    } finally {
      await first.stop()
    }
    expect(existsSync(join(stateDir, 'instance.json'))).toBe(false)
    const again = await startTestSimulator({ stateDir })
    expect(JSON.parse(readFileSync(join(stateDir, 'instance.json'), 'utf8')).pid).toBe(process.pid)
    await again.stop()
  })
})
