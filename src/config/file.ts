/**
 * `aks-auth-sim start --config FILE`: every programmatic option from a YAML or JSON file, checked
 * against configFileSchema (docs/config.schema.json) with every problem reported at once. The CLI
 * lays its flags over what the file sets (a flag wins over the file; the file wins over the defaults).
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { ConfigError } from '../kernel/errors.js'
import type { ConfigOptions } from './options.js'
import { schemaProblems } from './validate.js'
import { validateFile } from './validators.generated.js'

/** What a config file sets: the options, plus the scenario and PKI paths (absolute once loaded). */
export interface ConfigFileOptions extends ConfigOptions {
  scenario?: string
  pkiDir?: string
}

/** Checks a parsed config file; `source` prefixes each problem. Relative paths resolve against `baseDir`. */
export function validateConfigFile(value: unknown, source: string, baseDir: string): ConfigFileOptions {
  // An empty file is an empty mapping: every option at its default.
  const doc = value === null || value === undefined ? {} : value
  const problems = schemaProblems(validateFile, doc)
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `${source}: ${p}`))
  const { $schema: _, ...options } = doc as ConfigFileOptions & { $schema?: string }
  for (const key of ['scenario', 'stateDir', 'pkiDir'] as const) {
    const path = options[key]
    if (path !== undefined) options[key] = resolve(baseDir, path)
  }
  return options
}

/** Reads and checks a YAML or JSON config file; throws ConfigError naming the file and every problem. */
export function loadConfigFile(path: string): ConfigFileOptions {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    throw new ConfigError([`${path}: cannot read the config file (${e.code ?? e.message})`])
  }
  let parsed: unknown
  try {
    parsed = parseYaml(text, { prettyErrors: true })
  } catch (err) {
    throw new ConfigError([`${path}: ${(err as Error).message}`])
  }
  return validateConfigFile(parsed, path, dirname(resolve(path)))
}
