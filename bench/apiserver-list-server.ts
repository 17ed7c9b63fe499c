/**
 * The API server for bench/apiserver-list.ts, in its own process: 50 running pods in `default`, and
 * either authentication off (anonymous requests, allowed without an authorizer call) or the whole
 * pipeline — bearer token through `authenticateToken` backed by a TTL cache that always hits (the
 * TokenReview webhook's cache-hit path), impersonation check, and an authorizer that walks a rule list
 * like RBAC does.
 * Usage: tsx bench/apiserver-list-server.ts bare|auth
 */
import {
  createApiServer,
  type AuthorizationAttributes,
  type TokenAuthResult,
} from '../src/apiserver/index.js'
import { listen } from '../src/http/index.js'
import { createClock } from '../src/kernel/clock.js'
import { createEventBus } from '../src/kernel/events.js'
import { loadOrCreatePki } from '../src/kernel/tls.js'

const mode = process.argv[2] === 'auth' ? 'auth' : 'bare'
const pki = await loadOrCreatePki(process.env.BENCH_PKI_DIR)
const clock = createClock()
const events = createEventBus(() => clock.now())
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.bench-token.signature'

// The webhook-side cache keyed by token+audiences, entries valid for 2 minutes (kube-apiserver's default TTL).
const cache = new Map<string, { until: number; result: TokenAuthResult }>()
cache.set(`${TOKEN}|https://kubernetes.default.svc`, {
  until: Number.MAX_SAFE_INTEGER,
  result: {
    authenticated: true,
    user: {
      username: 'alice@contoso.com',
      uid: 'oid-a',
      groups: ['6f0a9d3e-aad-group', 'b1e2-aad-group'],
      extra: { oid: ['oid-a'] },
    },
  },
})

const rules = Array.from({ length: 40 }, (_, i) => ({
  verbs: ['get', 'list', 'watch'],
  resources: [`res${i}`],
  groups: ['6f0a9d3e-aad-group'],
}))
rules.push({ verbs: ['get', 'list', 'watch'], resources: ['pods'], groups: ['b1e2-aad-group'] })
const authorize = (a: AuthorizationAttributes) => {
  const hit = rules.find(
    (r) =>
      r.verbs.includes(a.verb) &&
      r.resources.includes(a.resource) &&
      r.groups.some((g) => a.user.groups.includes(g)),
  )
  return hit
    ? {
        decision: 'Allow' as const,
        reason:
          'RBAC: allowed by ClusterRoleBinding "readers" of ClusterRole "view" to Group "b1e2-aad-group"',
      }
    : { decision: 'NoOpinion' as const, reason: '' }
}

const api = createApiServer({
  clock,
  events,
  ...(mode === 'bare'
    ? { privilegedGroups: ['system:unauthenticated'] }
    : {
        anonymous: false,
        authenticateToken: (token: string, audiences: string[]): Promise<TokenAuthResult> => {
          const hit = cache.get(`${token}|${audiences.join(',')}`)
          if (hit && hit.until > clock.now())
            return Promise.resolve({ ...hit.result, detail: { cache: 'hit' } })
          return Promise.resolve({ authenticated: false })
        },
        authorize,
      }),
})
const pods = api.registry.byResource('', 'pods')!
for (let i = 0; i < 50; i++)
  api.store.put(
    pods,
    {
      metadata: { name: `web-${i}`, namespace: 'default', uid: `uid-${i}`, labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
      status: { phase: 'Running' },
    },
    'ADDED',
  )
const l = await listen(api.handler, {
  host: '127.0.0.1',
  port: 0,
  tls: { cert: pki.server.certPem, key: pki.server.keyPem, ca: pki.ca.certPem, requestCert: true },
})
process.stdout.write(
  `READY ${JSON.stringify({ url: `${l.url}/api/v1/namespaces/default/pods`, token: TOKEN })}\n`,
)
process.on('SIGTERM', () => void l.close().then(() => process.exit(0)))
