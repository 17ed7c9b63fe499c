// `npm run build`: compiles src/ to dist/ (ESM JavaScript, .d.ts, source maps; tsconfig.build.json), then
// copies the data files the code reads at run time through import.meta.url (the .proto files, the bootstrap
// RBAC policy, any other non-TypeScript file under src/) to the same relative place under dist/, so one
// relative URL works from src/ (tests, tsx) and from dist/ (the package).
//
// `--if-stale` (npm start, the test suite's global setup) builds only when a file under src/ or a tsconfig
// is newer than the last build, so a checkout never runs yesterday's dist/ and an unchanged one pays nothing.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(root, 'src')
const dist = join(root, 'dist')
const stamp = join(dist, '.built')

const sources = () =>
  readdirSync(src, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))

if (process.argv.includes('--if-stale') && existsSync(stamp)) {
  const built = statSync(stamp).mtimeMs
  const inputs = [...sources(), join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json')]
  if (inputs.every((f) => statSync(f).mtimeMs <= built)) process.exit(0)
}

// The stamp carries the build's start time: a file saved while tsc runs makes the next --if-stale build again.
const started = new Date()
rmSync(dist, { recursive: true, force: true })
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' })
if (run.status !== 0) process.exit(run.status ?? 1)

let copied = 0
for (const from of sources()) {
  if (from.endsWith('.ts')) continue
  cpSync(from, join(dist, relative(src, from)))
  copied++
}
writeFileSync(stamp, `${started.toISOString()}\n`)
utimesSync(stamp, started, started)
console.log(`dist/ built (${copied} data files copied)`)
