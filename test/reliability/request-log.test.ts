import { request } from 'node:https'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { requestLogLine } from '../../src/http/index.js'
import { kubectl, tokenKubeconfig } from '../helpers/kubectl.js'
import { deviceCodeToken } from '../helpers/sign-in.js'
import { BOB, startTestSimulator } from '../helpers/sim.js'
import { callWebhook, tokenReview } from '../helpers/webhook.js'

let sim: Simulator
const lines: string[] = []

function postForm(url: string, form: Record<string, string>): Promise<{ status: number; body: any }> {
  const payload = new URLSearchParams(form).toString()
  return new Promise((resolve, reject) => {
    request(
      url,
      {
        method: 'POST',
        ca: sim.caPem,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      (res) => {
        let text = ''
        res.on('data', (c: Buffer) => (text += c.toString()))
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }))
      },
    )
      .on('error', reject)
      .end(payload)
  })
}

beforeAll(async () => {
  sim = await startTestSimulator({ logFormat: 'json', logSink: (line) => void lines.push(line) })
})
afterAll(() => sim.stop())

describe('--log-format json', () => {
  const secrets: string[] = []

  beforeAll(async () => {
    const token = await deviceCodeToken(sim, BOB)
    secrets.push(token, token.split('.')[1]!, token.split('.')[2]!)
    await kubectl(tokenKubeconfig(sim, { token }), ['auth', 'whoami'])
    await callWebhook(sim, '/tokenreviews', tokenReview(`${token} `))
    const webhookApp = sim.directory.application('aks-webhook')!
    const secret = webhookApp.secrets[0]!.value
    secrets.push(secret)
    const cc = await postForm(`${sim.endpoints.authority}/${sim.endpoints.tenantId}/oauth2/v2.0/token`, {
      grant_type: 'client_credentials',
      client_id: webhookApp.appId,
      client_secret: secret,
      scope: 'https://graph.microsoft.com/.default',
    })
    expect(cc.status).toBe(200)
    secrets.push(cc.body.access_token)
    // A refused secret is logged as a refusal, without the secret.
    const wrong = `wrong-${secret}`
    await postForm(`${sim.endpoints.authority}/${sim.endpoints.tenantId}/oauth2/v2.0/token`, {
      grant_type: 'client_credentials',
      client_id: webhookApp.appId,
      client_secret: wrong,
      scope: 'https://graph.microsoft.com/.default',
    })
    secrets.push(wrong)
  }, 120_000)

  it('prints one JSON object per request, with time, level, msg and service', () => {
    expect(lines.length).toBeGreaterThan(5)
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    for (const r of records) {
      expect(r).toMatchObject({ level: 'info', time: expect.any(String), service: expect.any(String) })
      expect(['request.completed', 'token_review.completed', 'subject_access_review.completed']).toContain(
        r.msg,
      )
    }
    const services = new Set(records.map((r) => r.service))
    for (const s of ['entra', 'apiserver', 'webhook']) expect(services).toContain(s)
    expect(records).toContainEqual(
      expect.objectContaining({ msg: 'token_review.completed', outcome: 'rejected', reason: 'malformed' }),
    )
    expect(records).toContainEqual(
      expect.objectContaining({ msg: 'request.completed', service: 'entra', method: 'POST', status: 401 }),
    )
  })

  it('never prints a token or a secret', () => {
    const all = lines.join('\n')
    for (const s of secrets) expect(all).not.toContain(s)
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/)
    expect(all).not.toMatch(/1\.ASIAQ/)
  })
})

describe('requestLogLine: the second lock', () => {
  const event = (data: Record<string, unknown>) => ({
    id: 1,
    time: '2026-01-01T00:00:00.000Z',
    type: 'request.completed',
    service: 'entra',
    data,
  })
  it('redacts token-shaped values and secret-named members, in JSON and in text', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'
    const data = {
      method: 'POST',
      path: `/x/${jwt}`,
      status: 400,
      reason: 'bad',
      detail: { client_secret: 's3cr3t', nested: [`1.ASIAQ${'A'.repeat(20)}`] },
    }
    const json = requestLogLine(event(data), 'json')!
    expect(JSON.parse(json)).toMatchObject({
      path: '/x/<redacted>',
      detail: { client_secret: '<redacted>', nested: ['<redacted>'] },
    })
    const text = requestLogLine(event(data), 'text')!
    expect(text).toBe('2026-01-01T00:00:00.000Z entra POST /x/<redacted> 400 bad')
    expect(requestLogLine({ ...event(data), type: 'keys.rotated' }, 'json')).toBeUndefined()
  })
})
