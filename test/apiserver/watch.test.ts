import { request as httpsRequest } from 'node:https'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startApiServer, type TestApiServer } from './helpers.js'

let server: TestApiServer
let admin: { certPem: string; keyPem: string }

beforeAll(async () => {
  server = await startApiServer({ bookmarkIntervalMs: 100 })
  admin = await server.pki.clientCert('apiserver-watch-admin', { cn: 'admin', o: ['system:masters'] })
})
afterAll(() => server.close())

const api = (method: string, path: string, body?: unknown, type = 'application/json') =>
  call(server, method, path, {
    cert: admin,
    ...(body !== undefined && { body: JSON.stringify(body) }),
    headers: { 'content-type': type },
  })

interface Stream {
  events: any[]
  status: Promise<number>
  headers: Promise<Record<string, unknown>>
  /** Resolves once `n` events arrived. */
  until(n: number): Promise<any[]>
  close(): void
}

function watch(path: string, accept = 'application/json'): Stream {
  const u = new URL(path, server.url)
  const events: any[] = []
  const waiters: { n: number; resolve: (e: any[]) => void }[] = []
  let buffer = ''
  let statusResolve!: (n: number) => void
  let headersResolve!: (h: Record<string, unknown>) => void
  const status = new Promise<number>((r) => (statusResolve = r))
  const headers = new Promise<Record<string, unknown>>((r) => (headersResolve = r))
  const req = httpsRequest(
    {
      method: 'GET',
      hostname: u.hostname,
      port: u.port,
      path: `${u.pathname}${u.search}`,
      ca: server.pki.ca.certPem,
      cert: admin.certPem,
      key: admin.keyPem,
      headers: { accept },
      agent: false,
    },
    (res) => {
      statusResolve(res.statusCode ?? 0)
      headersResolve(res.headers)
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buffer += chunk
        let nl: number
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl)
          buffer = buffer.slice(nl + 1)
          if (line.trim()) events.push(JSON.parse(line))
        }
        for (const w of [...waiters]) if (events.length >= w.n) w.resolve(events.slice(0, w.n))
      })
    },
  )
  req.on('error', () => {})
  req.end()
  return {
    events,
    status,
    headers,
    until: (n) =>
      events.length >= n
        ? Promise.resolve(events.slice(0, n))
        : new Promise((resolve) => waiters.push({ n, resolve })),
    close: () => req.destroy(),
  }
}

describe('watch', () => {
  it('streams ADDED for the current objects, then changes, as chunked JSON lines', async () => {
    await api('POST', '/api/v1/namespaces', { metadata: { name: 'w1' } })
    await api('POST', '/api/v1/namespaces/w1/configmaps', {
      metadata: { name: 'before', labels: { w: 'y' } },
    })
    const s = watch('/api/v1/namespaces/w1/configmaps?watch=true&labelSelector=w%3Dy')
    expect(await s.status).toBe(200)
    expect((await s.headers)['content-type']).toBe('application/json')
    await s.until(1)
    await api('POST', '/api/v1/namespaces/w1/configmaps', { metadata: { name: 'after', labels: { w: 'y' } } })
    await api('POST', '/api/v1/namespaces/w1/configmaps', { metadata: { name: 'unlabelled' } })
    await api(
      'PATCH',
      '/api/v1/namespaces/w1/configmaps/after',
      { data: { k: 'v' } },
      'application/merge-patch+json',
    )
    await api(
      'PATCH',
      '/api/v1/namespaces/w1/configmaps/before',
      { metadata: { labels: { w: null } } },
      'application/merge-patch+json',
    )
    await api('DELETE', '/api/v1/namespaces/w1/configmaps/after')
    const events = await s.until(5)
    s.close()
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'before'],
      ['ADDED', 'after'],
      ['MODIFIED', 'after'],
      ['DELETED', 'before'],
      ['DELETED', 'after'],
    ])
    expect(events[0].object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' })
    expect(events[2].object.data).toEqual({ k: 'v' })
  })

  it('resumes from a resourceVersion without replaying older changes', async () => {
    const created = await api('POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'resume-1' },
    })
    await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'resume-2' } })
    const s = watch(
      `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${created.json.metadata.resourceVersion}`,
    )
    const [first] = await s.until(1)
    s.close()
    expect([first.type, first.object.metadata.name]).toEqual(['ADDED', 'resume-2'])
  })

  it('answers a watch from a forgotten resourceVersion with an ERROR event (410 Expired)', async () => {
    const small = await startApiServer({})
    try {
      const cert = await small.pki.clientCert('apiserver-watch-admin', { cn: 'admin', o: ['system:masters'] })
      for (let i = 0; i < 2100; i++)
        small.api.store.put(
          small.api.registry.byResource('', 'configmaps')!,
          { metadata: { name: `c${i}`, namespace: 'default' } },
          'ADDED',
        )
      const u = new URL('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2', small.url)
      const text = await new Promise<string>((resolve) => {
        httpsRequest(
          {
            hostname: u.hostname,
            port: u.port,
            path: `${u.pathname}${u.search}`,
            ca: small.pki.ca.certPem,
            cert: cert.certPem,
            key: cert.keyPem,
            agent: false,
          },
          (res) => {
            let t = ''
            res.on('data', (c) => (t += String(c)))
            res.on('end', () => resolve(t))
          },
        ).end()
      })
      const event = JSON.parse(text.trim())
      expect(event.type).toBe('ERROR')
      expect(event.object).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 })
      expect(event.object.message).toMatch(/^too old resource version: 2 \(\d+\)$/)
    } finally {
      await small.close()
    }
  })

  it('sends the initial-events-end bookmark for sendInitialEvents and periodic bookmarks when allowed', async () => {
    const s = watch(
      '/api/v1/namespaces?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true',
    )
    const events = await s.until(7)
    s.close()
    const end = events.findIndex((e) => e.type === 'BOOKMARK')
    expect(events.slice(0, end).every((e) => e.type === 'ADDED')).toBe(true)
    expect(events[end].object).toMatchObject({
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } },
    })
    expect(events.slice(end + 1).some((e) => e.type === 'BOOKMARK')).toBe(true)
  })

  it('streams Table rows for kubectl get -w, with the column definitions only in the first event', async () => {
    const rv = (await api('GET', '/api/v1/namespaces/w1/configmaps')).json.metadata.resourceVersion
    const s = watch(
      `/api/v1/namespaces/w1/configmaps?watch=true&resourceVersion=${rv}`,
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    )
    await api('POST', '/api/v1/namespaces/w1/configmaps', { metadata: { name: 'row-1' }, data: { a: 'b' } })
    await api('POST', '/api/v1/namespaces/w1/configmaps', { metadata: { name: 'row-2' } })
    const events = await s.until(2)
    s.close()
    const [first, second] = events
    expect(first.object.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Data', 'Age'])
    expect(first.object.kind).toBe('Table')
    expect(first.object.rows[0].cells.slice(0, 2)).toEqual(['row-1', 1])
    expect(first.object.rows[0].object).toMatchObject({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { name: 'row-1' },
    })
    expect(second.object.columnDefinitions).toBeUndefined()
  })
})
