/**
 * Federated identity credentials (FICs) on app registrations and user-assigned managed identities
 * (docs/pod-identity.md): issuer, subject and exactly one audience (each ≤ 600 characters), a name
 * of 3–120 letters, digits, `-` or `_` starting alphanumeric, at most 20 per object, issuer+subject
 * unique per object. Nothing is checked against reality: a wrong subject is accepted and fails at
 * exchange time. Each credential remembers when it was created, for the propagation delay. Problems
 * are typed; the Graph and ARM surfaces turn them into their own wire errors.
 */
import { randomUUID } from 'node:crypto'
import type { Clock } from '../kernel/clock.js'
import type { StateFile } from '../kernel/state-file.js'

export const FIC_LIMIT = 20
export const FIC_FIELD_MAX = 600
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/

export interface FederatedCredential {
  id: string
  name: string
  issuer: string
  subject: string
  audiences: string[]
  description: string | null
  /** Simulated time of creation (ms); scenario credentials are older than any propagation delay. */
  createdAt: number
}

export interface FederatedCredentialInput {
  name?: unknown
  issuer?: unknown
  subject?: unknown
  audiences?: unknown
  description?: unknown
}

export type FicProblem =
  | { kind: 'missing'; field: 'name' | 'issuer' | 'subject' | 'audiences' }
  | { kind: 'type'; field: string }
  | { kind: 'name_invalid'; name: string }
  | { kind: 'too_long'; field: string }
  | { kind: 'audience_count'; count: number }
  | { kind: 'duplicate_name'; name: string }
  | { kind: 'duplicate_issuer_subject' }
  | { kind: 'limit' }
  | { kind: 'immutable_name' }

export class FicValidationError extends Error {
  readonly problem: FicProblem
  constructor(problem: FicProblem) {
    super(problem.kind)
    this.problem = problem
  }
}

export interface FederatedCredentialStore {
  list(ownerAppId: string): FederatedCredential[]
  get(ownerAppId: string, idOrName: string): FederatedCredential | undefined
  /** Graph POST: a new credential. */
  create(ownerAppId: string, input: FederatedCredentialInput): FederatedCredential
  /** ARM PUT: create or replace by name (the name is the resource name). */
  put(
    ownerAppId: string,
    name: string,
    input: FederatedCredentialInput,
  ): { fic: FederatedCredential; created: boolean }
  remove(ownerAppId: string, idOrName: string): boolean
  /** Seeds a scenario credential (validated the same way, created "long ago"). */
  seed(ownerAppId: string, input: FederatedCredentialInput): FederatedCredential
  /**
   * After seeding: replays the saved changes (see `changes`); returns what could not be replayed
   * over this scenario (left out).
   */
  restore(): string[]
}

/** Credentials changed since the scenario: run-time ones (whole), and scenario ones removed or replaced. */
export interface FederatedCredentialChanges {
  credentials: (Omit<FederatedCredential, 'createdAt'> & { owner: string; createdAt: number })[]
  /** `<owner appId> <name>` of scenario credentials deleted or replaced at run time. */
  removedSeeds: string[]
}

function validated(input: FederatedCredentialInput): Omit<FederatedCredential, 'id' | 'createdAt'> {
  for (const field of ['name', 'issuer', 'subject'] as const) {
    const v = input[field]
    if (v === undefined || v === null || v === '') throw new FicValidationError({ kind: 'missing', field })
    if (typeof v !== 'string') throw new FicValidationError({ kind: 'type', field })
  }
  const name = input.name as string
  if (!NAME_RE.test(name)) throw new FicValidationError({ kind: 'name_invalid', name })
  if (input.audiences === undefined || input.audiences === null)
    throw new FicValidationError({ kind: 'missing', field: 'audiences' })
  if (!Array.isArray(input.audiences) || input.audiences.some((a) => typeof a !== 'string'))
    throw new FicValidationError({ kind: 'type', field: 'audiences' })
  const audiences = input.audiences as string[]
  if (audiences.length !== 1)
    throw new FicValidationError({ kind: 'audience_count', count: audiences.length })
  if (input.description !== undefined && input.description !== null && typeof input.description !== 'string')
    throw new FicValidationError({ kind: 'type', field: 'description' })
  const description = input.description ?? null
  for (const [field, v] of [
    ['issuer', input.issuer as string],
    ['subject', input.subject as string],
    ['audiences', audiences[0]!],
    ['description', description ?? ''],
  ] as const)
    if (v.length > FIC_FIELD_MAX) throw new FicValidationError({ kind: 'too_long', field })
  return {
    name,
    issuer: input.issuer as string,
    subject: input.subject as string,
    audiences: [...audiences],
    description,
  }
}

export function createFederatedCredentialStore(deps: {
  clock: Clock
  /** Expands `{oidcIssuer:<cluster>}` in issuers (scenario credentials only). */
  expandIssuer?: (issuer: string) => string
  /** Where run-time changes are kept, saved before each change returns. */
  changes?: StateFile<FederatedCredentialChanges>
}): FederatedCredentialStore {
  const byOwner = new Map<string, FederatedCredential[]>()
  const listOf = (owner: string) => {
    const key = owner.toLowerCase()
    let l = byOwner.get(key)
    if (!l) byOwner.set(key, (l = []))
    return l
  }
  const find = (owner: string, idOrName: string) =>
    listOf(owner).find((f) => f.id === idOrName.toLowerCase() || f.name === idOrName)
  const checkUnique = (owner: string, f: Omit<FederatedCredential, 'id' | 'createdAt'>, except?: string) => {
    const others = listOf(owner).filter((o) => o.id !== except)
    if (others.some((o) => o.name === f.name))
      throw new FicValidationError({ kind: 'duplicate_name', name: f.name })
    if (others.some((o) => o.issuer === f.issuer && o.subject === f.subject))
      throw new FicValidationError({ kind: 'duplicate_issuer_subject' })
    if (others.length >= FIC_LIMIT) throw new FicValidationError({ kind: 'limit' })
  }
  const add = (
    owner: string,
    input: FederatedCredentialInput,
    createdAt: number,
    id: string = randomUUID(),
  ) => {
    const f = validated(input)
    checkUnique(owner, f)
    const fic: FederatedCredential = { id, ...f, createdAt }
    listOf(owner).push(fic)
    return fic
  }
  // Scenario credentials are created "long ago" (-Infinity); anything else was made at run time.
  const isSeed = (f: FederatedCredential) => f.createdAt === Number.NEGATIVE_INFINITY
  const removedSeeds = new Set<string>()
  const save = () =>
    deps.changes?.save({
      credentials: [...byOwner].flatMap(([owner, l]) =>
        l.filter((f) => !isSeed(f)).map((f) => ({ owner, ...f })),
      ),
      removedSeeds: [...removedSeeds],
    })
  /** Runs a change, saves, and undoes the change if it could not be saved. */
  const saved = <T>(owner: string, change: () => T): T => {
    const key = owner.toLowerCase()
    const before = [...listOf(owner)].map((f) => ({ ...f }))
    const seedsBefore = new Set(removedSeeds)
    const result = change()
    try {
      save()
    } catch (err) {
      byOwner.set(key, before)
      removedSeeds.clear()
      for (const s of seedsBefore) removedSeeds.add(s)
      throw err
    }
    return result
  }
  return {
    list: (owner) => [...listOf(owner)],
    get: find,
    create: (owner, input) => saved(owner, () => add(owner, input, deps.clock.now())),
    put: (owner, name, input) =>
      saved(owner, () => {
        const existing = find(owner, name)
        if (input.name !== undefined && input.name !== name)
          throw new FicValidationError({ kind: 'immutable_name' })
        if (!existing) return { fic: add(owner, { ...input, name }, deps.clock.now()), created: true }
        const f = validated({ ...input, name })
        checkUnique(owner, f, existing.id)
        if (isSeed(existing)) removedSeeds.add(`${owner.toLowerCase()} ${existing.name}`)
        Object.assign(existing, f, { createdAt: deps.clock.now() })
        return { fic: existing, created: false }
      }),
    remove: (owner, idOrName) =>
      saved(owner, () => {
        const l = listOf(owner)
        const i = l.findIndex((f) => f.id === idOrName.toLowerCase() || f.name === idOrName)
        if (i < 0) return false
        if (isSeed(l[i]!)) removedSeeds.add(`${owner.toLowerCase()} ${l[i]!.name}`)
        l.splice(i, 1)
        return true
      }),
    restore() {
      const problems: string[] = []
      const changes = deps.changes?.load()
      for (const key of changes?.removedSeeds ?? []) {
        removedSeeds.add(key)
        const [owner = '', name = ''] = key.split(' ')
        const l = listOf(owner)
        const i = l.findIndex((f) => f.name === name && isSeed(f))
        if (i >= 0) l.splice(i, 1)
      }
      for (const { owner, id, createdAt, ...input } of changes?.credentials ?? []) {
        try {
          add(owner, input, createdAt, id)
        } catch (err) {
          problems.push(`federated credential '${String(input.name)}' of ${owner}: ${(err as Error).message}`)
        }
      }
      return problems
    },
    seed: (owner, input) =>
      add(
        owner,
        {
          ...input,
          ...(typeof input.issuer === 'string' &&
            deps.expandIssuer && { issuer: deps.expandIssuer(input.issuer) }),
        },
        Number.NEGATIVE_INFINITY,
      ),
  }
}
