import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/kernel/errors.js'
import { createClock } from '../../src/kernel/clock.js'
import { createEventBus } from '../../src/kernel/events.js'
import { createApiServer } from '../../src/apiserver/index.js'
import type { KubernetesManifest } from '../../src/rbac/scenario.js'
import { call, scratchDir, startApiServer } from './helpers.js'

const scratch = scratchDir('apiserver-state-')
afterAll(() => scratch.cleanup())

const seed: KubernetesManifest[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { team: 'a' } } },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: 'team-a' },
    data: { mode: 'demo' },
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'devs-edit', namespace: 'team-a' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    subjects: [{ kind: 'Group', name: 'devs' }],
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'team-b' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx' }] },
      },
    },
  },
]

describe('persistence in the state dir', () => {
  let dir: string
  beforeAll(() => {
    dir = join(scratch.dir, 'objects')
  })

  it('seeds a new store once, with the default namespaces and the scenario objects', async () => {
    const s = await startApiServer({ stateDir: dir, seed })
    try {
      const admin = await s.pki.clientCert('apiserver-persist-admin', { cn: 'admin', o: ['system:masters'] })
      const ns = await call(s, 'GET', '/api/v1/namespaces', { cert: admin })
      expect(ns.json.items.map((i: any) => i.metadata.name)).toEqual([
        'default',
        'kube-node-lease',
        'kube-public',
        'kube-system',
        'team-a',
        'team-b',
      ])
      const rb = await call(
        s,
        'GET',
        '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings/devs-edit',
        { cert: admin },
      )
      // Defaulted like a created object: the Group subject gets its apiGroup.
      expect(rb.json.subjects).toEqual([
        { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' },
      ])
      await call(s, 'POST', '/api/v1/namespaces/team-a/configmaps', {
        cert: admin,
        body: JSON.stringify({ metadata: { name: 'written' } }),
        headers: { 'content-type': 'application/json' },
      })
      await call(s, 'DELETE', '/api/v1/namespaces/team-a/configmaps/settings', { cert: admin })
    } finally {
      await s.close()
    }
    expect(existsSync(join(dir, 'core', 'configmaps', 'team-a', 'written.json'))).toBe(true)
    expect(existsSync(join(dir, 'core', 'configmaps', 'team-a', 'settings.json'))).toBe(false)
    // Atomic writes leave no temporary files behind.
    const all = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? all(join(d, e.name)) : [e.name],
      )
    expect(all(dir).filter((f) => f.includes('.tmp'))).toEqual([])
  })

  it('keeps every acknowledged write across a restart and does not seed again', async () => {
    const s = await startApiServer({ stateDir: dir, seed })
    try {
      const admin = await s.pki.clientCert('apiserver-persist-admin', { cn: 'admin', o: ['system:masters'] })
      expect(
        (await call(s, 'GET', '/api/v1/namespaces/team-a/configmaps/written', { cert: admin })).status,
      ).toBe(200)
      expect(
        (await call(s, 'GET', '/api/v1/namespaces/team-a/configmaps/settings', { cert: admin })).status,
      ).toBe(404)
      const list = await call(s, 'GET', '/api/v1/namespaces/team-a/configmaps', { cert: admin })
      const revisionOnDisk = Number(readFileSync(join(dir, 'revision'), 'utf8'))
      expect(Number(list.json.metadata.resourceVersion)).toBe(revisionOnDisk)
      const created = await call(s, 'POST', '/api/v1/namespaces/team-a/configmaps', {
        cert: admin,
        body: JSON.stringify({ metadata: { name: 'after-restart' } }),
        headers: { 'content-type': 'application/json' },
      })
      expect(Number(created.json.metadata.resourceVersion)).toBeGreaterThan(revisionOnDisk)
    } finally {
      await s.close()
    }
  })

  it('exposes the RBAC objects with a version that moves on every RBAC write', async () => {
    const s = await startApiServer({ seed })
    try {
      const v1 = s.api.rbac.version()
      expect(s.api.rbac.list('RoleBinding').map((o) => [o.kind, o.metadata.name])).toEqual([
        ['RoleBinding', 'devs-edit'],
      ])
      const changes: string[] = []
      const stop = s.api.rbac.subscribe((c) => changes.push(`${c.type} ${c.kind} ${c.object.metadata.name}`))
      const admin = await s.pki.clientCert('apiserver-persist-admin', { cn: 'admin', o: ['system:masters'] })
      await call(s, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
        cert: admin,
        body: JSON.stringify({
          metadata: { name: 'reader' },
          rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
        }),
        headers: { 'content-type': 'application/json' },
      })
      await call(s, 'POST', '/api/v1/namespaces/default/configmaps', {
        cert: admin,
        body: JSON.stringify({ metadata: { name: 'not-rbac' } }),
        headers: { 'content-type': 'application/json' },
      })
      stop()
      expect(changes).toEqual(['ADDED ClusterRole reader'])
      expect(s.api.rbac.version()).toBeGreaterThan(v1)
      expect(s.api.rbac.list('ClusterRole').map((o) => o.metadata.name)).toEqual(['reader'])
    } finally {
      await s.close()
    }
  })

  it('fails fast on a scenario object it cannot serve', () => {
    const clock = createClock()
    expect(() =>
      createApiServer({
        clock,
        events: createEventBus(() => clock.now()),
        seed: [
          { apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w' } },
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad Name' } },
        ],
      }),
    ).toThrow(ConfigError)
  })
})
