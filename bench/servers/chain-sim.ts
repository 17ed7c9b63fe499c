/**
 * The whole simulator for bench/aks-chain-list.ts: bob signs in (device code), and every request goes
 * API server → TokenReview webhook (mTLS; cached by the API server after the first) → RBAC.
 */
import { writeFileSync } from 'node:fs'
import { compiled } from '../compiled.js'
import { benchPods } from './chain-pods.js'
import type * as SimulatorModule from '../../src/index.js'

const { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, demoScenario, startSimulator } =
  await compiled<typeof SimulatorModule>('index.js')

const scenario = demoScenario()
scenario.kubernetes = {
  ...scenario.kubernetes,
  objects: [...(scenario.kubernetes?.objects ?? []), ...benchPods],
}
const sim = await startSimulator({
  scenario,
  pkiDir: process.env.BENCH_PKI_DIR!,
  deviceCode: { interval: 1 },
})
const base = `${sim.endpoints.authority}/${sim.endpoints.tenantId}/oauth2/v2.0`
const form = (body: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(body),
})
const code = (await (
  await fetch(
    `${base}/devicecode`,
    form({ client_id: AKS_CLIENT_APP_ID, scope: `${AKS_SERVER_APP_ID}/.default` }),
  )
).json()) as { device_code: string; user_code: string }
sim.approveDeviceCode(code.user_code, 'bob@contoso.onmicrosoft.com')
const token = (
  (await (
    await fetch(
      `${base}/token`,
      form({ grant_type: 'device_code', client_id: AKS_CLIENT_APP_ID, device_code: code.device_code }),
    )
  ).json()) as { access_token: string }
).access_token
const url = `${sim.endpoints.apiServer as string}/api/v1/namespaces/dev/pods`
// The baseline server serves the same pods: the list as bob gets it, pods the simulator made itself
// (the pod-identity demo's) included, for chain-bare.ts to seed.
if (process.env.BENCH_POD_FILE) {
  const list = (await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json()) as {
    items: unknown[]
  }
  writeFileSync(process.env.BENCH_POD_FILE, JSON.stringify(list.items))
}
process.stdout.write(`READY ${JSON.stringify({ url, token })}\n`)
process.on('SIGTERM', () => void sim.stop().then(() => process.exit(0)))
