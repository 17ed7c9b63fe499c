/**
 * RBAC decision cost counted instead of timed: instructions and simulated cache misses per decision under
 * valgrind's cachegrind, for the workload of bench/rbac-scaling.ts's scenario B (the worst case). On a
 * shared machine the large cluster's time per decision moves by a factor of two within minutes (it is
 * bound by cache misses, and the last-level cache is shared with other machines' work), while the small
 * cluster's barely moves: a timed A/B of an engine change smaller than ~10 % cannot be read there. These
 * counts do not depend on what else the machine does; three runs of one tree agreed on the instructions per
 * decision within 2 % (V8 runs with --predictable: without it, one run's small-cluster count came out 14 %
 * below another's, its optimisations and collections depending on timing).
 *
 *   npx tsx bench/rbac-instructions.ts [--passes 60] [--warm 200] [--sets all,few,many]
 *
 * Per cluster (the 10-binding baseline and the 10,000-binding one) and request set, the engine — the
 * build, as the simulator runs it — is run in a child under cachegrind: `--warm` passes over the 2,000
 * requests (V8 optimises the engine), then passes over the set making `--passes` × 2,000 decisions; and
 * again with twice as many. The difference of the two runs' totals divided by the decisions it adds is one
 * decision's cost in the steady state: start-up, building, warm-up and the first passes' compilations are
 * the same in both and cancel out. Simulated caches: a 32 KiB 8-way L1d and, as valgrind's last level, a
 * 1 MiB 16-way cache, one core's L2 on the build machine (cachegrind models two levels; its default last
 * level is the shared L3, which holds the whole large cluster). Only the instructions and the 1 MiB
 * cache's misses are printed: the simulated L1d's miss counts moved between runs of one tree by more than
 * the differences they would be read for (they depend on where V8 happens to place objects).
 *
 * Counts are not time: a miss to the shared L3 costs tens of cycles, far more under contention, and V8
 * runs here without its background threads (--predictable; valgrind would serialise them anyway). Read
 * the counts to compare two trees, and bench/rbac-scaling.ts for the ratio the target is stated in.
 * Needs valgrind (Debian's `valgrind`); about 8 minutes on 2 cores (valgrind runs node ~60 times slower).
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { isolatedEnv } from '../test/helpers/isolation.js'
import { buildIfStale, compiled } from './compiled.js'
import { cluster, GROUPS, NAMESPACES, requests, USERS } from './rbac-workload.js'
import type * as AuthorizerModule from '../src/rbac/authorizer.js'
import type * as BootstrapModule from '../src/rbac/bootstrap.js'
import type * as ObjectSourceModule from '../src/rbac/object-source.js'

const SETS = ['all', 'few', 'many'] as const
type RequestSet = (typeof SETS)[number]
const CLUSTERS = { small: [10, 4], large: [10_000, 1_000] } as const
type ClusterName = keyof typeof CLUSTERS

const { values } = parseArgs({
  options: {
    passes: { type: 'string', default: '60' },
    warm: { type: 'string', default: '200' },
    sets: { type: 'string', default: SETS.join(',') },
    child: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})

const workload = (set: RequestSet) =>
  requests(USERS, GROUPS, NAMESPACES).filter((r) =>
    set === 'all' ? true : (r.user.groups?.length ?? 0) < 100 === (set === 'few'),
  )

/** The child: build one cluster's engine, warm it up, then `passes` passes over one request set. */
async function child(spec: string): Promise<void> {
  const [name, set, passes, warm] = spec.split(':') as [ClusterName, RequestSet, string, string]
  const rbac = <T>(module: string) => compiled<T>(`rbac/${module}.js`)
  const { createRbacAuthorizer } = await rbac<typeof AuthorizerModule>('authorizer')
  const { loadBootstrapPolicy } = await rbac<typeof BootstrapModule>('bootstrap')
  const { createMemoryRbacObjects } = await rbac<typeof ObjectSourceModule>('object-source')
  const [bindings, roles] = CLUSTERS[name]
  const objects = [...loadBootstrapPolicy(), ...cluster(bindings, roles, USERS, GROUPS, NAMESPACES)]
  const engine = createRbacAuthorizer(createMemoryRbacObjects(objects))
  const all = workload('all')
  const measured = workload(set)
  for (let i = 0; i < Number(warm); i++) for (const r of all) engine.authorize(r)
  for (let i = 0; i < Number(passes); i++) for (const r of measured) engine.authorize(r)
}

if (values.child) {
  await child(values.child)
  process.exit(0)
}

if (values.help) {
  console.log('usage: npx tsx bench/rbac-instructions.ts [--passes 60] [--warm 200] [--sets all,few,many]')
  process.exit(0)
}
const passes = Number(values.passes)
const warm = Number(values.warm)
const sets = values.sets.split(',') as RequestSet[]
if (!(Number.isInteger(passes) && passes > 0 && Number.isInteger(warm) && warm >= 0)) {
  console.error('--passes must be a positive integer and --warm a non-negative one')
  process.exit(2)
}
if (sets.some((s) => !SETS.includes(s))) {
  console.error(`--sets: a comma-separated subset of ${SETS.join(', ')}`)
  process.exit(2)
}
try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore', env: isolatedEnv({}, { base: 'inherit' }) })
} catch {
  console.error(
    'valgrind not found: this benchmark runs the engine under cachegrind (apt-get install valgrind)',
  )
  process.exit(2)
}
buildIfStale()

type Counts = Record<string, number>
const outDir = mkdtempSync(join(tmpdir(), 'aks-rbac-cachegrind-'))
const script = fileURLToPath(import.meta.url)

/** One child under cachegrind; resolves to its event totals (Ir, Dr, D1mr, DLmr, …). */
function cachegrind(name: ClusterName, set: RequestSet, count: number): Promise<Counts> {
  const out = join(outDir, `${name}-${set}-${count}.out`)
  const args = [
    '--tool=cachegrind',
    '--cache-sim=yes',
    '--D1=32768,8,64',
    '--LL=1048576,16,64',
    // V8 writes and rewrites machine code at run time.
    '--smc-check=all-non-file',
    `--cachegrind-out-file=${out}`,
    process.execPath,
    '--predictable',
    '--import',
    'tsx',
    script,
    '--child',
    `${name}:${set}:${count}:${warm}`,
  ]
  return new Promise((resolve, reject) => {
    let stderr = ''
    const proc = spawn('valgrind', args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: isolatedEnv({}, { base: 'inherit' }),
    })
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`cachegrind ${name} ${set} exited ${code}:\n${stderr}`))
      const text = readFileSync(out, 'utf8')
      const events = /^events: (.*)$/m.exec(text)?.[1]?.split(' ') ?? []
      const totals = /^summary: (.*)$/m.exec(text)?.[1]?.split(' ').map(Number) ?? []
      resolve(Object.fromEntries(events.map((e, i) => [e, totals[i]!])))
    })
  })
}

/** Runs the jobs `availableParallelism()` at a time (each child is single-threaded under valgrind). */
async function pool<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length)
  let next = 0
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++
      results[i] = await jobs[i]!()
    }
  }
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), jobs.length) }, worker))
  return results
}

const names = Object.keys(CLUSTERS) as ClusterName[]
/** How many requests each set holds (the whole workload: 2,000). */
const setSize = Object.fromEntries(SETS.map((set) => [set, workload(set).length])) as Record<
  RequestSet,
  number
>
const ALL_REQUESTS = setSize.all
/** Passes over a set that make as many decisions as `passes` passes over all 2,000 requests. */
const passesOver = (set: RequestSet) => Math.round((passes * ALL_REQUESTS) / setSize[set])
const plan = names.flatMap((name) =>
  sets.flatMap((set) => [1, 2].map((k) => ({ name, set, count: k * passesOver(set) }))),
)
console.log(
  `node ${process.version}; ${plan.length} runs under cachegrind (${warm} warm-up passes, then ${passes * ALL_REQUESTS} or twice as many decisions measured), ${availableParallelism()} at a time`,
)
const started = Date.now()
const counts = await pool(plan.map((p) => () => cachegrind(p.name, p.set, p.count)))
const perDecision = (name: ClusterName, set: RequestSet): Counts => {
  const at = (count: number) =>
    counts[plan.findIndex((p) => p.name === name && p.set === set && p.count === count)]!
  const once = at(passesOver(set))
  const twice = at(2 * passesOver(set))
  const decisions = passesOver(set) * setSize[set]
  return Object.fromEntries(Object.keys(once).map((e) => [e, (twice[e]! - once[e]!) / decisions]))
}

const EVENTS: [string, string][] = [
  ['Ir', 'instructions'],
  ['DLmr', '1 MiB LL read misses'],
  ['DLmw', '1 MiB LL write misses'],
]
console.log(`\nper decision (${((Date.now() - started) / 60000).toFixed(1)} min)\n`)
console.log(`| requests | cluster | ${EVENTS.map(([, l]) => l).join(' | ')} |`)
console.log(`|---|---|${EVENTS.map(() => '---:').join('|')}|`)
for (const set of sets) {
  const [small, large] = names.map((n) => perDecision(n, set)) as [Counts, Counts]
  const row = (label: string, c: Counts) =>
    console.log(`| ${set} | ${label} | ${EVENTS.map(([e]) => c[e]!.toFixed(1)).join(' | ')} |`)
  row('10 bindings', small)
  row('10,000 bindings', large)
  console.log(
    `| ${set} | ratio | ${EVENTS.map(([e]) => `${(large[e]! / small[e]!).toFixed(2)}×`).join(' | ')} |`,
  )
}
