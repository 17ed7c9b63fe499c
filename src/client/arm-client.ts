/**
 * Calls to the (mock) Azure Resource Manager with the signed-in user's ARM token, and az's way of
 * showing ARM errors: `(Code) Message` then `Code: …` and `Message: …` lines.
 */
import { HttpError } from '../http/index.js'
import { SignInError, toSignInError } from './errors.js'
import type { Fetch } from './http.js'

export class ArmCallError extends HttpError {
  readonly armMessage: string
  constructor(status: number, code: string, message: string) {
    super(status, code, `(${code}) ${message}\nCode: ${code}\nMessage: ${message}`)
    this.name = 'ArmCallError'
    this.armMessage = message
  }
}

export async function armRequest<T = unknown>(
  o: { arm: string; token: string; fetch: Fetch; timeoutMs?: number },
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T | undefined }> {
  let res: Response
  try {
    res = await o.fetch(`${o.arm}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${o.token}`,
        accept: 'application/json',
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(o.timeoutMs ?? 60_000),
    })
  } catch (err) {
    throw toSignInError(err, `Azure Resource Manager ${method}`)
  }
  const text = await res.text()
  let parsed: unknown
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    throw new SignInError(
      'rejected',
      `Azure Resource Manager answered HTTP ${res.status} with a body that is not JSON`,
    )
  }
  if (res.status >= 400) {
    const e = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error
    throw new ArmCallError(
      res.status,
      typeof e?.code === 'string' ? e.code : `HTTP${res.status}`,
      typeof e?.message === 'string' ? e.message : `Operation returned an invalid status code ${res.status}`,
    )
  }
  return { status: res.status, body: parsed as T | undefined }
}
