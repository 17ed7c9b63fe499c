/**
 * The simulator's listeners, one per service, opened before any service is built so that every
 * service's URL is known when the services are constructed; each gets its application once, with
 * `serve`.
 */
import type { ResolvedConfig } from '../config/index.js'
import { openListener, type OpenListener } from '../http/index.js'
import type { Pki } from '../kernel/tls.js'

/** Service order on `--port-base N`: each takes N + its index. */
export const SERVICE_PORTS = {
  entra: 0,
  graph: 1,
  arm: 2,
  apiServer: 3,
  webhook: 4,
  imds: 5,
  ui: 6,
  admin: 7,
  oidcIssuer: 8,
  workloadIdentityWebhook: 9,
} as const

export type ServiceName = keyof typeof SERVICE_PORTS
export type ServiceListeners = Readonly<Record<ServiceName, OpenListener>>
export type ServiceUrls = Readonly<Record<ServiceName, string>>

/** Listeners that ask for a client certificate (mTLS). */
const CLIENT_CERTIFICATES: ReadonlySet<ServiceName> = new Set([
  // kube-apiserver: the admin kubeconfig's masterclient certificate.
  'apiServer',
  // guard asks for the API server's client certificate.
  'webhook',
])
/** IMDS is plain HTTP, as 169.254.169.254 is. */
const PLAIN_HTTP: ReadonlySet<ServiceName> = new Set(['imds'])

/** Opens every service's listener; on a failure, closes those already open and rethrows. */
export async function openServiceListeners(
  config: Pick<ResolvedConfig, 'host' | 'portBase'>,
  pki: Pki,
  /** Where a bug that escaped a service's own error renderer goes (the kernel's onUnexpected). */
  onUnexpected: (err: unknown) => void,
): Promise<{ listeners: ServiceListeners; urls: ServiceUrls; close: () => Promise<void> }> {
  const opened: OpenListener[] = []
  const close = async () => {
    await Promise.all(opened.map((l) => l.close()))
  }
  const tls = { cert: pki.server.certPem, key: pki.server.keyPem, ca: pki.ca.certPem }
  const listeners = {} as Record<ServiceName, OpenListener>
  try {
    for (const [name, index] of Object.entries(SERVICE_PORTS) as [ServiceName, number][]) {
      const listener = await openListener({
        host: config.host,
        port: config.portBase === 0 ? 0 : config.portBase + index,
        onUnexpected,
        ...(!PLAIN_HTTP.has(name) && { tls: { ...tls, requestCert: CLIENT_CERTIFICATES.has(name) } }),
      })
      opened.push(listener)
      listeners[name] = listener
    }
  } catch (err) {
    await close()
    throw err
  }
  const urls = Object.fromEntries(Object.entries(listeners).map(([name, l]) => [name, l.url])) as ServiceUrls
  return { listeners, urls, close }
}
