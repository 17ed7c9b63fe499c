/**
 * A small urlencoded form reader: collects the body up to a limit and parses it with the platform's
 * URLSearchParams (which decodes both `+` and `%20`, as msal and openid-client send them). Repeated
 * parameters are kept as arrays so the protocol layer can refuse them. Errors carry body-parser's
 * `type`/`status` fields, so every surface's error renderer already knows them.
 */
import type { RequestHandler } from 'express'

export const FORM_LIMIT = 64 * 1024

class BodyError extends Error {
  readonly type: string
  readonly status: number
  readonly limit: number
  constructor(type: string, status: number, limit: number) {
    super(type)
    this.type = type
    this.status = status
    this.limit = limit
  }
}

export function formBody(limit = FORM_LIMIT): RequestHandler {
  return (req, _res, next) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
    if (type !== 'application/x-www-form-urlencoded') {
      // Not a form: drain and ignore, so the endpoint reports the missing parameters as Entra does.
      req.resume()
      req.on('end', () => next())
      return
    }
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > limit) {
      req.resume()
      next(new BodyError('entity.too.large', 413, limit))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let failed = false
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit && !failed) {
        failed = true
        next(new BodyError('entity.too.large', 413, limit))
      } else if (!failed) chunks.push(c)
    })
    req.on('error', () => {
      if (!failed) {
        failed = true
        next(new BodyError('request.aborted', 400, limit))
      }
    })
    req.on('end', () => {
      if (failed) return
      const body: Record<string, string | string[]> = {}
      for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) {
        const prev = body[k]
        body[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v]
      }
      req.body = body
      next()
    })
  }
}
