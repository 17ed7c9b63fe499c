import { expect } from 'vitest'
import type { Simulator } from '../../src/index.js'

export const SUB = '00000000-0000-0000-0000-000000000001'
export const RG = 'rg-aks-demo'
export const CLUSTER = 'aks-demo'
export const CLUSTER_PATH = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/${CLUSTER}`
export const API = 'api-version=2024-09-01'
export const RA_API = 'api-version=2022-04-01'

export interface ArmResponse {
  status: number
  headers: Headers
  body: any
}

export async function arm(
  sim: Simulator,
  method: string,
  path: string,
  opts: {
    token?: string
    authorization?: string
    body?: unknown
    rawBody?: string
    contentType?: string
  } = {},
): Promise<ArmResponse> {
  const headers: Record<string, string> = {}
  if (opts.authorization !== undefined) headers.authorization = opts.authorization
  else if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`
  let body: string | undefined
  if (opts.rawBody !== undefined) body = opts.rawBody
  else if (opts.body !== undefined) body = JSON.stringify(opts.body)
  if (body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json'
  const res = await fetch(`${sim.endpoints.arm as string}${path}`, {
    method,
    headers,
    ...(body !== undefined && { body }),
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    // asserted by the caller
  }
  return { status: res.status, headers: res.headers, body: parsed }
}

/** ARM's error shape: exactly `{"error":{"code","message"}}`, JSON, with a request id. */
export function expectArmError(
  res: ArmResponse,
  status: number,
  code: string,
  message?: string | RegExp,
): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  expect(Object.keys(res.body)).toEqual(['error'])
  expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message'])
  expect(res.body.error.code).toBe(code)
  expect(res.headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  if (typeof message === 'string') expect(res.body.error.message).toBe(message)
  else if (message) expect(res.body.error.message).toMatch(message)
}

export const authorizationFailed = (upn: string, oid: string, action: string, scope: string) =>
  `The client '${upn}' with object id '${oid}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`
