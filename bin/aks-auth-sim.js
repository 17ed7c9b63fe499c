#!/usr/bin/env node
// The `aks-auth-sim` command: runs the compiled CLI (dist/, built by `npm run build`, which `npm ci` runs
// through the `prepare` script). Nothing is compiled at run time. The kubeconfig's exec credential plugin
// runs this file by its absolute path, so it works from a checkout and from an installed package alike.
import { existsSync } from 'node:fs'
import process from 'node:process'
import { URL } from 'node:url'

// dist/bundle/ is the CLI bundled by the build (one file per command instead of ~640 modules to load).
const main = new URL('../dist/bundle/main.js', import.meta.url)
if (!existsSync(main)) {
  const root = new URL('..', import.meta.url).pathname
  process.stderr.write(
    `aks-auth-sim: ${root}dist/ is missing: run 'npm run build' (or 'npm ci') in ${root}\n`,
  )
  process.exit(1)
}
await import(main.href)
