/**
 * `list pods` (52 pods, JSON) through the whole chain — bearer token, the API server's TokenReview
 * cache (hit after the first request; the webhook over mTLS on a miss), Kubernetes RBAC — against the
 * same API server and list with authentication off, in the same run, alternating rounds.
 * Usage: npx tsx bench/aks-chain-list.ts [seconds per round] [rounds]
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  alternateRuns,
  benchPki,
  loadAverage,
  medianRun,
  ratioRow,
  report,
  startServer,
  table,
} from './lib.js'

const duration = Number(process.argv[2] ?? 5)
const rounds = Number(process.argv[3] ?? 3)
const { pkiDir, caFile } = await benchPki()
const env = { BENCH_PKI_DIR: pkiDir, NODE_EXTRA_CA_CERTS: caFile }
const modes = [
  ['API server, authentication off', 'bench/servers/chain-bare.ts'],
  ['whole chain: token → webhook (cached) → RBAC', 'bench/servers/chain-sim.ts'],
] as const
// The simulator first: it writes the pods it lists, so the baseline seeds the same ones.
const podFile = join(mkdtempSync(join(tmpdir(), 'aks-bench-pods-')), 'pods.json')
const sim = await startServer<{ url: string; token: string }>(modes[1][1], [], {
  ...env,
  BENCH_POD_FILE: podFile,
})
const bare = await startServer<{ url: string; token: string }>(modes[0][1], [], {
  ...env,
  BENCH_POD_FILE: podFile,
})
const servers = [bare, sim]

/** One list from a server: the pod names and the answer's size (both servers must list the same pods). */
function listOnce(i: number): Promise<{ names: string[]; bytes: number }> {
  const { url, token } = servers[i]!.info
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca: readFileSync(caFile),
        headers: { accept: 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const body = Buffer.concat(chunks)
          const list = JSON.parse(body.toString()) as { items: { metadata: { name: string } }[] }
          // A controller's pods get random name suffixes: compare them without.
          const names = list.items.map((p) => p.metadata.name.replace(/-[a-z0-9]{6,10}-[a-z0-9]{5}$/, '-…'))
          resolve({ names: names.sort(), bytes: body.length })
        })
      },
    )
    req.on('error', reject)
    req.end()
  })
}
const [bareList, simList] = await Promise.all([listOnce(0), listOnce(1)])
if (bareList.names.join() !== simList.names.join())
  throw new Error(`the servers list different pods: ${bareList.names.join()} / ${simList.names.join()}`)
console.log(
  `both servers list the same ${simList.names.length} pods: ${bareList.bytes} and ${simList.bytes} bytes`,
)
const opts = (i: number) => ({
  url: servers[i]!.info.url,
  headers: {
    accept: 'application/json',
    ...(servers[i]!.info.token && { authorization: `Bearer ${servers[i]!.info.token}` }),
  },
})
const load0 = loadAverage()
const runs = await alternateRuns(
  modes.map(([name], i) => ({ name, opts: opts(i), pid: servers[i]!.proc.pid })),
  rounds,
  duration,
)
await Promise.all(servers.map((s) => s.stop()))
for (const r of runs.flat())
  if (r.non2xx || r.errors) throw new Error(`${r.name}: ${r.non2xx} non-2xx, ${r.errors} errors`)
console.log(table(runs.map(medianRun)))
console.log(
  `\nload average before: ${load0}; after: ${loadAverage()}; ratios: median of ${rounds} per-round ratios\n`,
)
report([ratioRow(`list pods (${simList.names.length}), whole chain`, runs[1]!, runs[0]!, { min: 0.85 })])
