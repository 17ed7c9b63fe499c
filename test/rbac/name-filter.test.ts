/**
 * The name filter and name table of the chain sets (src/rbac/name-filter.ts). The filter may let a
 * name through that has no chain (a false positive, then the table answers), but must never drop one
 * that has — that would lose an allow; the table must find exactly its names, also among names that
 * share a signature. Checked on arbitrary strings, and through the engine against the naive walk on
 * clusters whose group names look alike (same length, prefix or suffix, GUIDs, UPNs), where a weak
 * signature would collide, with askers holding many groups (the filtered lookup path).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createRbacAuthorizer } from '../../src/rbac/authorizer.js'
import {
  buildNameFilter,
  buildNameTable,
  findName,
  MIN_FILTERED_NAMES,
  MIN_TABLE_NAMES,
  mayHold,
  nameSignature,
  NO_FILTER,
  NO_TABLE,
} from '../../src/rbac/name-filter.js'
import { createMemoryRbacObjects } from '../../src/rbac/object-source.js'
import type { AuthorizationRequest, RbacDecision, RbacObject } from '../../src/rbac/types.js'
import { naiveAuthorize } from './naive-reference.js'

const API = 'rbac.authorization.k8s.io/v1'
const REF = 'rbac.authorization.k8s.io'

const holds = (filter: Int32Array, name: string) =>
  mayHold(filter, 0, filter.length * 32, nameSignature(name))

/** The chain number `findName` gives `name` in a table of `names[from…to)`. */
function found(names: string[], from: number, to: number, name: string): number {
  const table = buildNameTable(names, from, to)
  expect(table).not.toBe(NO_TABLE)
  return findName(table, 0, (table.length >>> 1) - 1, names, nameSignature(name), name)
}

describe('name filter', () => {
  it('never drops a name it was built from, whatever the strings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), {
          minLength: MIN_FILTERED_NAMES,
          maxLength: 200,
        }),
        (names) => {
          const filter = buildNameFilter(names, names.length)
          for (const name of names) expect(holds(filter, name)).toBe(true)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('leaves maps too small to need it unfiltered', () => {
    const names = Array.from({ length: MIN_FILTERED_NAMES - 1 }, (_, i) => `g${i}`)
    expect(buildNameFilter(names, names.length)).toBe(NO_FILTER)
    expect(holds(NO_FILTER, 'anything')).toBe(true)
  })

  it('drops most names it was not built from (it filters at all)', () => {
    const members = Array.from({ length: 500 }, (_, i) => `group-${i}`)
    const others = Array.from({ length: 5000 }, (_, i) => `group-${1000 + i}`)
    const filter = buildNameFilter(members, members.length)
    const passed = others.filter((n) => holds(filter, n)).length
    expect(passed).toBeLessThan(others.length / 2)
  })
})

describe('name table', () => {
  const strings = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }))

  it('finds each of its names at its chain number and no other name, whatever the strings', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(strings, { minLength: MIN_TABLE_NAMES + 2, maxLength: 200 }),
        fc.array(strings, { maxLength: 20 }),
        fc.nat(),
        (names, others, skip) => {
          const from = skip % 3 // a table of the names after the user chains, as for groups
          for (let n = from; n < names.length; n++)
            expect(found(names, from, names.length, names[n]!)).toBe(n)
          for (const other of others)
            expect(found(names, from, names.length, other)).toBe(
              names.indexOf(other) >= from ? names.indexOf(other) : -1,
            )
        },
      ),
      { numRuns: 300 },
    )
  })

  // The signature reads up to eight characters at fixed places: these differ only elsewhere.
  const alike = (count: number, tag: string) =>
    Array.from({ length: count }, (_, i) => `ab${String.fromCharCode(65 + i)}${'x'.repeat(20)}zz-${tag}`)

  it('tells apart names that share a signature', () => {
    const pairs = Array.from({ length: 20 }, (_, i) => alike(2, `${i}`.padStart(4, '0')))
    expect(new Set(pairs[0]!.map(nameSignature)).size).toBe(1)
    const members = pairs.flatMap(([a]) => [a!])
    const others = pairs.map(([, b]) => b!)
    members.forEach((name, n) => expect(found(members, 0, members.length, name)).toBe(n))
    for (const other of others) expect(found(members, 0, members.length, other)).toBe(-1)
  })

  it('gives no table to a set whose names mostly share a signature (its map answers)', () => {
    const names = alike(40, 'yyyy')
    expect(new Set(names.map(nameSignature)).size).toBe(1)
    expect(buildNameTable(names, 0, names.length)).toBe(NO_TABLE)
    const upns = Array.from({ length: 300 }, (_, i) => `user${i}@contoso.onmicrosoft.com`)
    expect(buildNameTable(upns, 0, upns.length)).toBe(NO_TABLE)
  })

  it('leaves sets too small to need it without one (their maps answer)', () => {
    const names = Array.from({ length: MIN_TABLE_NAMES - 1 }, (_, i) => `g${i}`)
    expect(buildNameTable(names, 0, names.length)).toBe(NO_TABLE)
    expect(buildNameTable([...names, 'g7'], 0, MIN_TABLE_NAMES)).not.toBe(NO_TABLE)
  })
})

/** Look-alike names: numbered, shared prefixes and suffixes, GUID-like, UPN-like, 1–2 characters. */
const NAMES = [
  ...Array.from({ length: 40 }, (_, i) => `group-${i}`),
  ...Array.from({ length: 20 }, (_, i) => `team-${String.fromCharCode(97 + i)}-readers`),
  ...Array.from({ length: 20 }, (_, i) => `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`),
  ...Array.from({ length: 20 }, (_, i) => `user${i}@contoso.onmicrosoft.com`),
  'a',
  'b',
  'ab',
  'ba',
  '',
  'system:authenticated',
]

const world = fc.record({
  bindings: fc.array(
    fc.record({
      cluster: fc.boolean(),
      role: fc.constantFrom('reader', 'writer', 'named'),
      subjects: fc.array(
        fc.record({ kind: fc.constantFrom('Group', 'Group', 'User'), name: fc.constantFrom(...NAMES) }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    { minLength: 40, maxLength: 120 },
  ),
})

type World = typeof world extends fc.Arbitrary<infer T> ? T : never

function objects(w: World): RbacObject[] {
  const role = (name: string, rules: unknown[]) =>
    ({ apiVersion: API, kind: 'ClusterRole', metadata: { name }, rules }) as RbacObject
  const out: RbacObject[] = [
    role('reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]),
    role('writer', [{ apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['get', 'create'] }]),
    role('named', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'], resourceNames: ['p1'] }]),
  ]
  w.bindings.forEach((b, i) => {
    const subjects = b.subjects.map((s) => ({ apiGroup: REF, ...s }))
    const roleRef = { apiGroup: REF, kind: 'ClusterRole', name: b.role }
    out.push(
      b.cluster
        ? { apiVersion: API, kind: 'ClusterRoleBinding', metadata: { name: `b${i}` }, roleRef, subjects }
        : {
            apiVersion: API,
            kind: 'RoleBinding',
            metadata: { name: `b${i}`, namespace: 'ns1' },
            roleRef,
            subjects,
          },
    )
  })
  return out
}

const request: fc.Arbitrary<AuthorizationRequest> = fc.record({
  user: fc.record({
    name: fc.constantFrom(...NAMES),
    groups: fc.array(fc.constantFrom(...NAMES, 'group-999', 'team-z-readers', 'zz'), { maxLength: 120 }),
  }),
  resourceAttributes: fc.record({
    verb: fc.constantFrom('get', 'list', 'create'),
    group: fc.constant(''),
    resource: fc.constantFrom('pods', 'secrets'),
    name: fc.constantFrom('', 'p1', 'p2'),
    namespace: fc.constantFrom('', 'ns1'),
  }),
})

const outcome = (d: RbacDecision) => ({
  decision: d.decision,
  reason: d.reason,
  ...(d.matched && { ruleIndex: d.matched.ruleIndex, rule: d.matched.rule }),
})

/** 300 generated worlds, each asked up to 10 requests from `requests`: the engine answers as the naive walk. */
function agreesWithNaiveWalk(requests: fc.Arbitrary<AuthorizationRequest>) {
  fc.assert(
    fc.property(world, fc.array(requests, { minLength: 1, maxLength: 10 }), (w, rs) => {
      const store = createMemoryRbacObjects(objects(w))
      const rbac = createRbacAuthorizer(store)
      for (const r of rs) expect(outcome(rbac.authorize(r))).toEqual(naiveAuthorize(store, r))
    }),
    { numRuns: 300 },
  )
}

describe('engine with look-alike names and many groups', () => {
  it('agrees with the naive walk on decision, reason and rule', () => {
    agreesWithNaiveWalk(request)
  })

  it('agrees with it too for askers holding most of the bound names (the walk of group chains)', () => {
    const holdingMost = request.chain((r) =>
      fc.shuffledSubarray(NAMES, { minLength: 40 }).map((groups) => ({ ...r, user: { ...r.user, groups } })),
    )
    agreesWithNaiveWalk(holdingMost)
  })
})
