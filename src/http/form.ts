/**
 * A small urlencoded form reader: collects the body up to a limit and parses it with the platform's
 * URLSearchParams (which decodes both `+` and `%20`, as msal and openid-client send them). Repeated
 * parameters are kept as arrays so the protocol layer can refuse them. Errors are the body reader's,
 * with body-parser's `type`/`status` fields, so every surface's error renderer already knows them.
 *
 * `readFormBody` works on a bare node:http request (the token endpoint's fast path); `formBody` is the
 * same reader as express middleware, so both accept and refuse exactly the same bodies.
 */
import type { IncomingMessage } from 'node:http'
import type { RequestHandler } from 'express'
import { readRequestBody } from './body.js'
import { mediaTypeOf } from './media-type.js'

export const FORM_LIMIT = 64 * 1024

export type FormFields = Record<string, string | string[]>

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
 * ignored, so the endpoint reports the missing parameters as Entra does); rejects with a BodyTooLarge
 * when the body is over `limit` (the rest is drained) or BodyAborted when the request is aborted.
 */
export async function readFormBody(
  req: IncomingMessage,
  limit = FORM_LIMIT,
): Promise<FormFields | undefined> {
  if (mediaTypeOf(req.headers['content-type']) !== 'application/x-www-form-urlencoded') {
    req.resume()
    await new Promise((resolve) => req.on('end', resolve))
    return undefined
  }
  return parseForm((await readRequestBody(req, { limit, contentEncoding: 'decode' })).toString('utf8'))
}

export function formBody(limit = FORM_LIMIT): RequestHandler {
  return (req, _res, next) => {
    readFormBody(req, limit).then((body) => {
      if (body !== undefined) req.body = body
      next()
    }, next)
  }
}
