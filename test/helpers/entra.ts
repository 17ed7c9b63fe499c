import { expect } from 'vitest'
import type { Simulator } from '../../src/index.js'

export interface WireResponse {
  status: number
  headers: Headers
  body: any
}

export async function post(
  url: string,
  form: Record<string, string> | string,
  headers: Record<string, string> = {},
): Promise<WireResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: typeof form === 'string' ? form : new URLSearchParams(form).toString(),
  })
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // non-JSON bodies are asserted on by the caller
  }
  return { status: res.status, headers: res.headers, body }
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<WireResponse> {
  const res = await fetch(url, { headers })
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // keep text
  }
  return { status: res.status, headers: res.headers, body }
}

/** Asserts Entra's error body shape: error, AADSTS-prefixed description, numeric codes, ids, timestamp. */
export function expectEntraError(res: WireResponse, status: number, error: string, aadsts?: number): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  expect(res.body.error).toBe(error)
  expect(res.body.error_description).toMatch(
    /^AADSTS\d+: .+ Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]+ Timestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
  )
  expect(res.body.error_codes).toEqual([expect.any(Number)])
  if (aadsts !== undefined) expect(res.body.error_codes[0]).toBe(aadsts)
  expect(res.body.error_description.startsWith(`AADSTS${res.body.error_codes[0]}: `)).toBe(true)
  expect(res.body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/)
  expect(res.body.trace_id).toMatch(/^[0-9a-f-]{36}$/)
  expect(typeof res.body.correlation_id).toBe('string')
  expect(res.body.error_uri).toMatch(/\/error\?code=\d+$/)
  expect(res.headers.get('cache-control')).toBe('no-store, no-cache')
}

export function urls(sim: Simulator) {
  const t = `${sim.endpoints.authority}/${sim.endpoints.tenantId}`
  return {
    tenant: t,
    devicecode: `${t}/oauth2/v2.0/devicecode`,
    token: `${t}/oauth2/v2.0/token`,
    v1devicecode: `${t}/oauth2/devicecode`,
    v1token: `${t}/oauth2/token`,
  }
}
