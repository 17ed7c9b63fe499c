// `npm run build`: compiles src/ to dist/ (ESM JavaScript, .d.ts, source maps; tsconfig.build.json), then
// copies the data files the code reads at run time through import.meta.url (the .proto files, the bootstrap
// RBAC policy, any other non-TypeScript file under src/) to the same relative place under dist/, so one
// relative URL works from src/ (tests, tsx) and from dist/ (the package); YAML files also get a JSON twin.
//
// `--if-stale` (npm start, the test suite's global setup) builds only when a file under src/ or a tsconfig
// is newer than the last build, so a checkout never runs yesterday's dist/ and an unchanged one pays nothing.
import { spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

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
  const to = join(dist, relative(src, from))
  cpSync(from, to)
  // A JSON twin of each YAML file: JSON.parse reads the 40 kB bootstrap policy in a millisecond, the YAML
  // parser in a tenth of a second (src/rbac/bootstrap.ts reads the twin when it is there).
  if (to.endsWith('.yaml'))
    writeFileSync(to.replace(/\.yaml$/, '.json'), JSON.stringify(parse(readFileSync(from, 'utf8'))))
  copied++
}
writeFileSync(stamp, `${started.toISOString()}\n`)
utimesSync(stamp, started, started)
console.log(`dist/ built (${copied} data files copied)`)
