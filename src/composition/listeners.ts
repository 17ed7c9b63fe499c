/**
 * The simulator's listeners, one per service, opened before any service is built so that every
 * service's URL is known when the services are constructed; each gets its application once, with
 * `serve`, behind the host guard (src/http/host-guard.ts): a request must name one of the simulator's
 * host names, and a browser's state-changing request must come from the listener's own origin.
 */
import { lookup } from 'node:dns/promises'
import type { ResolvedConfig } from '../config/index.js'
import { ConfigError } from '../kernel/errors.js'
import { hostGuard, openListener, type OpenListener } from '../http/index.js'
import type { Pki } from '../kernel/tls.js'
import { REFUSALS } from './refusals.js'

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

/** Names every machine's loopback interface answers to. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1']
/** Addresses that listen on every interface. */
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]'])

/** Whether `host` (the --host value) can be reached only from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1')
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h)
}

/**
 * The host names every listener answers to: the loopback names, the address it is bound to (unless it
 * is every interface's) and the `--public-host` names.
 */
export function ownHostNames(config: Pick<ResolvedConfig, 'host' | 'publicHosts'>): Set<string> {
  const bound = config.host.toLowerCase().replace(/^\[(.*)\]$/, '$1')
  return new Set([...LOOPBACK_NAMES, ...(WILDCARDS.has(bound) ? [] : [bound]), ...config.publicHosts])
}

/** IMDS also answers to its link-local address, as the pods' environment names it on Azure. */
const IMDS_ADDRESS = '169.254.169.254'

/** `url` with its host replaced by the first `--public-host`, so other machines can use it. */
export function publicUrl(url: string, publicHosts: readonly string[]): string {
  const name = publicHosts[0]
  if (name === undefined) return url
  const u = new URL(url)
  return `${u.protocol}//${name.includes(':') ? `[${name}]` : name}:${u.port}`
}

/**
 * The first `--public-host` is in every URL, and the services call each other at those URLs (the
 * webhook reads Entra's metadata, the API server calls the webhook): it must reach this machine from
 * this machine too. Refused at start rather than failing on the first sign-in.
 */
export async function checkPublicHost(publicHosts: readonly string[]): Promise<void> {
  const first = publicHosts[0]
  if (first === undefined) return
  try {
    await lookup(first)
  } catch (err) {
    throw new ConfigError([
      `publicHosts: '${first}' does not resolve on this machine (${(err as NodeJS.ErrnoException).code ?? String(err)}); the first public host is in every URL the services call each other at — give an address of this machine first, or a name that resolves here`,
    ])
  }
}

/** Opens every service's listener; on a failure, closes those already open and rethrows. */
export async function openServiceListeners(
  config: Pick<ResolvedConfig, 'host' | 'portBase' | 'publicHosts'>,
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
  const names = ownHostNames(config)
  try {
    for (const [name, index] of Object.entries(SERVICE_PORTS) as [ServiceName, number][]) {
      const listener = await openListener({
        host: config.host,
        port: config.portBase === 0 ? 0 : config.portBase + index,
        onUnexpected,
        ...(!PLAIN_HTTP.has(name) && { tls: { ...tls, requestCert: CLIENT_CERTIFICATES.has(name) } }),
      })
      opened.push(listener)
      const guard = {
        names: name === 'imds' ? new Set([...names, IMDS_ADDRESS]) : names,
        scheme: PLAIN_HTTP.has(name) ? ('http' as const) : ('https' as const),
        port: listener.port,
        refuse: REFUSALS[name],
      }
      listeners[name] = {
        ...listener,
        url: publicUrl(listener.url, config.publicHosts),
        serve: (handler) => listener.serve(hostGuard(handler, guard)),
      }
    }
  } catch (err) {
    await close()
    throw err
  }
  const urls = Object.fromEntries(Object.entries(listeners).map(([name, l]) => [name, l.url])) as ServiceUrls
  return { listeners, urls, close }
}
