/**
 * Every express surface answers a body that claims a compression it does not have (`Content-Encoding:
 * gzip` on plain JSON) with its own 400, never a 500 with a stack trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { adminAuthorization, startTestSimulator } from '../helpers/sim.js'

let sim: Simulator
beforeAll(async () => {
  sim = await startTestSimulator()
})
afterAll(() => sim.stop())

const gzipClaimed = async (url: string, method = 'POST') => {
  const res = await fetch(url, {
    method,
    // The admin API's token: the refusal tested is the body's, not a missing credential's.
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', ...adminAuthorization(sim) },
    body: '{"seconds":1}',
  })
  return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } }
}

describe('a plain body sent as gzip', () => {
  it('admin API: 400 invalid_body', async () => {
    const res = await gzipClaimed(`${sim.endpoints.admin}/clock/advance`)
    expect(res.status).toBe(400)
    expect(res.body.error).toEqual({
      code: 'invalid_body',
      message: 'the request body could not be read (encoding.invalid)',
    })
  })

  it('pod-identity admin routes: 400 invalid_body', async () => {
    const res = await gzipClaimed(`${sim.endpoints.admin}/pod-identity/pods`)
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('invalid_body')
  })

  it('UI API: 400 invalid_body', async () => {
    const res = await gzipClaimed(`${String(sim.endpoints.ui)}/api/clock/advance`)
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('invalid_body')
  })

  it('Graph: 400 BadRequest', async () => {
    const res = await gzipClaimed(`${String(sim.endpoints.graph)}/v1.0/directoryObjects/getByIds`)
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('BadRequest')
  })

  it('ARM: 400 InvalidRequestContent naming the encoding', async () => {
    const res = await gzipClaimed(
      `${String(sim.endpoints.arm)}/subscriptions/x/providers/Microsoft.Authorization/roleAssignments/y?api-version=2022-04-01`,
      'PUT',
    )
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ code: 'InvalidRequestContent' })
    expect(res.body.error.message).toContain('gzip')
  })
})
