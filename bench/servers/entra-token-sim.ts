/**
 * The simulator for the token benchmark: starts it in memory, prepares N approved device codes
 * (through its own /devicecode endpoint and the approve control), and reports them.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, startSimulator } from '../../src/index.js'

const count = Number(process.argv[2] ?? 5000)
const sim = await startSimulator({ pkiDir: process.env.BENCH_PKI_DIR!, deviceCode: { interval: 1 } })
const base = `${sim.endpoints.authority}/${sim.endpoints.tenantId}/oauth2/v2.0`
const codes: string[] = []
for (let i = 0; i < count; i++) {
  const res = await fetch(`${base}/devicecode`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: AKS_CLIENT_APP_ID,
      scope: `${AKS_SERVER_APP_ID}/.default openid profile`,
    }),
  })
  const body = (await res.json()) as { device_code: string; user_code: string }
  sim.approveDeviceCode(body.user_code, 'bob@contoso.onmicrosoft.com')
  codes.push(body.device_code)
}
// One redemption to show the bare server the exact claims it must sign.
const sample = (await (
  await fetch(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'device_code',
      client_id: AKS_CLIENT_APP_ID,
      device_code: codes.pop()!,
    }),
  })
).json()) as { access_token: string; id_token: string }
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as unknown
const file = join(tmpdir(), `aks-bench-codes-${process.pid}.json`)
writeFileSync(file, JSON.stringify(codes))
process.stdout.write(
  `READY ${JSON.stringify({ url: `${base}/token`, codesFile: file, accessClaims: claims(sample.access_token), idClaims: claims(sample.id_token) })}\n`,
)
process.on('SIGTERM', () => void sim.stop().then(() => process.exit(0)))
