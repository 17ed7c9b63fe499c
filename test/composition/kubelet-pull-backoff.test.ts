// The kubelet's image pull back-off: 10 s, doubling, capped at 300 s (kubelet backOffPeriod and
// MaxContainerBackOff), and image references split against the simulated registries' login servers.
import { describe, expect, it } from 'vitest'
import { PULL_BACKOFF_MAX_MS, pullBackoffMs, registryImage } from '../../src/composition/kubelet-acr-pull.js'

describe('pull back-off', () => {
  it('waits 10, 20, 40, 80, 160, then 300 s for good', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => pullBackoffMs(n) / 1000)).toEqual([
      10, 20, 40, 80, 160, 300, 300, 300,
    ])
    expect(pullBackoffMs(10_000)).toBe(PULL_BACKOFF_MAX_MS)
  })
})

describe('registryImage', () => {
  const servers = ['127.0.0.1:5000', 'contosoacr.azurecr.io']
  it('splits tag, digest and the default tag, and ignores other registries', () => {
    expect(registryImage('127.0.0.1:5000/orders/api:1.2.0', servers)).toEqual({
      loginServer: '127.0.0.1:5000',
      repository: 'orders/api',
      reference: '1.2.0',
    })
    expect(registryImage('contosoacr.azurecr.io/a/b@sha256:00', servers)).toMatchObject({
      repository: 'a/b',
      reference: 'sha256:00',
    })
    expect(registryImage('contosoacr.azurecr.io/nginx', servers)?.reference).toBe('latest')
    expect(registryImage('docker.io/library/nginx:1', servers)).toBeUndefined()
  })
})
