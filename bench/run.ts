/**
 * `npm run bench`: every hot-path benchmark, one after the other (each in its own processes: servers
 * in children, the load generator in the benchmark's process), then one table of ratios against the
 * bare limits, the targets, and the machine's load average.
 *
 *   npm run bench -- [--duration SECONDS] [--rounds N] [--only NAME,...]
 *
 * --duration: seconds per measured round (default 4); --rounds: alternating rounds (default 3);
 * --only: a subset of webhook, token, graph, chain, rbac. The defaults take about 6–8 minutes.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { isolatedEnv } from '../test/helpers/isolation.js'
import { loadAverage, rowsTable, type BenchRow } from './lib.js'

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})
const BENCHES: Record<string, { script: string; timed: boolean }> = {
  webhook: { script: 'bench/webhook-tokenreview.ts', timed: true },
  token: { script: 'bench/entra-token.ts', timed: true },
  graph: { script: 'bench/graph-member-groups-http.ts', timed: true },
  chain: { script: 'bench/aks-chain-list.ts', timed: true },
  rbac: { script: 'bench/rbac-scaling.ts', timed: false },
}
if (values.help) {
  console.log(
    `usage: npm run bench -- [--duration SECONDS] [--rounds N] [--only ${Object.keys(BENCHES).join(',')}]`,
  )
  process.exit(0)
}
const duration = Number(values.duration)
const rounds = Number(values.rounds)
if (!(duration > 0) || !(rounds > 0 && Number.isInteger(rounds))) {
  console.error('--duration must be a positive number of seconds and --rounds a positive integer')
  process.exit(2)
}
const names = values.only ? values.only.split(',') : Object.keys(BENCHES)
const unknown = names.filter((n) => !BENCHES[n])
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`)
  process.exit(2)
}

const rowsFile = join(mkdtempSync(join(tmpdir(), 'aks-bench-rows-')), 'rows.jsonl')
const started = Date.now()
const loadBefore = loadAverage()
const failed: string[] = []
for (const name of names) {
  const { script, timed } = BENCHES[name]!
  console.log(`\n## ${name}: ${script}  (load average ${loadAverage()})\n`)
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', script, ...(timed ? [String(duration), String(rounds)] : [])],
      { stdio: 'inherit', env: isolatedEnv({ BENCH_ROWS: rowsFile }, { base: 'inherit' }) },
    )
    child.on('exit', resolve)
  })
  if (code !== 0) failed.push(`${name} (exit ${code})`)
}

const rows: BenchRow[] = existsSync(rowsFile)
  ? readFileSync(rowsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as BenchRow)
  : []
console.log(
  `\n# Results — ${new Date().toISOString()}, node ${process.version}, ${duration} s × ${rounds} alternating rounds, ${((Date.now() - started) / 60000).toFixed(1)} min`,
)
console.log(`load average (1, 5, 15 min) at start: ${loadBefore}; at end: ${loadAverage()}\n`)
console.log(rowsTable(rows))
const targets = rows.filter((r) => r.met !== undefined)
console.log(
  `\n${targets.filter((r) => r.met).length} of ${targets.length} targets met${failed.length ? `; failed: ${failed.join(', ')}` : ''}`,
)
process.exit(failed.length ? 1 : 0)
