/**
 * Reads and validates a scenario: YAML (or JSON) → schema check → reference check. Every problem is
 * reported at once with the path that holds it, e.g. `groups[2].members.users[0]: no user 'bob@x'`.
 */
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js'
import { ConfigError } from '../kernel/errors.js'
import { scenarioSchema } from './schema.js'
import { firstPartyApplications } from './first-party.js'
import type { Scenario } from './types.js'
import { validateKubernetesRbacObjects } from '../rbac/scenario.js'

const ajv = new Ajv2020({ allErrors: true, strict: true })
const validateSchema = ajv.compile<Scenario>(scenarioSchema)

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

function duplicates(values: string[]): string[] {
  const seen = new Set<string>()
  const dup = new Set<string>()
  for (const v of values) (seen.has(v) ? dup : seen).add(v)
  return [...dup]
}

function checkReferences(s: Scenario): string[] {
  const problems: string[] = []
  const users = s.users ?? []
  const groups = s.groups ?? []
  const apps = [
    ...firstPartyApplications.filter((f) => !(s.applications ?? []).some((a) => a.appId === f.appId)),
    ...(s.applications ?? []),
  ]
  const lower = (x: string) => x.toLowerCase()
  const ids = [
    ...users.map((u) => lower(u.id)),
    ...groups.map((g) => lower(g.id)),
    ...apps.flatMap((a) => (a.servicePrincipalId ? [lower(a.servicePrincipalId)] : [])),
  ]
  for (const d of duplicates(ids))
    problems.push(`object id ${d} is used by more than one user, group or service principal`)
  for (const d of duplicates(users.map((u) => lower(u.userPrincipalName))))
    problems.push(`users: userPrincipalName ${d} appears more than once`)
  for (const d of duplicates(groups.map((g) => g.displayName)))
    problems.push(`groups: displayName '${d}' appears more than once`)
  for (const d of duplicates(apps.map((a) => lower(a.appId))))
    problems.push(`applications: appId ${d} appears more than once`)
  for (const d of duplicates(apps.map((a) => a.name)))
    problems.push(`applications: name '${d}' appears more than once`)
  const userRefs = new Set(users.flatMap((u) => [lower(u.userPrincipalName), lower(u.id)]))
  const groupRefs = new Set(groups.flatMap((g) => [g.displayName, lower(g.id)]))
  const appRefs = new Set(apps.flatMap((a) => [a.name, lower(a.appId)]))
  const resourceRefs = new Set(apps.flatMap((a) => [lower(a.appId), ...(a.identifierUris ?? []).map(lower)]))
  groups.forEach((g, i) => {
    const m = g.members ?? {}
    m.users?.forEach((u, j) => {
      if (!userRefs.has(lower(u))) problems.push(`groups[${i}].members.users[${j}]: no user '${u}'`)
    })
    m.groups?.forEach((x, j) => {
      if (!groupRefs.has(x) && !groupRefs.has(lower(x)))
        problems.push(`groups[${i}].members.groups[${j}]: no group '${x}'`)
    })
    m.servicePrincipals?.forEach((x, j) => {
      if (!appRefs.has(x) && !appRefs.has(lower(x)))
        problems.push(`groups[${i}].members.servicePrincipals[${j}]: no application '${x}'`)
    })
  })
  ;(s.applications ?? []).forEach((a, i) => {
    a.permissions?.forEach((p, j) => {
      if (!resourceRefs.has(lower(p.resource)))
        problems.push(
          `applications[${i}].permissions[${j}].resource: no application with appId or identifier URI '${p.resource}'`,
        )
    })
    if (a.publicClient && (a.secrets?.length ?? 0) > 0)
      problems.push(`applications[${i}]: a public client cannot have secrets`)
  })
  problems.push(...validateKubernetesRbacObjects(s.kubernetes?.objects ?? []))
  return problems
}

/** Validates a parsed scenario object; throws ConfigError listing every problem. */
export function validateScenario(value: unknown, source = 'scenario'): Scenario {
  if (!validateSchema(value)) {
    throw new ConfigError((validateSchema.errors ?? []).map((e) => `${source}: ${describe(e)}`))
  }
  const problems = checkReferences(value)
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
