/**
 * Shared benchmark plumbing: start a server script in a child process (so the load generator and the
 * server each get a core), wait for its "READY <json>" line, run autocannon, summarise.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { loadOrCreatePki } from '../src/kernel/tls.js'
import { isolatedEnv } from '../test/helpers/isolation.js'
import { buildIfStale } from './compiled.js'

// The servers load the project from dist/ (bench/compiled.ts): never measure yesterday's build.
buildIfStale()

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
  // BENCH_CPU_PROF=<dir>: every server writes a V8 CPU profile there when it stops
  // (summarise with `npx tsx bench/profile-summary.ts <file>`).
  const prof = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : []
  const proc = spawn(process.execPath, [...prof, '--import', 'tsx', script, ...args], {
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
  /** The server process's CPU time (user + system, all threads) per request, µs, when its pid is known. */
  cpuUs?: number
}

/** user + system CPU time of a process, in µs, from /proc (Linux); undefined elsewhere. */
export function processCpuUs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // Fields 14 and 15 of stat (utime, stime), counted from after the command name; clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10_000
  } catch {
    return undefined
  }
}

export async function load(name: string, opts: autocannon.Options, pid?: number): Promise<Result> {
  const cpu0 = processCpuUs(pid)
  const r = await autocannon({ connections: 8, duration: 8, ...opts })
  const cpu1 = processCpuUs(pid)
  return {
    ...(cpu0 !== undefined && cpu1 !== undefined && { cpuUs: (cpu1 - cpu0) / Math.max(1, r.requests.total) }),
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
      `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.cpuUs?.toFixed(0) ?? ''} | ${r.requests} | ${r.non2xx} | ${r.errors} |`,
  )
  return [
    '| server | req/s | p50 ms | p99 ms | server CPU µs/req | requests | non-2xx | errors |',
    '|---|---|---|---|---|---|---|---|',
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
  /** The server's process id, to report its CPU time per request beside the throughput. */
  pid?: number
}

/** Every round of every target (warm-up excluded), in alternating order. */
export async function alternateRuns(
  targets: Target[],
  rounds: number,
  duration: number,
): Promise<Result[][]> {
  for (const t of targets) {
    process.stderr.write(`warm-up: ${t.name}\n`)
    await t.before?.()
    await load('warm-up', { ...t.opts, duration: 2 })
  }
  const runs: Result[][] = targets.map(() => [])
  for (let round = 0; round < rounds; round++)
    for (let i = 0; i < targets.length; i++) {
      process.stderr.write(`round ${round + 1}/${rounds}: ${targets[i]!.name}\n`)
      await targets[i]!.before?.()
      runs[i]!.push(await load(targets[i]!.name, { ...targets[i]!.opts, duration }, targets[i]!.pid))
    }
  return runs
}

/** The round with the median throughput. */
export const medianRun = (rs: Result[]): Result =>
  [...rs].sort((a, b) => a.rps - b.rps)[Math.floor(rs.length / 2)]!

export async function alternate(targets: Target[], rounds: number, duration: number): Promise<Result[]> {
  return (await alternateRuns(targets, rounds, duration)).map(medianRun)
}

/** The median of the per-round ratios a[i] / b[i] (rounds alternate, so each pair saw the same machine). */
export function pairedRatio(a: Result[], b: Result[]): number {
  const r = a.map((x, i) => x.rps / b[i]!.rps).sort((x, y) => x - y)
  const mid = Math.floor(r.length / 2)
  return r.length % 2 ? r[mid]! : (r[mid - 1]! + r[mid]!) / 2
}

/** One line of `npm run bench`'s table. */
export interface BenchRow {
  hotPath: string
  /** What ran as "the simulator" side (the simulator, or a peer). */
  server: string
  rps: number
  limit: string
  limitRps: number
  /** Median of per-round ratios (or, for CPU-measured rows, the cost ratio). */
  ratio: number
  /** e.g. `≥ 0.9`, `≤ 2×`; empty for rows that are shown for comparison only. */
  target: string
  met?: boolean
  cpuUs?: number
  limitCpuUs?: number
}

/** Medians of a list. */
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** A row from the alternating runs of a target and its limit. */
export function ratioRow(
  hotPath: string,
  sim: Result[],
  limit: Result[],
  target: { min?: number; label?: string } = {},
): BenchRow {
  const ratio = pairedRatio(sim, limit)
  const cpu = (rs: Result[]) =>
    rs.every((r) => r.cpuUs !== undefined) ? median(rs.map((r) => r.cpuUs!)) : undefined
  const cpuUs = cpu(sim)
  const limitCpuUs = cpu(limit)
  return {
    hotPath,
    server: sim[0]!.name,
    rps: median(sim.map((r) => r.rps)),
    limit: limit[0]!.name,
    limitRps: median(limit.map((r) => r.rps)),
    ratio,
    target: target.min === undefined ? '' : (target.label ?? `≥ ${target.min}`),
    ...(target.min !== undefined && { met: ratio >= target.min }),
    ...(cpuUs !== undefined && { cpuUs }),
    ...(limitCpuUs !== undefined && { limitCpuUs }),
  }
}

/** Hands rows to `bench/run.ts` (BENCH_ROWS=<file>, one JSON row a line) and prints them. */
export function report(rows: BenchRow[]): void {
  if (process.env.BENCH_ROWS)
    appendFileSync(process.env.BENCH_ROWS, rows.map((r) => `${JSON.stringify(r)}\n`).join(''))
  console.log(rowsTable(rows))
}

const f0 = (x: number | undefined) => (x === undefined ? '' : x.toFixed(0))

export function rowsTable(rows: BenchRow[]): string {
  return [
    '| hot path | server | req/s | limit | limit req/s | ratio | target | met? | CPU µs/req (server / limit) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.hotPath} | ${r.server} | ${f0(r.rps)} | ${r.limit} | ${f0(r.limitRps)} | **${r.ratio.toFixed(2)}** | ${r.target} | ${r.met === undefined ? '' : r.met ? 'yes' : 'no'} | ${r.cpuUs === undefined ? '' : `${f0(r.cpuUs)} / ${f0(r.limitCpuUs)}`} |`,
    ),
  ].join('\n')
}

/** The machine's load average, for every figure. */
export const loadAverage = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')
