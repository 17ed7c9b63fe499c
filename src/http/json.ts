/**
 * express's body parsers (body-parser) as every express surface uses them. body-parser decodes gzip,
 * deflate and br bodies and refuses other Content-Encodings with 415 `encoding.unsupported`; a body that
 * claims a compression it does not have fails inside zlib with no `type`, which every surface's renderer
 * would take for a bug (a 500). Here that failure becomes CorruptContentEncoding, a client error.
 */
import express, { type RequestHandler } from 'express'
import { contentEncodingOf, CorruptContentEncoding } from './body.js'

function withTypedErrors(parser: RequestHandler): RequestHandler {
  return (req, res, next) =>
    parser(req, res, (err?: unknown) => {
      const untyped = err instanceof Error && typeof (err as { type?: unknown }).type !== 'string'
      const encoding = contentEncodingOf(req)
      next(untyped && encoding !== 'identity' ? new CorruptContentEncoding(encoding) : err)
    })
}

export const jsonBody = (limit = '1mb'): RequestHandler =>
  withTypedErrors(express.json({ limit, strict: false, type: ['application/json', 'application/*+json'] }))

/** Any body as raw bytes; the surface decides what it can read. */
export const rawBody = (limit: string | number): RequestHandler =>
  withTypedErrors(express.raw({ type: () => true, limit }))

/** Waits `ms` milliseconds (fault-injected latency). */
export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
