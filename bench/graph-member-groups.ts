/**
 * getMemberGroups cost per call. Part 1, in process (no sockets): the Graph service's whole pipeline
 * (token check, routing, permission, lookup, JSON) for a synthetic user in 1,000 groups nested 5 deep
 * and for the demo users, against the floor in the same run (serialising the precomputed answer);
 * how it scales with the answer size and with the directory size (it must not grow with the
 * directory); and the cost of the first call after a membership change (closure recomputed). Part 2,
 * over HTTPS with autocannon: the simulator against a bare node:https server (jose check + JSON).
 * Usage: npx tsx bench/graph-member-groups.ts [http-seconds]
 */
import { createDirectory, type Directory } from '../src/kernel/directory.js'
import { firstPartyApplications } from '../src/kernel/first-party.js'
import { inProcessGraph } from '../test/helpers/graph-in-process.js'
import type { Scenario } from '../src/index.js'
import { benchPki, load, startServer, table } from './lib.js'
import { BENCH_APP, SYNTH_UPN, syntheticScenario } from './graph-synthetic.js'

const httpSeconds = Number(process.argv[2] ?? 6)

interface Setup {
  directory: Directory
  call(upn: string): Promise<unknown>
}

async function setup(scenario: Scenario): Promise<Setup> {
  const directory = createDirectory(scenario, firstPartyApplications)
  const graph = await inProcessGraph(directory, BENCH_APP.appId)
  const body = { securityEnabledOnly: false }
  return {
    directory,
    async call(upn) {
      const r = await graph.call('POST', `/v1.0/users/${encodeURIComponent(upn)}/getMemberGroups`, body)
      if (r.status !== 200) throw new Error(`unexpected ${r.status}`)
      return JSON.stringify(r.body)
    },
  }
}

/**
 * Microseconds per call: the best of five rounds (each at least `ms`/5 milliseconds, after a warm-up),
 * so other processes on a busy machine disturb the figure less.
 */
async function perCall(fn: () => unknown, ms = 1000): Promise<number> {
  for (let i = 0; i < 200; i++) await fn()
  let best = Infinity
  for (let round = 0; round < 5; round++) {
    let n = 0
    const start = process.hrtime.bigint()
    const until = start + BigInt(Math.round(ms / 5)) * 1_000_000n
    while (process.hrtime.bigint() < until) {
      await fn()
      n++
    }
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000 / n)
  }
  return best
}

/**
 * The in-process floor: what any implementation must do per call even with everything cached —
 * serialise the answer (the group ids, looked up once here) into Graph's JSON body.
 */
function floor(s: Setup, upn: string): () => string {
  const ids = s.directory.transitiveGroups(s.directory.user(upn)!.id).map((g) => g.id)
  const context = 'https://bench/v1.0/$metadata#Collection(Edm.String)'
  return () => JSON.stringify({ '@odata.context': context, value: ids })
}

const rows: string[] = []
const row = (...cells: (string | number)[]) => rows.push(`| ${cells.join(' | ')} |`)
const us = (x: number) => x.toFixed(1)

// 1. The 1,000-group user and the demo users, against the floor.
const synth = await setup(syntheticScenario(1000, 5, 1000))
const oursSynth = await perCall(() => synth.call(SYNTH_UPN))
const bareSynth = await perCall(floor(synth, SYNTH_UPN))
row(
  'synthetic user, 1,000 groups nested 5 deep',
  1000,
  us(oursSynth),
  us(bareSynth),
  (oursSynth / bareSynth).toFixed(2),
)

// 2. Demo users.
const demo = await setup(syntheticScenario(5, 5, 0))
for (const [upn, label] of [
  ['alice@contoso.onmicrosoft.com', 'demo alice'],
  ['bob@contoso.onmicrosoft.com', 'demo bob (nested)'],
  ['dave@contoso.onmicrosoft.com', 'demo dave (overage)'],
] as const) {
  const count = demo.directory.transitiveGroups(demo.directory.user(upn)!.id).length
  const ours = await perCall(() => demo.call(upn), 500)
  const b = await perCall(floor(demo, upn), 500)
  row(label, count, us(ours), us(b), (ours / b).toFixed(2))
}
console.log('### getMemberGroups, in process (µs per call)\n')
console.log('| user | groups | aks-auth-sim µs | floor µs (JSON only) | ratio |\n|---|---|---|---|---|')
console.log(rows.splice(0).join('\n'))

// 3. Scaling with the answer size and with the directory size.
for (const [groups, filler] of [
  [100, 1000],
  [1000, 1000],
  [5000, 1000],
  [1000, 20_000],
  [1000, 100_000],
] as const) {
  const s = groups === 1000 && filler === 1000 ? synth : await setup(syntheticScenario(groups, 5, filler))
  row(
    groups,
    s.directory.users().length + s.directory.groups().length,
    us(await perCall(() => s.call(SYNTH_UPN), 600)),
  )
}
console.log('\n### Scaling (µs per call, memoised closure)\n')
console.log('| groups of the user | directory objects | µs per call |\n|---|---|---|')
console.log(rows.splice(0).join('\n'))

// 4. First call after a membership change: the closure is recomputed (admin API changes show at once).
const a = synth.directory.group('filler-group-0')!.id
const b = synth.directory.user('filler-1@contoso.onmicrosoft.com')!.id
let flip = false
const afterChange = await perCall(async () => {
  if ((flip = !flip)) synth.directory.addMember(a, b)
  else synth.directory.removeMember(a, b)
  return synth.call(SYNTH_UPN)
})
console.log(
  `\nafter a membership change (closure of 1,000 groups recomputed): ${us(afterChange)} µs per call`,
)

// 5. Over HTTPS: the simulator's listener against a bare node:https server, same answer.
const { pkiDir, caFile } = await benchPki()
const env = { BENCH_PKI_DIR: pkiDir, NODE_EXTRA_CA_CERTS: caFile }
const args = ['1000', '5', '1000']
const sim = await startServer<{ url: string; token: string; jwks: unknown }>(
  'bench/graph-member-groups-sim.ts',
  args,
  env,
)
const bareServer = await startServer<{ url: string }>('bench/graph-member-groups-bare.ts', args, {
  ...env,
  BENCH_JWKS: JSON.stringify(sim.info.jwks),
})
const request = {
  method: 'POST' as const,
  headers: { authorization: `Bearer ${sim.info.token}`, 'content-type': 'application/json' },
  body: '{"securityEnabledOnly":false}',
}
await load('warm-up', { url: bareServer.info.url, duration: 2, ...request })
const results = [
  await load('bare node:https + jose, same answer', {
    url: bareServer.info.url,
    duration: httpSeconds,
    ...request,
  }),
]
await bareServer.stop()
await load('warm-up', { url: sim.info.url, duration: 2, ...request })
results.push(
  await load('aks-auth-sim Graph getMemberGroups', { url: sim.info.url, duration: httpSeconds, ...request }),
)
await sim.stop()
console.log('\n### getMemberGroups over HTTPS, 1,000 groups, 8 connections\n')
console.log(table(results))
console.log(`\nratio (simulator / bare): ${(results[1]!.rps / results[0]!.rps).toFixed(2)}`)
