/**
 * The simulator for the token benchmark: starts it in memory and hands out approved device codes
 * (made through its own /devicecode endpoint and the approve control) in batches, one batch per
 * measured run, through a small control listener (`POST <controlUrl>/codes`).
 *
 * Why batches: the simulator keeps at most 10,000 device codes, redeemed ones included (they stay an
 * hour so a replay gets a precise error), so one pool cannot feed a run at more than ~700 req/s. Before
 * each batch the simulator clock jumps past the previous batch's retention, which lets the store
 * sweep it; the jump happens between runs, never while one is measured.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, startSimulator } from '../../src/index.js'

const batchSize = Number(process.argv[2] ?? 9800)
const EXPIRES_IN = 900
const sim = await startSimulator({
  pkiDir: process.env.BENCH_PKI_DIR!,
  deviceCode: { interval: 1, expiresIn: EXPIRES_IN },
})
const base = `${sim.endpoints.authority}/${sim.endpoints.tenantId}/oauth2/v2.0`
const form = { 'content-type': 'application/x-www-form-urlencoded' }

async function newCode(): Promise<string> {
  const res = await fetch(`${base}/devicecode`, {
    method: 'POST',
    headers: form,
    body: new URLSearchParams({
      client_id: AKS_CLIENT_APP_ID,
      scope: `${AKS_SERVER_APP_ID}/.default openid profile`,
    }),
  })
  if (res.status !== 200) throw new Error(`/devicecode answered ${res.status}: ${await res.text()}`)
  const body = (await res.json()) as { device_code: string; user_code: string }
  sim.approveDeviceCode(body.user_code, 'bob@contoso.onmicrosoft.com')
  return body.device_code
}

let batches = 0
async function batch(n: number): Promise<string[]> {
  // Past expiry plus the one-hour replay retention: every earlier code is swept on the next create.
  if (batches++ > 0) sim.advanceClock(EXPIRES_IN + 3600 + 60)
  const codes: string[] = []
  const worker = async () => {
    while (codes.length < n) {
      const i = codes.push('') - 1
      codes[i] = await newCode()
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  return codes.slice(0, n)
}

// One redemption to show the bare server the exact claims it must sign.
const [sampleCode] = await batch(1)
const sample = (await (
  await fetch(`${base}/token`, {
    method: 'POST',
    headers: form,
    body: new URLSearchParams({
      grant_type: 'device_code',
      client_id: AKS_CLIENT_APP_ID,
      device_code: sampleCode!,
    }),
  })
).json()) as { access_token: string; id_token: string }
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as unknown

const control = createServer((req, res) => {
  req.resume()
  batch(batchSize).then(
    (codes) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(codes))
    },
    (err: unknown) => {
      res.writeHead(500)
      res.end(String(err))
    },
  )
})
control.listen(0, '127.0.0.1', () => {
  const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}/codes`
  process.stdout.write(
    `READY ${JSON.stringify({ url: `${base}/token`, controlUrl, batchSize, accessClaims: claims(sample.access_token), idClaims: claims(sample.id_token) })}\n`,
  )
})
process.on('SIGTERM', () => {
  control.close()
  void sim.stop().then(() => process.exit(0))
})
