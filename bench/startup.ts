/**
 * Start-up time and memory of the compiled CLI (`bin/aks-auth-sim.js start`: the bundle in dist/bundle/, what `npm start` and the
 * installed `aks-auth-sim` run): spawn → the first 200 on `<authority>/<tenant>/v2.0/.well-known/openid-configuration`
 * (the URL read from the new endpoints.json), for cold starts (a new state dir: new CA, keys, certificates)
 * and warm starts (the same state dir again), then VmRSS from /proc/<pid>/status once discovery answers and
 * one second later, and the CPU time the process used until the 200. Medians of N runs of each (default 5), alternating. Build first: `npm run build`.
 *
 * Usage: npx tsx bench/startup.ts [runs]
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { request } from 'node:https'
import { createServer } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { isolatedEnv } from '../test/helpers/isolation.js'

const CLI = join(import.meta.dirname, '../bin/aks-auth-sim.js')
const RUNS = Number(process.argv[2] ?? 5)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A base port with the 10 ports after it free on 127.0.0.1. */
async function freePortBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + 10 * Math.floor(Math.random() * 3000)
    const ok = await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const s = createServer()
        return new Promise<boolean>((r) => {
          s.once('error', () => r(false))
          s.listen(base + i, '127.0.0.1', () => s.close(() => r(true)))
        })
      }),
    )
    if (ok.every(Boolean)) return base
  }
}

function status(url: string, ca: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { ca, agent: false }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', () => resolve(0))
    req.end()
  })
}

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

/** CPU time the process used so far (user + system, /proc/<pid>/stat at 100 ticks per second): unlike the
 * wall-clock figure it hardly moves with the load of other processes on the machine. */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

interface Sample {
  ms: number
  cpu: number
  rss: number
  rssLater: number
}

async function startOnce(stateDir: string, portBase: number): Promise<Sample> {
  const endpointsFile = join(stateDir, 'endpoints.json')
  const t0 = performance.now()
  const wall0 = Date.now()
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, 'start', '--state-dir', stateDir, '--port-base', String(portBase)],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: isolatedEnv({ NODE_EXTRA_CA_CERTS: '' }, { base: 'inherit' }),
    },
  )
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<void>((r) => child.on('exit', () => r()))
  try {
    let url: string | undefined
    let ca = ''
    for (;;) {
      if (child.exitCode !== null) throw new Error(`start exited ${child.exitCode}: ${stderr}`)
      if (!url && existsSync(endpointsFile) && statSync(endpointsFile).mtimeMs >= wall0 - 5) {
        try {
          const ep = JSON.parse(readFileSync(endpointsFile, 'utf8')) as Record<string, string>
          url = `${ep.authority}/${ep.tenantId}/v2.0/.well-known/openid-configuration`
          ca = readFileSync(ep.caFile!, 'utf8')
        } catch {
          url = undefined // written while read: try again
        }
      }
      if (url && (await status(url, ca)) === 200) break
      await sleep(5)
    }
    const ms = performance.now() - t0
    const cpu = cpuMs(child.pid!)
    const rss = rssMb(child.pid!)
    await sleep(1000)
    return { ms, cpu, rss, rssLater: rssMb(child.pid!) }
  } finally {
    child.kill('SIGTERM')
    await exited
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

/** Spawn → exit of `node -e 0`: what the machine charges for starting Node at all, as a yardstick. */
async function bareNodeMs(): Promise<number> {
  const t0 = performance.now()
  await new Promise<void>((r) =>
    spawn(process.execPath, ['-e', '0'], { stdio: 'ignore', env: isolatedEnv() }).on('exit', () => r()),
  )
  return performance.now() - t0
}

if (!existsSync(CLI)) throw new Error('dist/ is missing: run npm run build first')
const root = mkdtempSync(join(tmpdir(), 'aks-bench-startup-'))
const cold: Sample[] = []
const warm: Sample[] = []
try {
  const portBase = await freePortBase()
  for (let i = 0; i < RUNS; i++) {
    const dir = join(root, `state-${i}`)
    cold.push(await startOnce(dir, portBase))
    warm.push(await startOnce(dir, portBase))
    console.log(
      `run ${i + 1}: cold ${cold[i]!.ms.toFixed(0)} ms (CPU ${cold[i]!.cpu} ms, RSS ${cold[i]!.rss.toFixed(0)} MB), ` +
        `warm ${warm[i]!.ms.toFixed(0)} ms (CPU ${warm[i]!.cpu} ms, RSS ${warm[i]!.rss.toFixed(0)} → ${warm[i]!.rssLater.toFixed(0)} MB after 1 s)`,
    )
  }
} finally {
  rmSync(root, { recursive: true, force: true })
}
const bare: number[] = []
for (let i = 0; i < RUNS; i++) bare.push(await bareNodeMs())
const row = (name: string, s: Sample[]) =>
  `| ${name} | ${median(s.map((x) => x.ms)).toFixed(0)} | ${Math.min(...s.map((x) => x.ms)).toFixed(0)}–${Math.max(...s.map((x) => x.ms)).toFixed(0)} | ${median(s.map((x) => x.cpu)).toFixed(0)} | ${median(s.map((x) => x.rss)).toFixed(0)} | ${median(s.map((x) => x.rssLater)).toFixed(0)} |`
console.log(
  `\nmedians of ${RUNS} (load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, node ${process.version})`,
)
console.log('| start | median ms | range ms | CPU ms (median) | RSS at 200 MB | RSS 1 s later MB |')
console.log('| ----- | --------- | -------- | --------------- | ------------- | ---------------- |')
console.log(row('cold (new state dir)', cold))
console.log(row('warm (same state dir)', warm))
console.log(
  `| node -e 0 (spawn → exit) | ${median(bare).toFixed(0)} | ${Math.min(...bare).toFixed(0)}–${Math.max(...bare).toFixed(0)} | | | |`,
)
