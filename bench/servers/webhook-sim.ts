/**
 * The simulator for the TokenReview benchmark: starts it (webhook cache on or off), signs bob in
 * through the device code flow, and reports the webhook URL, the token and the API server's client
 * certificate.
 */
import { compiled } from '../compiled.js'
import type * as SimulatorModule from '../../src/index.js'

const { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, startSimulator } =
  await compiled<typeof SimulatorModule>('index.js')

const cacheTtlSeconds = Number(process.argv[2] ?? 0)
const sim = await startSimulator({
  pkiDir: process.env.BENCH_PKI_DIR!,
  deviceCode: { interval: 1 },
  webhook: { cacheTtlSeconds },
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
).json()) as {
  device_code: string
  user_code: string
}
sim.approveDeviceCode(code.user_code, 'bob@contoso.onmicrosoft.com')
const token = (
  (await (
    await fetch(
      `${base}/token`,
      form({ grant_type: 'device_code', client_id: AKS_CLIENT_APP_ID, device_code: code.device_code }),
    )
  ).json()) as { access_token: string }
).access_token
const cert = await sim.pki.clientCert('kube-apiserver-webhook-client', { cn: 'kube-apiserver', o: ['azure'] })
const jwksUrl = `${sim.endpoints.authority}/${sim.endpoints.tenantId}/discovery/keys`
process.stdout.write(
  `READY ${JSON.stringify({ url: (sim.endpoints as unknown as { webhook: { authenticate: string } }).webhook.authenticate, token, cert: cert.certPem, key: cert.keyPem, jwks: await (await fetch(jwksUrl)).json(), issuer: `${sim.endpoints.authority}/${sim.endpoints.tenantId}/` })}\n`,
)
process.on('SIGTERM', () => void sim.stop().then(() => process.exit(0)))
