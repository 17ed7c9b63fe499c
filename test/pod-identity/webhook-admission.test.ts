import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import type { K8sObject } from '../../src/pod-identity/cluster-objects.js'
import { KubeStatusError as KubeApiError } from '../../src/kube/index.js'
import { createPodAdmission } from '../../src/pod-identity/webhook/apiserver-call.js'
import { startTestSimulator } from '../helpers/sim.js'

let sim: Simulator
let url: string
beforeAll(async () => {
  sim = await startTestSimulator()
  url = (sim.endpoints.workloadIdentityWebhook as { url: string }).url
})
afterAll(() => sim.stop())

const review = (object: unknown, apiVersion = 'admission.k8s.io/v1') => ({
  apiVersion,
  kind: 'AdmissionReview',
  request: {
    uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    namespace: 'dev',
    operation: 'CREATE',
    object,
  },
})
const post = async (body: string, type = 'application/json') => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body })
  return { status: res.status, body: await res.json() }
}
const labelled = (name: string, sa = 'orders-api', extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'dev', labels: { 'azure.workload.identity/use': 'true' }, ...extra },
  spec: { serviceAccountName: sa, containers: [{ name: 'app', image: 'x' }] },
})
/** The Kubernetes error a create failed with (this slice's, or the mock API server's). */
async function createError(p: Promise<unknown>): Promise<{ toStatus(): object }> {
  try {
    await p
  } catch (err) {
    if (err instanceof KubeApiError || typeof (err as { toStatus?: unknown }).toStatus === 'function')
      return err as KubeApiError
    throw err
  }
  throw new Error('pod was created')
}
const hasWorkloadIdentity = (p: K8sObject) => {
  const spec = p.spec as { containers: { env?: { name: string }[] }[]; volumes?: { name: string }[] }
  return (
    (spec.containers[0]!.env ?? []).some((e) => e.name.startsWith('AZURE_')) ||
    (spec.volumes ?? []).some((v) => v.name === 'azure-identity-token')
  )
}

describe('the webhook as a MutatingWebhookConfiguration target (HTTPS)', () => {
  it('answers v1 and v1beta1 reviews with a base64 JSONPatch in the same version', async () => {
    for (const v of ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1']) {
      const r = await post(JSON.stringify(review(labelled('w-0'), v)))
      expect(r.status).toBe(200)
      expect(r.body).toMatchObject({
        apiVersion: v,
        kind: 'AdmissionReview',
        response: { uid: '705ab4f5-6393-11e8-b7cc-42010a800002', allowed: true, patchType: 'JSONPatch' },
      })
      const ops = JSON.parse(Buffer.from(r.body.response.patch, 'base64').toString()) as {
        op: string
        path: string
      }[]
      expect(ops.map((o) => `${o.op} ${o.path}`)).toEqual(
        expect.arrayContaining([
          'add /spec/containers/0/env',
          'add /spec/containers/0/volumeMounts',
          'add /spec/volumes',
        ]),
      )
    }
  })

  it('rejects with allowed:false and code 400 inside an HTTP 200, as controller-runtime does', async () => {
    const bad = labelled('w-1', 'orders-api', {
      annotations: { 'azure.workload.identity/service-account-token-expiration': '100' },
    })
    expect((await post(JSON.stringify(review(bad)))).body.response).toEqual({
      uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
      allowed: false,
      status: {
        metadata: {},
        message: 'token expiration 100 not valid. Expected value to be between 3600 and 86400',
        code: 400,
      },
    })
    const ghost = await post(JSON.stringify(review(labelled('w-2', 'ghost'))))
    expect(ghost.body.response).toMatchObject({
      allowed: false,
      status: { code: 400, message: 'serviceaccounts "ghost" not found' },
    })
    for (const [body, type] of [
      ['{', 'application/json'],
      ['{}', 'text/plain'],
      ['', 'application/json'],
      ['[1]', 'application/json'],
    ]) {
      const r = await post(body!, type)
      expect(r.status).toBe(200)
      expect(r.body.response).toMatchObject({ allowed: false, status: { code: 400 } })
    }
    expect(sim.podIdentity.webhookConfiguration).toMatchObject({
      kind: 'MutatingWebhookConfiguration',
      webhooks: [
        {
          name: 'mutation.azure-workload-identity.io',
          failurePolicy: 'Fail',
          objectSelector: { matchLabels: { 'azure.workload.identity/use': 'true' } },
        },
      ],
    })
  })

  it('never answers a 5xx or crashes on arbitrary review bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          fc.anything().map((a) => JSON.stringify(review(a)) ?? 'null'),
        ),
        async (body) => {
          const r = await post(body)
          expect(r.status).toBe(200)
          expect(typeof r.body.response.allowed).toBe('boolean')
        },
      ),
      { numRuns: 100 },
    )
  })
})

describe('the API server side: pod CREATE through the webhook', () => {
  it('mutates only pods labelled exactly "true", outside the enforced namespaces', async () => {
    const mutated = await sim.podIdentity.pods.create(labelled('a-0'))
    const env = (mutated.spec as { containers: { env?: { name: string }[] }[] }).containers[0]!.env ?? []
    expect(env.map((e) => e.name)).toContain('AZURE_FEDERATED_TOKEN_FILE')
    expect(hasWorkloadIdentity(mutated)).toBe(true)
    for (const [name, labels] of [
      ['a-1', {}],
      ['a-2', { 'azure.workload.identity/use': 'True' }],
    ] as const) {
      const p = await sim.podIdentity.pods.create({
        ...labelled(name),
        metadata: { name, namespace: 'dev', labels },
      })
      expect(hasWorkloadIdentity(p)).toBe(false)
    }
    const system = await sim.podIdentity.pods.create({
      ...labelled('a-3', 'default'),
      metadata: { name: 'a-3', namespace: 'kube-system', labels: { 'azure.workload.identity/use': 'true' } },
    })
    expect(hasWorkloadIdentity(system)).toBe(false)
  })

  it('a denial reaches the client as kube-apiserver words it', async () => {
    const e = await createError(
      sim.podIdentity.pods.create(
        labelled('b-0', 'orders-api', {
          annotations: { 'azure.workload.identity/service-account-token-expiration': '100' },
        }),
      ),
    )
    expect(e.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'admission webhook "mutation.azure-workload-identity.io" denied the request: token expiration 100 not valid. Expected value to be between 3600 and 86400',
      code: 400,
    })
  })

  it('webhook down with failurePolicy Fail: labelled pods cannot be created, others can', async () => {
    sim.podIdentity.settings.webhookDown = true
    try {
      const e = await createError(sim.podIdentity.pods.create(labelled('c-0')))
      expect(e.toStatus()).toMatchObject({
        code: 500,
        reason: 'InternalError',
        message:
          'Internal error occurred: failed calling webhook "mutation.azure-workload-identity.io": failed to call webhook: Post "https://azure-wi-webhook-webhook-service.kube-system.svc:443/mutate-v1-pod?timeout=10s": no endpoints available for service "azure-wi-webhook-webhook-service"',
      })
      const r = await fetch(url, { method: 'POST', body: '{}' }).catch((err: Error) => err)
      expect(r).toBeInstanceOf(Error)
      await sim.podIdentity.pods.create({ ...labelled('c-1'), metadata: { name: 'c-1', namespace: 'dev' } })
    } finally {
      sim.podIdentity.settings.webhookDown = false
    }
  })

  it('runs the ServiceAccount admission check first', async () => {
    const e = await createError(sim.podIdentity.pods.create(labelled('d-0', 'nope')))
    expect(e.toStatus()).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message:
        'pods "d-0" is forbidden: error looking up service account dev/nope: serviceaccount "nope" not found',
    })
  })
})

describe('the API server calling the webhook over HTTPS', () => {
  const admission = () =>
    createPodAdmission({
      url: url.replace(/\/mutate-v1-pod$/, ''),
      caPem: sim.caPem,
      inProcess: {
        serviceAccount: () => undefined,
        config: () => ({ tenantId: 't', authorityHost: 'h', layout: 'v1.5', nativeSidecar: true }),
      },
      down: () => false,
    })

  it('applies the JSONPatch the listener answers', async () => {
    const a = admission()
    try {
      const out = await a.admit(labelled('https-0'), { namespace: 'dev', operation: 'CREATE' })
      const env = (out.spec as { containers: { env: { name: string; value: string }[] }[] }).containers[0]!
        .env
      expect(env.find((e) => e.name === 'AZURE_CLIENT_ID')?.value).toBe(
        sim.podIdentity.objects.get('ServiceAccount', 'dev', 'orders-api')!.metadata.annotations![
          'azure.workload.identity/client-id'
        ],
      )
    } finally {
      a.close()
    }
  })

  it('a reset connection is a failed webhook call (failurePolicy Fail)', async () => {
    const a = admission()
    sim.podIdentity.settings.webhookDown = true
    try {
      const e = await createError(a.admit(labelled('https-1'), { namespace: 'dev', operation: 'CREATE' }))
      expect(e.toStatus()).toMatchObject({
        code: 500,
        message: expect.stringMatching(
          /^Internal error occurred: failed calling webhook "mutation\.azure-workload-identity\.io": failed to call webhook: Post ".*": EOF$/,
        ),
      })
    } finally {
      sim.podIdentity.settings.webhookDown = false
      a.close()
    }
  })
})
