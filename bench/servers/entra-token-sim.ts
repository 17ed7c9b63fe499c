/**
 * The simulator for the token benchmark (the whole simulator, started as `start` starts it), and a small
 * control listener that hands out what each grant needs, outside the measured rounds:
 *
 * - `POST <control>/codes`: a batch of approved device codes (made through the simulator's own
 *   /devicecode endpoint and the approve control). The simulator keeps at most 5,000 live device codes
 *   per client id and address, redeemed ones included (they stay until they expire, so a replay gets a
 *   precise error), so a batch is asked for from several loopback source addresses (127.0.0.2, .3, …),
 *   at most 4,800 codes from each; before each batch the simulator clock jumps past the previous
 *   batch's retention, which lets the store sweep it; the jump happens between runs, never while one is
 *   measured.
 * - `POST <control>/refresh?n=N`: N refresh tokens (device-code sign-ins of bob); refresh tokens rotate,
 *   so each load-generator connection starts a chain with one and goes on with each answer's successor.
 *
 * READY carries one answer of each grant, from which the bare signer takes the exact response shape.
 */
import { createServer } from 'node:http'
import { request } from 'node:https'
import type { AddressInfo } from 'node:net'
import { compiled } from '../compiled.js'
import type * as SimulatorModule from '../../src/index.js'

const { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, demoScenario, startSimulator } =
  await compiled<typeof SimulatorModule>('index.js')

/** Codes per batch: one measured round (or the 2-second warm-up) at up to this many redemptions a second. */
const batchSize = Number(process.argv[2] ?? 4800)
const PER_SOURCE = 4800
const EXPIRES_IN = 900
const sim = await startSimulator({
  pkiDir: process.env.BENCH_PKI_DIR!,
  deviceCode: { interval: 1, expiresIn: EXPIRES_IN },
})
const base = `${sim.endpoints.authority}/${sim.endpoints.tenantId}/oauth2/v2.0`
const form = { 'content-type': 'application/x-www-form-urlencoded' }
// The webhook's own Graph sign-in: its application and secret from the demo tenant.
const webhookApp = demoScenario().applications!.find((a) => a.name === 'aks-webhook')!
const clientCredentials = {
  grant_type: 'client_credentials',
  client_id: webhookApp.appId,
  client_secret: webhookApp.secrets![0]!.value,
  scope: 'https://graph.microsoft.com/.default',
}

async function post(url: string, body: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: form, body: new URLSearchParams(body) })
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as Record<string, unknown>
}

/** POST from a given loopback source address (the device-code limit is per client id and address). */
function postFrom(localAddress: string, url: string, body: Record<string, string>) {
  return new Promise<Record<string, unknown>>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: form, localAddress }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(JSON.parse(text) as Record<string, unknown>)
          : reject(new Error(`${url} answered ${res.statusCode}: ${text}`)),
      )
    })
    req.on('error', reject)
    req.end(new URLSearchParams(body).toString())
  })
}

async function newCode(source = '127.0.0.1'): Promise<string> {
  const body = await postFrom(source, `${base}/devicecode`, {
    client_id: AKS_CLIENT_APP_ID,
    scope: `${AKS_SERVER_APP_ID}/.default openid profile offline_access`,
  })
  sim.approveDeviceCode(body.user_code as string, 'bob@contoso.onmicrosoft.com')
  return body.device_code as string
}

const redeem = (code: string) =>
  post(`${base}/token`, { grant_type: 'device_code', client_id: AKS_CLIENT_APP_ID, device_code: code })

let batches = 0
async function batch(n: number): Promise<string[]> {
  // Past expiry plus the one-hour replay retention: every earlier code is swept on the next create.
  if (batches++ > 0) sim.advanceClock(EXPIRES_IN + 3600 + 60)
  const codes: string[] = []
  const worker = async () => {
    while (codes.length < n) {
      const i = codes.push('') - 1
      codes[i] = await newCode(`127.0.0.${2 + Math.floor(i / PER_SOURCE)}`)
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  return codes.slice(0, n)
}

async function refreshTokens(n: number): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < n; i++) out.push((await redeem(await newCode())).refresh_token as string)
  return out
}

// One answer of each grant: the bare signer answers the same shape with the same claims.
const firstCode = (await batch(1))[0]!
const samples = {
  device_code: await redeem(firstCode),
  refresh_token: await post(`${base}/token`, {
    grant_type: 'refresh_token',
    client_id: AKS_CLIENT_APP_ID,
    scope: `${AKS_SERVER_APP_ID}/.default openid profile offline_access`,
    refresh_token: (await refreshTokens(1))[0]!,
  }),
  client_credentials: await post(`${base}/token`, clientCredentials),
}

const control = createServer((req, res) => {
  req.resume()
  const url = new URL(req.url ?? '/', 'http://control')
  const work =
    url.pathname === '/refresh' ? refreshTokens(Number(url.searchParams.get('n') ?? 8)) : batch(batchSize)
  work.then(
    (items) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(items))
    },
    (err: unknown) => {
      res.writeHead(500)
      res.end(String(err))
    },
  )
})
control.listen(0, '127.0.0.1', () => {
  const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`
  process.stdout.write(
    `READY ${JSON.stringify({ url: `${base}/token`, controlUrl, batchSize, clientCredentials, samples, codeLength: firstCode.length })}\n`,
  )
})
process.on('SIGTERM', () => {
  control.close()
  void sim.stop().then(() => process.exit(0))
})
