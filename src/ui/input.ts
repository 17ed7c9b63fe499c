/**
 * Reading request input for the UI API: a JSON object body and bounded strings. Anything else is a
 * 400 with a message naming the field, never a 5xx.
 */
import type { Request } from 'express'
import { badRequest } from './errors.js'

const MAX = 512

export function bodyOf(req: Request): Record<string, unknown> {
  const b: unknown = req.body
  if (b === undefined) return {}
  if (typeof b !== 'object' || b === null || Array.isArray(b))
    throw badRequest('the request body must be a JSON object')
  return b as Record<string, unknown>
}

export function text(b: Record<string, unknown>, key: string): string
export function text(b: Record<string, unknown>, key: string, optional: true): string | undefined
export function text(b: Record<string, unknown>, key: string, optional = false): string | undefined {
  const v = b[key]
  if ((v === undefined || v === '') && optional) return undefined
  if (typeof v !== 'string' || v.trim() === '') throw badRequest(`'${key}' must be a non-empty string`)
  if (v.length > MAX) throw badRequest(`'${key}' is longer than ${MAX} characters`)
  return v.trim()
}

export function oneOf<T extends string>(b: Record<string, unknown>, key: string, values: readonly T[]): T {
  const v = b[key]
  if (typeof v !== 'string' || !values.includes(v as T))
    throw badRequest(`'${key}' must be one of ${values.map((x) => `'${x}'`).join(', ')}`)
  return v as T
}

/** A query-string value as one string (repeated parameters are refused). */
export function query(req: Request, key: string): string | undefined {
  const v = req.query[key]
  if (v === undefined) return undefined
  if (typeof v !== 'string') throw badRequest(`query parameter '${key}' must be given once`)
  if (v.length > MAX) throw badRequest(`query parameter '${key}' is too long`)
  return v
}

/** A whole-number query parameter within [min, max]; absent → undefined; anything else is a 400. */
export function queryInt(req: Request, key: string, min: number, max: number): number | undefined {
  const v = query(req, key)
  if (v === undefined) return undefined
  const n = /^-?\d{1,16}$/.test(v) ? Number(v) : NaN
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw badRequest(`query parameter '${key}' must be a whole number from ${min} to ${max}`)
  return n
}
