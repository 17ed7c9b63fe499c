#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so the command works from a plain checkout after
// `npm ci`, from any working directory, without a build step or a global install.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
