/** Reading a registry request: Basic credentials, bodies within limits, paging parameters, `Link` headers. */
import type { Request } from 'express'
import { readRequestBody } from '../http/index.js'
import { BadRequest, BodyTooLargeError, PaginationInvalid } from './errors.js'

export const MANIFEST_LIMIT = 4 * 1024 * 1024
export const BLOB_LIMIT = 256 * 1024 * 1024
export const FORM_LIMIT = 64 * 1024

export function basicOf(header: string | undefined): { username: string; password: string } | undefined {
  const m = /^Basic +([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '')
  if (!m) return undefined
  const text = Buffer.from(m[1]!, 'base64').toString('utf8')
  const i = text.indexOf(':')
  if (i < 0) return undefined
  return { username: text.slice(0, i), password: text.slice(i + 1) }
}

export const pageSize = (v: unknown): number | undefined => {
  if (v === undefined || v === '') return undefined
  const n = Number(v)
  if (typeof v !== 'string' || !/^\d+$/.test(v) || n < 1 || n > 1000) throw new PaginationInvalid()
  return n
}
export const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

export function nextLink(path: string, params: Record<string, string>): string {
  return `<${path}?${new URLSearchParams(params).toString()}>; rel="next"`
}

export async function body(req: Request, limit: number): Promise<Buffer> {
  try {
    return await readRequestBody(req, { limit, contentEncoding: 'ignore' })
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') throw new BodyTooLargeError()
    throw new BadRequest('the request body could not be read')
  }
}

export async function jsonOf(req: Request): Promise<unknown> {
  const raw = await body(req, 64 * 1024)
  try {
    return JSON.parse(raw.toString('utf8'))
  } catch {
    throw new BadRequest('the request body is not JSON')
  }
}
