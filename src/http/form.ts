/**
 * A small urlencoded form reader: collects the body up to a limit and parses it with the platform's
 * URLSearchParams (which decodes both `+` and `%20`, as msal and openid-client send them). Repeated
 * parameters are kept as arrays so the protocol layer can refuse them. Errors carry body-parser's
 * `type`/`status` fields, so every surface's error renderer already knows them.
 *
 * `readFormBody` works on a bare node:http request (the token endpoint's fast path); `formBody` is the
 * same reader as express middleware, so both accept and refuse exactly the same bodies.
 */
import type { IncomingMessage } from 'node:http'
import type { RequestHandler } from 'express'
import { mediaTypeOf } from './media-type.js'

export const FORM_LIMIT = 64 * 1024

export type FormFields = Record<string, string | string[]>

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

function parseForm(text: string): FormFields {
  const body: FormFields = {}
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = body[k]
    body[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v]
  }
  return body
}

/**
 * Reads an urlencoded body. Resolves `undefined` for any other content type (the body is drained and
 * ignored, so the endpoint reports the missing parameters as Entra does); rejects with a BodyError when
 * the body is over `limit` (the rest is drained) or the request is aborted.
 */
export function readFormBody(req: IncomingMessage, limit = FORM_LIMIT): Promise<FormFields | undefined> {
  return new Promise((resolve, reject) => {
    const type = mediaTypeOf(req.headers['content-type'])
    if (type !== 'application/x-www-form-urlencoded') {
      req.resume()
      req.on('end', () => resolve(undefined))
      return
    }
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > limit) {
      req.resume()
      reject(new BodyError('entity.too.large', 413, limit))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let failed = false
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit && !failed) {
        failed = true
        reject(new BodyError('entity.too.large', 413, limit))
      } else if (!failed) chunks.push(c)
    })
    req.on('error', () => {
      if (!failed) {
        failed = true
        reject(new BodyError('request.aborted', 400, limit))
      }
    })
    req.on('end', () => {
      if (failed) return
      resolve(parseForm((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8')))
    })
  })
}

export function formBody(limit = FORM_LIMIT): RequestHandler {
  return (req, _res, next) => {
    readFormBody(req, limit).then((body) => {
      if (body !== undefined) req.body = body
      next()
    }, next)
  }
}
