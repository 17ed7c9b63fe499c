/**
 * The same API server and objects with authentication off: anonymous requests, every request allowed
 * without calling an authorizer (bench/aks-chain-list.ts's baseline).
 */
import { createApiServer } from '../../src/apiserver/index.js'
import { listen } from '../../src/http/index.js'
import { createClock } from '../../src/kernel/clock.js'
import { createEventBus } from '../../src/kernel/events.js'
import { loadOrCreatePki } from '../../src/kernel/tls.js'
import { demoScenario } from '../../src/index.js'
import { kubernetesSeedObjects } from '../../src/rbac/index.js'
import { benchPods } from './chain-pods.js'

const pki = await loadOrCreatePki(process.env.BENCH_PKI_DIR)
const clock = createClock()
const demo = demoScenario().kubernetes
const server = createApiServer({
  clock,
  events: createEventBus(() => clock.now()),
  seed: kubernetesSeedObjects({ ...demo, objects: [...(demo?.objects ?? []), ...benchPods] }),
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
