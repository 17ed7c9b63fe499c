/**
 * The project's code as users run it: `npm start` runs the build (JavaScript compiled by tsc and bundled
 * by esbuild, scripts/build.mjs), never the TypeScript sources. The benchmark scripts run under tsx, whose
 * transform keeps function names by wrapping every named function and closure in a `__name(fn, "…")`
 * call (a defineProperty each time a closure is made), which the build never makes. Measured from the
 * sources, the simulator's main thread spent ~30 µs more per uncached TokenReview than from the build
 * (docs/benchmarks.md, seventh round). So every server a benchmark measures loads the project from dist/
 * through this module (with the sources' types), and the harness builds dist/ first when a source is
 * newer (`buildIfStale`, bench/lib.ts).
 */
import { spawnSync } from 'node:child_process'
import { isolatedEnv } from '../test/helpers/isolation.js'

const root = new URL('../', import.meta.url)

/** `npm run build` when a file under src/ (or a tsconfig) is newer than dist/; a no-op otherwise. */
export function buildIfStale(): void {
  const script = new URL('scripts/build.mjs', root).pathname
  const run = spawnSync(process.execPath, [script, '--if-stale'], {
    stdio: 'inherit',
    env: isolatedEnv({}, { base: 'inherit' }),
  })
  if (run.status !== 0) throw new Error(`${script} --if-stale failed (exit ${run.status})`)
}

/**
 * The compiled module of `src/<path>` (path ending in `.js`, as the sources import it), typed as the
 * source module: `await compiled<typeof SimulatorModule>('index.js')`.
 */
export async function compiled<T>(path: string): Promise<T> {
  return (await import(new URL(`dist/${path}`, root).href)) as T
}
