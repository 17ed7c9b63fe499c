/**
 * Summarises V8 CPU profiles (`node --cpu-prof`, or BENCH_CPU_PROF=<dir> for the benchmark servers):
 * the functions with the most self time, and self time by file, as shares of the sampled time.
 * `--after NAME` skips the samples before the first one inside a function called NAME (the start-up
 * of a simulator dwarfs a few seconds of load otherwise), e.g. `--after handleTokenReview`.
 * Usage: npx tsx bench/profile-summary.ts <file.cpuprofile>... [--top N] [--after NAME]
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const args = process.argv.slice(2)
const topAt = args.indexOf('--top')
const top = topAt >= 0 ? Number(args[topAt + 1]) : 30
const afterAt = args.indexOf('--after')
const after = afterAt >= 0 ? args[afterAt + 1] : undefined
const files = args.filter(
  (a, i) => !a.startsWith('--') && (topAt < 0 || i !== topAt + 1) && (afterAt < 0 || i !== afterAt + 1),
)

const short = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, 'nm:')
    .replace(/^.*\/(src|bench)\//, '$1/')

for (const file of files) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const within = (id: number, name: string) => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
      if (byId.get(at)!.callFrame.functionName === name) return true
    return false
  }
  const from =
    after === undefined
      ? 0
      : Math.max(
          0,
          p.samples.findIndex((id) => within(id, after)),
        )
  const self = new Map<number, number>()
  let total = 0
  p.samples.forEach((id, i) => {
    if (i < from) return
    const dt = p.timeDeltas[i] ?? 0
    self.set(id, (self.get(id) ?? 0) + dt)
    total += dt
  })
  const fn = new Map<string, number>()
  const byFile = new Map<string, number>()
  for (const [id, t] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame
    const name = `${functionName || '(anonymous)'} ${short(url)}${url ? `:${lineNumber + 1}` : ''}`
    fn.set(name, (fn.get(name) ?? 0) + t)
    const f = url ? short(url) : functionName
    byFile.set(f, (byFile.get(f) ?? 0) + t)
  }
  // Inclusive time: each sample counts once for every distinct function on its stack.
  const incl = new Map<string, number>()
  for (const [id, t] of self) {
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url, lineNumber } = byId.get(at)!.callFrame
      if (!url.includes('/src/')) continue
      seen.add(`${functionName || '(anonymous)'} ${short(url)}:${lineNumber + 1}`)
    }
    for (const k of seen) incl.set(k, (incl.get(k) ?? 0) + t)
  }
  const idle = [...fn].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, t]) => a + t, 0)
  const busy = total - idle
  const pct = (t: number) => `${((100 * t) / busy).toFixed(1).padStart(5)}%`
  console.log(
    `\n${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (shares of busy)`,
  )
  console.log('\nself time by function:')
  for (const [k, t] of [...fn]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top))
    console.log(`${pct(t)}  ${k}`)
  console.log("\ninclusive time of the project's own functions (src/):")
  for (const [k, t] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${k}`)
  console.log('\nself time by file:')
  for (const [k, t] of [...byFile]
    .filter(([k]) => k !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, top))
    console.log(`${pct(t)}  ${k}`)
}
