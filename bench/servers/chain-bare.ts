/**
 * The same API server and objects with authentication off: anonymous requests, every request allowed
 * without calling an authorizer (bench/aks-chain-list.ts's baseline). With BENCH_POD_FILE (written by
 * chain-sim.ts) it also seeds the pods the whole simulator made itself in `dev` (the pod-identity
 * demo's), so both servers list the same pods.
 */
import { readFileSync } from 'node:fs'
import type { KubernetesManifest } from '../../src/rbac/scenario.js'
import { compiled } from '../compiled.js'
import { benchPods } from './chain-pods.js'
import type * as ApiserverModule from '../../src/apiserver/index.js'
import type * as HttpModule from '../../src/http/index.js'
import type * as ClockModule from '../../src/kernel/clock.js'
import type * as EventsModule from '../../src/kernel/events.js'
import type * as TlsModule from '../../src/kernel/tls.js'
import type * as SimulatorModule from '../../src/index.js'
import type * as RbacModule from '../../src/rbac/index.js'

// The same compiled API server as the simulator's (bench/compiled.ts).
const { createApiServer } = await compiled<typeof ApiserverModule>('apiserver/index.js')
const { listen } = await compiled<typeof HttpModule>('http/index.js')
const { createClock } = await compiled<typeof ClockModule>('kernel/clock.js')
const { createEventBus } = await compiled<typeof EventsModule>('kernel/events.js')
const { loadOrCreatePki } = await compiled<typeof TlsModule>('kernel/tls.js')
const { demoScenario } = await compiled<typeof SimulatorModule>('index.js')
const { kubernetesSeedObjects } = await compiled<typeof RbacModule>('rbac/index.js')

const pki = await loadOrCreatePki(process.env.BENCH_PKI_DIR)
const clock = createClock()
const demo = demoScenario().kubernetes
const seeded = new Set(
  [...(demo?.objects ?? []), ...benchPods].map(
    (o) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`,
  ),
)
/** The simulator's own pods, as its list gave them, without what the API server sets itself. */
const simulatorPods: KubernetesManifest[] = process.env.BENCH_POD_FILE
  ? (JSON.parse(readFileSync(process.env.BENCH_POD_FILE, 'utf8')) as KubernetesManifest[])
      // Pods a controller made (a Deployment's) this server's own controllers make too.
      .filter(
        (p) =>
          !seeded.has(`${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`) &&
          !(p.metadata as { ownerReferences?: unknown } | undefined)?.ownerReferences,
      )
      .map((p) => {
        const { uid, resourceVersion, creationTimestamp, managedFields, generation, ...metadata } =
          p.metadata as Record<string, unknown>
        void [uid, resourceVersion, creationTimestamp, managedFields, generation]
        // List items carry no kind; a seed object needs it.
        return { ...p, apiVersion: 'v1', kind: 'Pod', metadata } as KubernetesManifest
      })
  : []
const server = createApiServer({
  clock,
  events: createEventBus(() => clock.now()),
  seed: kubernetesSeedObjects({
    ...demo,
    objects: [...(demo?.objects ?? []), ...benchPods, ...simulatorPods],
  }),
  caPem: pki.ca.certPem,
  anonymous: true,
  privilegedGroups: ['system:unauthenticated'],
})
const l = await listen(server.handler, {
  host: '127.0.0.1',
  port: 0,
  tls: { cert: pki.server.certPem, key: pki.server.keyPem, ca: pki.ca.certPem, requestCert: true },
})
process.stdout.write(`READY ${JSON.stringify({ url: `${l.url}/api/v1/namespaces/dev/pods`, token: '' })}\n`)
process.on('SIGTERM', () => void l.close().then(() => process.exit(0)))
