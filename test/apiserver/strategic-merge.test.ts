import { describe, expect, it } from 'vitest'
import { loadKubeProtos, createSchemaModel } from '../../src/kube/index.js'
import { strategicMerge, type JsonMap } from '../../src/apiserver/patch/strategic.js'
import { mergePatch } from '../../src/apiserver/patch/apply-patch.js'

const model = createSchemaModel(loadKubeProtos())
const POD = 'k8s.io.api.core.v1.Pod'
const DEPLOYMENT = 'k8s.io.api.apps.v1.Deployment'

const pod = (): JsonMap => ({
  metadata: { name: 'p', labels: { a: '1', b: '2' }, finalizers: ['x'] },
  spec: {
    containers: [
      {
        name: 'app',
        image: 'nginx:1',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        ports: [{ containerPort: 80, protocol: 'TCP' }],
      },
      { name: 'side', image: 'busybox' },
    ],
    volumes: [{ name: 'v1', emptyDir: {} }],
    tolerations: [{ key: 't1' }],
  },
})

describe('strategic merge patch', () => {
  it('merges containers by name and env by name, keeping the rest', () => {
    const out = strategicMerge(model, POD, pod(), {
      spec: {
        containers: [
          {
            name: 'app',
            image: 'nginx:2',
            env: [
              { name: 'B', value: '3' },
              { name: 'C', value: '4' },
            ],
          },
        ],
      },
    })
    const containers = (out.spec as JsonMap).containers as JsonMap[]
    expect(containers).toHaveLength(2)
    expect(containers[0]).toMatchObject({ name: 'app', image: 'nginx:2' })
    expect(containers[0]!.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '3' },
      { name: 'C', value: '4' },
    ])
    expect(containers[1]).toEqual({ name: 'side', image: 'busybox' })
  })

  it('replaces lists without a merge strategy (tolerations are atomic)', () => {
    const out = strategicMerge(model, POD, pod(), { spec: { tolerations: [{ key: 't2' }] } })
    expect((out.spec as JsonMap).tolerations).toEqual([{ key: 't2' }])
  })

  it('deletes list elements with $patch: delete and map keys with null', () => {
    const out = strategicMerge(model, POD, pod(), {
      metadata: { labels: { a: null } },
      spec: { containers: [{ name: 'side', $patch: 'delete' }] },
    })
    expect((out.metadata as JsonMap).labels).toEqual({ b: '2' })
    expect(((out.spec as JsonMap).containers as JsonMap[]).map((c) => c.name)).toEqual(['app'])
  })

  it('honours $patch: replace on a list and on a map', () => {
    const list = strategicMerge(model, POD, pod(), {
      spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] },
    })
    expect((list.spec as JsonMap).containers).toEqual([{ name: 'only', image: 'x' }])
    const map = strategicMerge(model, POD, pod(), { metadata: { labels: { z: '9', $patch: 'replace' } } })
    expect((map.metadata as JsonMap).labels).toEqual({ z: '9' })
  })

  it('takes the union of a mergeable primitive list and honours $deleteFromPrimitiveList', () => {
    const added = strategicMerge(model, POD, pod(), { metadata: { finalizers: ['y', 'x'] } })
    expect((added.metadata as JsonMap).finalizers).toEqual(['x', 'y'])
    const removed = strategicMerge(model, POD, pod(), {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] },
    })
    expect((removed.metadata as JsonMap).finalizers).toEqual([])
  })

  it('orders merged elements with $setElementOrder (what kubectl apply sends)', () => {
    const out = strategicMerge(model, POD, pod(), {
      spec: {
        '$setElementOrder/containers': [{ name: 'side' }, { name: 'app' }],
        containers: [{ name: 'app', image: 'nginx:3' }],
      },
    })
    expect(((out.spec as JsonMap).containers as JsonMap[]).map((c) => c.name)).toEqual(['side', 'app'])
  })

  it('clears keys not listed in $retainKeys (deployment strategy)', () => {
    const deployment: JsonMap = {
      metadata: {},
      spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } } },
    }
    const out = strategicMerge(model, DEPLOYMENT, deployment, {
      spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } },
    })
    expect((out.spec as JsonMap).strategy).toEqual({ type: 'Recreate' })
  })

  it('requires the merge key on merged list elements', () => {
    expect(() => strategicMerge(model, POD, pod(), { spec: { containers: [{ image: 'x' }] } })).toThrow(
      /does not contain declared merge key: name/,
    )
  })

  it('never modifies the original', () => {
    const original = pod()
    const copy = structuredClone(original)
    strategicMerge(model, POD, original, { spec: { containers: [{ name: 'app', image: 'z' }] } })
    expect(original).toEqual(copy)
  })
})

describe('JSON merge patch (RFC 7386)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  ])('%j + %j = %j', (target, patch, want) => {
    expect(mergePatch(target as JsonMap, patch as JsonMap)).toEqual(want)
  })
})
