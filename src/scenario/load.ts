/**
 * Reads and validates a scenario: YAML (or JSON) → schema check → the checks the directory input and
 * each slice's section define (references, object validity). Every problem is reported at once with
 * the path that holds it, e.g. `groups[2].members.users[0]: no user 'bob@x'`.
 */
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { createRequire } from 'node:module'
import type { Ajv2020 as Ajv2020Class, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js'
import { ConfigError } from '../kernel/errors.js'
import { directoryInputProblems } from '../kernel/directory-validation.js'
import { kubernetesScenarioProblems } from '../rbac/index.js'
import { firstPartyApplications } from '../kernel/first-party.js'
import { scenarioSchema } from './schema.js'
import type { Scenario } from './types.js'

/**
 * Loaded and compiled on first use (about 0.2 s): the built-in demo scenario, which tests prove valid, needs
 * no check. ajv is CommonJS, so it loads synchronously.
 */
let compiled: ValidateFunction<Scenario> | undefined
function schemaValidator(): ValidateFunction<Scenario> {
  if (compiled) return compiled
  const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020Class }
  return (compiled = new Ajv2020({ allErrors: true, strict: true }).compile<Scenario>(scenarioSchema))
}

function describe(e: ErrorObject): string {
  const path =
    e.instancePath
      .replace(/\/(\d+)/g, '[$1]')
      .replace(/\//g, '.')
      .replace(/^\./, '') || '(root)'
  if (e.keyword === 'additionalProperties')
    return `${path}: unknown key '${String(e.params.additionalProperty)}'`
  if (e.keyword === 'required') return `${path}: missing required key '${String(e.params.missingProperty)}'`
  if (e.keyword === 'enum') return `${path}: must be one of ${JSON.stringify(e.params.allowedValues)}`
  return `${path}: ${e.message ?? 'is invalid'}`
}

/** Validates a parsed scenario object; throws ConfigError listing every problem. */
export function validateScenario(value: unknown, source = 'scenario'): Scenario {
  const validateSchema = schemaValidator()
  if (!validateSchema(value)) {
    throw new ConfigError((validateSchema.errors ?? []).map((e) => `${source}: ${describe(e)}`))
  }
  const problems = [
    ...directoryInputProblems(value, firstPartyApplications),
    ...kubernetesScenarioProblems(value.kubernetes),
  ]
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `${source}: ${p}`))
  return value
}

/** Reads a YAML or JSON scenario file. */
export function loadScenarioFile(path: string): Scenario {
  let parsed: unknown
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'), { prettyErrors: true })
  } catch (err) {
    throw new ConfigError([`${path}: ${(err as Error).message}`])
  }
  return validateScenario(parsed, path)
}
