/**
 * The shared body reader and express parsers in process, through supertest (no listener): limits,
 * Content-Encoding refused or taken as sent, and a body that claims a compression it does not have
 * reported as a typed client error, never a bare zlib error.
 */
import { gzipSync } from 'node:zlib'
import type { IncomingMessage, ServerResponse } from 'node:http'
import express, { type ErrorRequestHandler } from 'express'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import {
  BodyReadError,
  jsonBody,
  rawBody,
  readFormBody,
  readRequestBody,
  type ReadBodyOptions,
} from '../../src/http/index.js'

/** A bare node:http handler answering what the reader made of the body. */
const reader = (o: ReadBodyOptions) => (req: IncomingMessage, res: ServerResponse) => {
  const answer = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  readRequestBody(req, o).then(
    (buf) => answer(200, { text: buf.toString('utf8') }),
    (err: unknown) =>
      err instanceof BodyReadError
        ? answer(err.status, { type: err.type, message: err.message, class: err.constructor.name })
        : answer(500, {}),
  )
}

describe('readRequestBody', () => {
  it('reads a body up to the limit', async () => {
    const res = await request(reader({ limit: 5, contentEncoding: 'identity' }))
      .post('/')
      .send('hello')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ text: 'hello' })
  })

  it('refuses a body over the limit, declared or streamed, with BodyTooLarge (413)', async () => {
    const handler = reader({ limit: 4, contentEncoding: 'identity' })
    const declared = await request(handler).post('/').send('hello')
    expect(declared.status).toBe(413)
    expect(declared.body).toMatchObject({ type: 'entity.too.large', class: 'BodyTooLarge' })
    const streamed = request(handler).post('/').set('transfer-encoding', 'chunked')
    streamed.write('hel')
    streamed.write('lo!')
    const res = await streamed
    expect(res.status).toBe(413)
    expect(res.body).toMatchObject({ type: 'entity.too.large' })
  })

  it("refuses any Content-Encoding but identity when the surface decodes none, with the encoding's name", async () => {
    const handler = reader({ limit: 1024, contentEncoding: 'identity' })
    for (const encoding of ['gzip', 'br', 'x-unknown']) {
      const res = await request(handler).post('/').set('content-encoding', encoding).send('{"a":1}')
      expect(res.status).toBe(415)
      expect(res.body).toEqual({
        type: 'encoding.unsupported',
        message: `unsupported content encoding "${encoding}"`,
        class: 'UnsupportedContentEncoding',
      })
    }
    const identity = await request(handler).post('/').set('content-encoding', 'Identity').send('x')
    expect(identity.status).toBe(200)
  })

  it('takes the bytes as sent when the surface ignores Content-Encoding (as kube-apiserver does)', async () => {
    const res = await request(reader({ limit: 1024, contentEncoding: 'ignore' }))
      .post('/')
      .set('content-encoding', 'gzip')
      .send('plain')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ text: 'plain' })
  })

  it('reads forms with the same reader and limit', async () => {
    const handler = (req: IncomingMessage, res: ServerResponse) =>
      readFormBody(req, 16).then(
        (form) => res.end(JSON.stringify(form ?? null)),
        (err: BodyReadError) => res.writeHead(err.status).end(err.type),
      )
    const ok = await request(handler).post('/').type('form').send('a=1&a=2&b=%20')
    expect(JSON.parse(ok.text)).toEqual({ a: ['1', '2'], b: ' ' })
    const other = await request(handler).post('/').type('json').send('{"a":1}')
    expect(other.text).toBe('null')
    const big = await request(handler)
      .post('/')
      .type('form')
      .send(`a=${'x'.repeat(20)}`)
    expect(big.status).toBe(413)
    expect(big.text).toBe('entity.too.large')
  })
})

describe('express body parsers', () => {
  const app = express()
  app.post('/json', jsonBody('1kb'), (req, res) => void res.json({ body: req.body as unknown }))
  app.post('/raw', rawBody('1kb'), (req, res) => void res.json({ bytes: (req.body as Buffer).length }))
  const onError: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    const e = err as { type?: unknown; status?: unknown; message?: string; constructor: { name: string } }
    res.status(599).json({ type: e.type, status: e.status, message: e.message, class: e.constructor.name })
  }
  app.use(onError)

  it('decode gzip bodies as body-parser does', async () => {
    const sent = request(app)
      .post('/json')
      .set('content-type', 'application/json')
      .set('content-encoding', 'gzip')
    // Written, not sent: superagent would serialise a Buffer as JSON.
    sent.write(gzipSync('{"seconds":1}'))
    const res = await sent
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ body: { seconds: 1 } })
  })

  it('report a body that is not the compression it claims as CorruptContentEncoding, a 400', async () => {
    for (const path of ['/json', '/raw']) {
      const res = await request(app)
        .post(path)
        .set('content-type', 'application/json')
        .set('content-encoding', 'gzip')
        .send('{"seconds":1}')
      expect(res.body).toEqual({
        type: 'encoding.invalid',
        status: 400,
        message: 'the request body is not valid gzip',
        class: 'CorruptContentEncoding',
      })
    }
  })

  it("keep body-parser's own errors: unknown encodings (415) and oversized bodies (413)", async () => {
    const unknown = await request(app)
      .post('/json')
      .set('content-type', 'application/json')
      .set('content-encoding', 'x-unknown')
      .send('{}')
    expect(unknown.body).toMatchObject({ type: 'encoding.unsupported', status: 415 })
    const big = await request(app)
      .post('/raw')
      .set('content-type', 'application/octet-stream')
      .send('x'.repeat(2000))
    expect(big.body).toMatchObject({ type: 'entity.too.large', status: 413 })
  })
})
