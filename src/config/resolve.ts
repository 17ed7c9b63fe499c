import { ConfigError } from '../kernel/errors.js'
import { defaults, type ResolvedConfig } from './resolved.js'
import type { ConfigOptions } from './options.js'
import { configOptionsSchema } from './schema.js'
import { schemaProblems } from './validate.js'
import { validateOptions } from './validators.generated.js'

const optionKeys = Object.keys(configOptionsSchema.properties)

/**
 * Merges options over the defaults and checks them against the options schema (schema.ts), the same
 * check a config file gets; every problem is reported at once. Keys that are not configuration
 * options (the simulator's `scenario`, `pkiDir`, …) are left to their owners.
 */
export function resolveConfig(opts: ConfigOptions): ResolvedConfig {
  const own = Object.fromEntries(
    Object.entries(opts).filter(([k, v]) => optionKeys.includes(k) && v !== undefined),
  )
  const problems = schemaProblems(validateOptions, own)
  if (problems.length > 0) throw new ConfigError(problems)
  return {
    host: opts.host ?? defaults.host,
    // Names compare case-insensitively (Host headers, certificates); a name given twice counts once.
    publicHosts: [...new Set((opts.publicHosts ?? defaults.publicHosts).map((h) => h.toLowerCase()))],
    portBase: opts.portBase ?? defaults.portBase,
    stateDir: opts.stateDir,
    autoApprove: opts.autoApprove,
    logFormat: opts.logFormat ?? defaults.logFormat,
    deviceCode: { ...defaults.deviceCode, ...defined(opts.deviceCode) },
    tokens: { ...defaults.tokens, ...defined(opts.tokens) },
    keys: { ...defaults.keys, ...defined(opts.keys) },
    webhook: { ...defaults.webhook, ...defined(opts.webhook) },
    apiServer: { ...defaults.apiServer, ...defined(opts.apiServer) },
    arm: { ...defaults.arm, ...defined(opts.arm) },
    room: { ...defaults.room, ...defined(opts.room) },
  }
}

/** `{ interval: undefined }` means "the default", as a top-level `undefined` does. */
function defined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>
}
