/**
 * Shared benchmark plumbing: start a server script in a child process (so the load generator and the
 * server each get a core), wait for its "READY <json>" line, run autocannon, summarise.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { loadOrCreatePki } from '../src/kernel/tls.js'
import { isolatedEnv } from '../test/helpers/isolation.js'

export interface Started<T> {
  info: T
  proc: ChildProcess
  stop(): Promise<void>
}

/** One CA for the whole benchmark run; children trust it through NODE_EXTRA_CA_CERTS. */
export async function benchPki(): Promise<{ pkiDir: string; caFile: string }> {
  const pkiDir = join(mkdtempSync(join(tmpdir(), 'aks-bench-')), 'pki')
  const pki = await loadOrCreatePki(pkiDir)
  return { pkiDir, caFile: pki.caFile! }
}

export async function startServer<T>(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<Started<T>> {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: isolatedEnv(env, { base: 'inherit' }),
  })
  const info = await new Promise<T>((resolve, reject) => {
    let buf = ''
    proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString()
      const line = buf.split('\n').find((l) => l.startsWith('READY '))
      if (line) resolve(JSON.parse(line.slice(6)) as T)
    })
    proc.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)))
  })
  return {
    info,
    proc,
    stop: () =>
      new Promise<void>((r) => {
        proc.removeAllListeners('exit')
        proc.on('exit', () => r())
        proc.kill('SIGTERM')
      }),
  }
}

export interface Result {
  name: string
  rps: number
  p50: number
  p99: number
  non2xx: number
  errors: number
  requests: number
}

export async function load(name: string, opts: autocannon.Options): Promise<Result> {
  const r = await autocannon({ connections: 8, duration: 8, ...opts })
  return {
    name,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    requests: r.requests.total,
  }
}

export function table(results: Result[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.requests} | ${r.non2xx} | ${r.errors} |`,
  )
  return [
    '| server | req/s | p50 ms | p99 ms | requests | non-2xx | errors |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n')
}

/**
 * Runs every target in alternating rounds and keeps each one's median, so load from other processes
 * on this small machine affects all targets alike.
 */
export interface Target {
  name: string
  opts: autocannon.Options
  /** Runs before the target's warm-up and each of its rounds, outside the measurement (e.g. a refill). */
  before?: () => Promise<void>
}

/** Every round of every target (warm-up excluded), in alternating order. */
export async function alternateRuns(
  targets: Target[],
  rounds: number,
  duration: number,
): Promise<Result[][]> {
  for (const t of targets) {
    await t.before?.()
    await load('warm-up', { ...t.opts, duration: 2 })
  }
  const runs: Result[][] = targets.map(() => [])
  for (let round = 0; round < rounds; round++)
    for (let i = 0; i < targets.length; i++) {
      await targets[i]!.before?.()
      runs[i]!.push(await load(targets[i]!.name, { ...targets[i]!.opts, duration }))
    }
  return runs
}

/** The round with the median throughput. */
export const medianRun = (rs: Result[]): Result =>
  [...rs].sort((a, b) => a.rps - b.rps)[Math.floor(rs.length / 2)]!

export async function alternate(targets: Target[], rounds: number, duration: number): Promise<Result[]> {
  return (await alternateRuns(targets, rounds, duration)).map(medianRun)
}
