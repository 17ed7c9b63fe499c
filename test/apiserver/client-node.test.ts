/**
 * @kubernetes/client-node 1.4 against the mock API server: typed CRUD, errors as ApiException with
 * the Status body, a raw watch, and an informer (list + watch with bookmarks) keeping its cache.
 */
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type V1ConfigMap,
} from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer, type TestApiServer } from './helpers.js'

let server: TestApiServer
let kc: KubeConfig
let core: CoreV1Api

beforeAll(async () => {
  server = await startApiServer({ bookmarkIntervalMs: 200 })
  const admin = await server.pki.clientCert('client-node-admin', { cn: 'client-node', o: ['system:masters'] })
  kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: [
      {
        name: 'sim',
        server: server.url,
        caData: Buffer.from(server.pki.ca.certPem).toString('base64'),
        skipTLSVerify: false,
      },
    ],
    users: [
      {
        name: 'admin',
        certData: Buffer.from(admin.certPem).toString('base64'),
        keyData: Buffer.from(admin.keyPem).toString('base64'),
      },
    ],
    contexts: [{ name: 'sim', cluster: 'sim', user: 'admin', namespace: 'default' }],
    currentContext: 'sim',
  })
  core = kc.makeApiClient(CoreV1Api)
  await core.createNamespace({ body: { metadata: { name: 'cn' } } })
})
afterAll(() => server.close())

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25))
  if (!check()) throw new Error(`timed out waiting for ${what}`)
}

describe('CoreV1Api CRUD', () => {
  it('creates, reads, lists, replaces, patches and deletes a ConfigMap', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: 'cn',
      body: { metadata: { name: 'cfg', labels: { app: 'x' } }, data: { a: '1' } },
    })
    expect(created.metadata?.uid).toBeTruthy()
    const read = await core.readNamespacedConfigMap({ name: 'cfg', namespace: 'cn' })
    expect(read.data).toEqual({ a: '1' })
    const list = await core.listNamespacedConfigMap({ namespace: 'cn', labelSelector: 'app=x' })
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['cfg'])
    read.data = { a: '2' }
    const replaced = await core.replaceNamespacedConfigMap({ name: 'cfg', namespace: 'cn', body: read })
    expect(replaced.data).toEqual({ a: '2' })
    const patched = await core.patchNamespacedConfigMap(
      { name: 'cfg', namespace: 'cn', body: { data: { b: '3' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )
    expect(patched.data).toEqual({ a: '2', b: '3' })
    const status = await core.deleteNamespacedConfigMap({ name: 'cfg', namespace: 'cn' })
    expect(status.status).toBe('Success')
    await expect(core.readNamespacedConfigMap({ name: 'cfg', namespace: 'cn' })).rejects.toMatchObject({
      code: 404,
    })
  })

  it('reports conflicts and validation errors as ApiException with the Status body', async () => {
    await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'dup' } } })
    try {
      await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'dup' } } })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ApiException)
      const e = err as ApiException<string>
      expect(e.code).toBe(409)
      expect(JSON.parse(e.body)).toMatchObject({
        reason: 'AlreadyExists',
        message: 'configmaps "dup" already exists',
      })
    }
  })

  it('creates a deployment with AppsV1Api and sees its pods', async () => {
    const apps = kc.makeApiClient(AppsV1Api)
    await apps.createNamespacedDeployment({
      namespace: 'cn',
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'nginx' }] },
          },
        },
      },
    })
    let pods = 0
    for (let i = 0; i < 80 && pods < 2; i++) {
      pods = (await core.listNamespacedPod({ namespace: 'cn', labelSelector: 'app=web' })).items.length
      if (pods < 2) await new Promise((r) => setTimeout(r, 25))
    }
    expect(pods).toBe(2)
    const d = await apps.readNamespacedDeployment({ name: 'web', namespace: 'cn' })
    expect(d.status?.availableReplicas).toBe(2)
  })
})

describe('watch and informer', () => {
  it('streams events to Watch', async () => {
    const seen: string[] = []
    const list = await core.listNamespacedConfigMap({ namespace: 'cn' })
    const controller = await new Watch(kc).watch(
      '/api/v1/namespaces/cn/configmaps',
      { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
      (type, obj: V1ConfigMap) => {
        if (type !== 'BOOKMARK') seen.push(`${type} ${obj.metadata?.name}`)
      },
      () => {},
    )
    await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'w1' } } })
    await core.deleteNamespacedConfigMap({ name: 'w1', namespace: 'cn' })
    await until(() => seen.length >= 2, 'watch events')
    controller.abort()
    expect(seen).toEqual(['ADDED w1', 'DELETED w1'])
  })

  it('keeps an informer cache in sync', async () => {
    const informer = makeInformer<V1ConfigMap>(kc, '/api/v1/namespaces/cn/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'cn' }),
    )
    const events: string[] = []
    informer.on('add', (o) => events.push(`add ${o.metadata?.name}`))
    informer.on('update', (o) => events.push(`update ${o.metadata?.name}`))
    informer.on('delete', (o) => events.push(`delete ${o.metadata?.name}`))
    informer.on('error', (err) => events.push(`error ${String(err)}`))
    await informer.start()
    try {
      await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'inf' } } })
      await until(() => informer.get('inf', 'cn') !== undefined, 'the informer to see inf')
      await core.patchNamespacedConfigMap(
        { name: 'inf', namespace: 'cn', body: { data: { k: 'v' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )
      await until(() => informer.get('inf', 'cn')?.data?.k === 'v', 'the informer to see the update')
      await core.deleteNamespacedConfigMap({ name: 'inf', namespace: 'cn' })
      await until(() => informer.get('inf', 'cn') === undefined, 'the informer to see the delete')
      expect(events.filter((e) => e.endsWith(' inf'))).toEqual(['add inf', 'update inf', 'delete inf'])
      expect(events.filter((e) => e.startsWith('error'))).toEqual([])
      expect(informer.list('cn').map((o) => o.metadata?.name)).toContain('kube-root-ca.crt')
    } finally {
      await informer.stop()
    }
  })
})
