/**
 * The whole simulator for bench/reliability-load.ts, in its own process so its RSS is measured alone:
 * every device code is approved as bob at once (autoApprove), and the device codes live long enough
 * for 500 concurrent sign-ins.
 */
import { startSimulator } from '../../src/index.js'

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
