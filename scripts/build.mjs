// `npm run build`: compiles src/ to dist/ (ESM JavaScript, .d.ts, source maps; tsconfig.build.json), then
// copies the data files the code reads at run time through import.meta.url (the .proto files, the bootstrap
// RBAC policy, any other non-TypeScript file under src/) to the same relative place under dist/, so one
// relative URL works from src/ (tests, tsx) and from dist/ (the package); YAML files also get a JSON twin.
//
// Then it bundles the command line (dist/cli/main.js and every command it loads) with esbuild into
// dist/bundle/: one file per command chunk instead of ~340 modules of ours and ~300 of the dependencies' to
// resolve, read and link at every start (issue 14: a warm start spent most of its time in Node's module
// loader). The library entry (dist/index.js, `import 'aks-auth-sim'`) stays unbundled, beside its types.
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
import { build } from 'esbuild'
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
await bundleCli()
writeFileSync(stamp, `${started.toISOString()}\n`)
utimesSync(stamp, started, started)
console.log(`dist/ built (${copied} data files copied)`)

/**
 * Bundles dist/cli/main.js into dist/bundle/ (ESM, code-split per lazily imported command). A bundled module
 * keeps the meaning of its own `import.meta.url`: every module that reads a data file beside itself
 * (bootstrap policy, .proto files, public/, bin/) gets the URL of the file it came from, written relative to
 * the bundle, so the bundle works wherever the package is installed.
 */
async function bundleCli() {
  const outdir = join(dist, 'bundle')
  const ownUrl = {
    name: 'own-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?js$/ }, (args) => {
        const contents = readFileSync(args.path, 'utf8')
        if (!contents.includes('import.meta')) return undefined
        if (/import\.meta\.(?!url\b)\w/.test(contents))
          throw new Error(`${args.path}: only import.meta.url is supported in bundled code`)
        const rel = relative(outdir, args.path).split('\\').join('/')
        return {
          contents: contents.replaceAll(
            'import.meta.url',
            `new URL(${JSON.stringify(rel)}, import.meta.url).href`,
          ),
          loader: 'js',
          resolveDir: dirname(args.path),
        }
      })
    },
  }
  await build({
    entryPoints: { main: join(dist, 'cli', 'main.js') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    // The dependencies' ES module builds where they ship one (@peculiar/x509's CommonJS build loses its
    // named exports through the bundler's interop).
    mainFields: ['module', 'main'],
    target: 'node20',
    // Maps point into dist/ (shipped beside the bundle), not into copies of it.
    sourcemap: true,
    sourcesContent: false,
    // Less to read and parse at every start; identifiers stay, so stack traces keep their function names.
    minifyWhitespace: true,
    minifySyntax: true,
    // CommonJS dependencies (express, ajv, …) call require() for Node's built-in modules.
    banner: {
      js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
    },
    plugins: [ownUrl],
    logLevel: 'warning',
  })
}
