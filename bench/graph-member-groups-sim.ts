/**
 * The simulator for the Graph HTTP benchmark: a synthetic tenant (argv: groups depth filler), an
 * app-only Graph token obtained from its own token endpoint, and the getMemberGroups URL.
 */
import { compiled } from './compiled.js'
import { BENCH_APP, SYNTH_UPN, syntheticScenario } from './graph-synthetic.js'
import type * as SimulatorModule from '../src/index.js'

const { startSimulator } = await compiled<typeof SimulatorModule>('index.js')

const [groups, depth, filler] = process.argv.slice(2).map(Number)
const sim = await startSimulator({
  pkiDir: process.env.BENCH_PKI_DIR!,
  scenario: syntheticScenario(groups ?? 1000, depth ?? 5, filler ?? 0),
})
const res = await fetch(`${sim.endpoints.authority}/${sim.endpoints.tenantId}/oauth2/v2.0/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: BENCH_APP.appId,
    client_secret: BENCH_APP.secret,
    scope: 'https://graph.microsoft.com/.default',
  }),
})
const { access_token: token } = (await res.json()) as { access_token: string }
const url = `${sim.endpoints.graph as string}/v1.0/users/${encodeURIComponent(SYNTH_UPN)}/getMemberGroups`
const jwks = await (await fetch(`${sim.endpoints.authority}/${sim.endpoints.tenantId}/discovery/keys`)).json()
process.stdout.write(`READY ${JSON.stringify({ url, token, jwks })}\n`)
process.on('SIGTERM', () => void sim.stop().then(() => process.exit(0)))
