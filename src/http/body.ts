/**
 * The one size-limited request body reader for handlers on bare node:http, and the errors of reading
 * a body. The errors carry body-parser's `type`/`status` fields, so an error renderer treats a body
 * this reader refused and one express's parsers refused alike; each surface decides its wire answer.
 */
import type { IncomingMessage } from 'node:http'
import type { Transform } from 'node:stream'
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'

export class BodyReadError extends Error {
  /** body-parser's error type (`entity.too.large`, `request.aborted`, `encoding.unsupported`, …). */
  readonly type: string
  /** The HTTP status a surface without a counterpart rule would answer. */
  readonly status: number
  constructor(type: string, status: number, message: string = type) {
    super(message)
    this.type = type
    this.status = status
  }
}

export class BodyTooLarge extends BodyReadError {
  readonly limit: number
  constructor(limit: number) {
    super('entity.too.large', 413)
    this.limit = limit
  }
}

export class BodyAborted extends BodyReadError {
  constructor() {
    super('request.aborted', 400)
  }
}

/** A Content-Encoding the surface does not decode (body-parser's wording). */
export class UnsupportedContentEncoding extends BodyReadError {
  readonly encoding: string
  constructor(encoding: string) {
    super('encoding.unsupported', 415, `unsupported content encoding "${encoding}"`)
    this.encoding = encoding
  }
}

/** A body whose Content-Encoding the surface decodes, but which does not decode (a corrupt gzip). */
export class CorruptContentEncoding extends BodyReadError {
  readonly encoding: string
  constructor(encoding: string) {
    super('encoding.invalid', 400, `the request body is not valid ${encoding}`)
    this.encoding = encoding
  }
}

/** The request's Content-Encoding, lower case; `identity` when none is named. */
export const contentEncodingOf = (req: IncomingMessage): string =>
  (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase() || 'identity'

export interface ReadBodyOptions {
  /**
   * Most bytes accepted; a larger body is refused with BodyTooLarge (and drained, so the answer is read).
   * For a compressed body the limit counts the decoded bytes, so a decompression bomb stops there.
   */
  limit: number
  /**
   * `identity`: refuse any other Content-Encoding with UnsupportedContentEncoding before reading.
   * `ignore`: take the bytes as sent whatever the header says — what kube-apiserver
   * (k8s.io/apiserver/pkg/endpoints/handlers/rest.go, limitedReadBody), guard and controller-runtime do.
   * `decode`: decode gzip, deflate and br as body-parser does (a body that does not decode is
   * CorruptContentEncoding); refuse any other encoding with UnsupportedContentEncoding.
   */
  contentEncoding: 'identity' | 'ignore' | 'decode'
}

/** The decoders of `contentEncoding: 'decode'`, by Content-Encoding (body-parser's set). */
const DECODERS: Readonly<Record<string, () => Transform>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
}

/** Reads the whole body, up to `limit` bytes. */
export function readRequestBody(req: IncomingMessage, o: ReadBodyOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const refuse = (err: BodyReadError) => {
      req.resume()
      reject(err)
    }
    const encoding = contentEncodingOf(req)
    const decoding = o.contentEncoding === 'decode' && encoding !== 'identity'
    if (o.contentEncoding !== 'ignore' && encoding !== 'identity' && !(decoding && DECODERS[encoding]))
      return refuse(new UnsupportedContentEncoding(encoding))
    if (Number(req.headers['content-length'] ?? 0) > o.limit) return refuse(new BodyTooLarge(o.limit))
    const decoder = decoding ? DECODERS[encoding]!() : undefined
    const chunks: Buffer[] = []
    let size = 0
    let failed = false
    const fail = (err: BodyReadError) => {
      if (failed) return
      failed = true
      chunks.length = 0
      if (decoder) {
        req.unpipe(decoder)
        decoder.destroy()
      }
      req.resume()
      reject(err)
    }
    const source = decoder ?? req
    source.on('data', (c: Buffer) => {
      if (failed) return
      size += c.length
      if (size <= o.limit) chunks.push(c)
      else fail(new BodyTooLarge(o.limit))
    })
    req.on('error', () => fail(new BodyAborted()))
    if (decoder) {
      decoder.on('error', () => fail(new CorruptContentEncoding(encoding)))
      req.pipe(decoder)
    }
    source.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks))
    })
  })
}
