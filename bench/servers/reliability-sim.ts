/**
 * The whole simulator for bench/reliability-load.ts, in its own process so its RSS is measured alone:
 * every device code is approved as bob at once (autoApprove), and the device codes live long enough
 * for 500 concurrent sign-ins.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { startSimulator } from '../../src/index.js'

// SIGUSR2 runs a full garbage collection, so the benchmark can tell live memory from garbage not yet collected.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
process.on('SIGUSR2', () => gc())

const sim = await startSimulator({
  pkiDir: process.env.BENCH_PKI_DIR!,
  autoApprove: 'bob@contoso.onmicrosoft.com',
  deviceCode: { interval: 1 },
})
process.on('SIGTERM', () => void sim.stop().then(() => process.exit(0)))
process.stdout.write(
  `READY ${JSON.stringify({
    pid: process.pid,
    authority: sim.endpoints.authority,
    tenantId: sim.endpoints.tenantId,
    apiServer: sim.endpoints.apiServer,
    admin: sim.endpoints.admin,
  })}\n`,
)
