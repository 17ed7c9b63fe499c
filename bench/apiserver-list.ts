/**
 * Requests per second for `list pods` (50 pods, JSON) through the API server's whole request
 * pipeline — bearer token, token authenticator with a cache hit, authorizer — against the same list
 * with authentication off, in the same run. Both servers run at once and are measured in alternating
 * rounds (the median of each is reported) so that load from other processes affects both alike.
 * Usage: npx tsx bench/apiserver-list.ts [seconds per round] [rounds]
 */
import { benchPki, load, startServer, table, type Result } from './lib.js'

const duration = Number(process.argv[2] ?? 5)
const rounds = Number(process.argv[3] ?? 3)
const { pkiDir, caFile } = await benchPki()
const env = { BENCH_PKI_DIR: pkiDir, NODE_EXTRA_CA_CERTS: caFile }

const modes = [
  ['API server, authentication off', 'bare'],
  ['API server, token (cache hit) + authorizer', 'auth'],
] as const
const servers = await Promise.all(
  modes.map(([, mode]) =>
    startServer<{ url: string; token: string }>('bench/apiserver-list-server.ts', [mode], env),
  ),
)
const optsOf = (i: number) => ({
  url: servers[i]!.info.url,
  headers: {
    accept: 'application/json',
    ...(modes[i]![1] === 'auth' && { authorization: `Bearer ${servers[i]!.info.token}` }),
  },
})

const runs: Result[][] = modes.map(() => [])
for (let i = 0; i < modes.length; i++) await load('warm-up', { ...optsOf(i), duration: 2 })
for (let round = 0; round < rounds; round++)
  for (let i = 0; i < modes.length; i++) {
    const r = await load(modes[i]![0], { ...optsOf(i), duration })
    if (r.non2xx || r.errors) throw new Error(`${r.name}: ${r.non2xx} non-2xx, ${r.errors} errors`)
    runs[i]!.push(r)
  }
await Promise.all(servers.map((s) => s.stop()))

const median = (rs: Result[]) => [...rs].sort((a, b) => a.rps - b.rps)[Math.floor(rs.length / 2)]!
const results = runs.map(median)
console.log(table(results))
console.log(
  `\nper round (req/s): ${runs.map((rs, i) => `${modes[i]![1]} ${rs.map((r) => r.rps.toFixed(0)).join(' / ')}`).join('; ')}`,
)
console.log(
  `ratio (pipeline / authentication off, medians): ${(results[1]!.rps / results[0]!.rps).toFixed(2)}`,
)
