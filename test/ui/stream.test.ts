/**
 * The event stream under load: many clients get every frame; a client that stops reading is dropped
 * once its unsent bytes pass the limit instead of growing the server's memory; keep-alive comments
 * flow on idle streams; the client cap answers 503; a long session keeps the flow store, the
 * correlation buffers and each client's buffer bounded.
 */
import { createServer, get, type IncomingMessage, type Server } from 'node:http'
import { connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createEventBus } from '../../src/kernel/events.js'
import { createFlowStore } from '../../src/ui/flows/store.js'
import { createFlowTracker } from '../../src/ui/flows/tracker.js'
import { createStreamHub, type StreamHub, type StreamLimits } from '../../src/ui/stream.js'

let server: Server | undefined
let hub: StreamHub | undefined
const sockets: Socket[] = []
const responses: IncomingMessage[] = []

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy()
  for (const r of responses.splice(0)) r.destroy()
  hub?.close()
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
  server = undefined
})

async function startHub(limits: Partial<StreamLimits>): Promise<{ port: number; hub: StreamHub }> {
  const h = createStreamHub(limits)
  hub = h
  server = createServer((req, res) => void h.attach(req, res, [{ event: 'hello', data: {} }]))
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()))
  return { port: (server.address() as AddressInfo).port, hub: h }
}

/** A reading client that counts frames of one event type and remembers the last data line. */
function reader(port: number) {
  const seen = { frames: 0, comments: 0, last: '', status: 0, ended: false }
  let buffer = ''
  const ready = new Promise<void>((resolve) => {
    get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      responses.push(res)
      seen.status = res.statusCode ?? 0
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buffer += chunk
        let i
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, i)
          buffer = buffer.slice(i + 2)
          if (frame.startsWith(':')) seen.comments++
          else if (frame.includes('event: tick')) {
            seen.frames++
            seen.last = frame.split('data: ')[1] ?? ''
          }
        }
      })
      res.on('end', () => (seen.ended = true))
      resolve()
    })
  })
  return { seen, ready }
}

/** A client that sends its request and then never reads a byte. */
function stalled(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
      s.pause()
      resolve(s)
    })
    sockets.push(s)
  })
}

const tick = () => new Promise((r) => setImmediate(r))

describe('event stream hub', () => {
  it('delivers every frame to 100 clients and drops the two that stopped reading', async () => {
    const { port, hub } = await startHub({ maxBufferedBytes: 256 * 1024, heartbeatMs: 60_000 })
    const readers = Array.from({ length: 100 }, () => reader(port))
    await Promise.all(readers.map((r) => r.ready))
    await stalled(port)
    await stalled(port)
    await expect.poll(() => hub.stats().clients).toBe(102)

    // 16 MiB in 4 KiB frames: far more than the socket buffers of a stalled client can absorb.
    const payload = 'x'.repeat(4096)
    const frames = 4096
    let maxBuffered = 0
    for (let i = 1; i <= frames; i++) {
      hub.broadcast({ id: i, event: 'tick', data: { i, payload } })
      maxBuffered = Math.max(maxBuffered, hub.stats().maxBuffered)
      if (i % 16 === 0) await tick()
    }
    await expect.poll(() => readers.every((r) => r.seen.frames === frames), { timeout: 30_000 }).toBe(true)
    expect(readers.every((r) => JSON.parse(r.seen.last).i === frames)).toBe(true)
    const stats = hub.stats()
    expect(stats.dropped).toBe(2)
    expect(stats.clients).toBe(100)
    // No connected client ever held more than the limit plus one frame.
    expect(maxBuffered).toBeLessThanOrEqual(256 * 1024 + 4200)
  })

  it('keeps idle streams alive with comments, and refuses clients beyond the cap', async () => {
    const { port, hub } = await startHub({ maxClients: 3, heartbeatMs: 20 })
    const clients = [reader(port), reader(port), reader(port)]
    await Promise.all(clients.map((c) => c.ready))
    await expect.poll(() => clients.every((c) => c.seen.comments >= 2)).toBe(true)
    const fourth = reader(port)
    await fourth.ready
    expect(fourth.seen.status).toBe(503)
    expect(hub.stats()).toMatchObject({ clients: 3, refused: 1 })
    // A client that leaves frees its place.
    responses[0]!.destroy()
    await expect.poll(() => hub.stats().clients).toBe(2)
    const fifth = reader(port)
    await fifth.ready
    expect(fifth.seen.status).toBe(200)
  })
})

describe('a long session', () => {
  it('keeps flows, correlation buffers and removals bounded over 45 000 events', () => {
    let now = Date.parse('2026-01-01T00:00:00Z')
    const bus = createEventBus(() => now, 1000)
    const store = createFlowStore(200, 64)
    const tracker = createFlowTracker({ store })
    bus.subscribe((e) => tracker.ingest(e))
    for (let i = 0; i < 10_000; i++) {
      now += 3
      const user = `user${i % 50}@contoso.example`
      bus.emit('request.completed', 'graph', {
        method: 'POST',
        path: '/v1.0/users/x/getMemberGroups',
        status: 200,
        durationMs: 1,
      })
      bus.emit('token_review.completed', 'webhook', {
        outcome: 'authenticated',
        user,
        groups: 2,
        durationMs: 2,
        status: 200,
      })
      bus.emit('subject_access_review.completed', 'webhook', {
        user,
        attributes: { verb: 'list', resource: 'pods', namespace: 'dev' },
        outcome: i % 3 ? 'allowed' : 'denied',
        reason: 'r',
        status: 200,
      })
      // Every other request is the API server's, claiming the reviews above (the rest stay orphans).
      if (i % 2)
        bus.emit('request.completed', 'apiserver', {
          method: 'GET',
          path: '/api/v1/namespaces/dev/pods',
          status: 200,
          durationMs: 2,
          verb: 'list',
          resource: 'pods',
          namespace: 'dev',
          user,
          authentication: {
            method: 'webhook',
            steps: [{ authenticator: 'webhook', outcome: 'authenticated', user }],
          },
          authorization: { decision: 'Allow', reason: '', detail: { decidedBy: 'Webhook' } },
        })
      bus.emit('clock.advanced', 'admin', { seconds: 0 })
    }
    expect(store.size()).toBeLessThanOrEqual(200)
    for (const [name, size] of Object.entries(tracker.buffers())) expect(size, name).toBeLessThanOrEqual(1000)
    expect(store.list().length).toBeLessThanOrEqual(200)
    // Reconnecting from long ago is answered with "start over", not an unbounded replay.
    expect(store.changesSince(1)).toBeUndefined()
    // A recent reconnect gets the changes since, in order (a flow changed twice counts once).
    const after = store.seq() - 10
    const recent = store.changesSince(after)!
    expect(recent.length).toBeGreaterThan(0)
    expect(recent.every((c, i) => c.seq > after && (i === 0 || c.seq > recent[i - 1]!.seq))).toBe(true)
    // Claimed reviews became kubectl flows.
    expect(store.list().some((f) => f.kind === 'kubectl' && f.steps.some((s) => s.n === 9))).toBe(true)
  })
})
