/**
 * The container registries' listeners (docs/acr.md): one HTTPS listener per registry of the
 * scenario, because real clients address a registry by its login server (the Host) and a loopback
 * simulator cannot give each registry its own DNS name that every client resolves (`*.localhost` does
 * not resolve through glibc or Go here). The login server is therefore `<host>:<port>`, on port
 * `portBase + REGISTRY_PORT_OFFSET + i` (or an OS-chosen port with `--port-base 0`).
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { createRegistryService, type RegistryService } from '../acr/index.js'
import type { AzureRbac, ResolvedAzure } from '../azure-rbac/index.js'
import type { ResolvedConfig } from '../config/index.js'
import { verifyIssuedToken } from '../entra/index.js'
import type { Issuers } from '../entra/index.js'
import { hostGuard, openListener, type OpenListener } from '../http/index.js'
import type { Clock } from '../kernel/clock.js'
import type { Directory } from '../kernel/directory.js'
import { ConfigError } from '../kernel/errors.js'
import type { EventBus } from '../kernel/events.js'
import type { KeyStore } from '../kernel/keys.js'
import type { Pki } from '../kernel/tls.js'
import { ownHostNames, publicUrl } from './listeners.js'
import { registryRefusal } from './refusals.js'

/** Registries listen after the other services: `portBase + 20 + i`. */
export const REGISTRY_PORT_OFFSET = 20

/** What `endpoints.json` says about a registry. */
export interface EndpointsRegistry {
  name: string
  loginServer: string
  url: string
  resourceId: string
  roleAssignmentMode: string
}

export interface ComposedRegistries {
  endpoints: EndpointsRegistry[]
  services: RegistryService[]
  close(): Promise<void>
}

export async function composeRegistries(o: {
  config: Pick<ResolvedConfig, 'host' | 'portBase' | 'publicHosts'>
  pki: Pki
  azure: ResolvedAzure | undefined
  rbac: AzureRbac | undefined
  directory: Directory
  clock: Clock
  keys: KeyStore
  events: EventBus
  issuers: () => Issuers
  stateDir: string
  onUnexpected: (err: unknown) => void
}): Promise<ComposedRegistries> {
  const opened: OpenListener[] = []
  const services: RegistryService[] = []
  const close = async () => {
    for (const s of services) s.stop()
    await Promise.all(opened.map((l) => l.close()))
  }
  const endpoints: EndpointsRegistry[] = []
  try {
    for (const [i, spec] of (o.azure?.registries ?? []).entries()) {
      const port = o.config.portBase === 0 ? 0 : o.config.portBase + REGISTRY_PORT_OFFSET + i
      if (port > 65535)
        throw new ConfigError([
          `port-base ${o.config.portBase}: registry '${spec.name}' would listen on port ${port}, above 65535; choose a lower --port-base`,
        ])
      const listener = await openListener({
        host: o.config.host,
        port,
        tls: { cert: o.pki.server.certPem, key: o.pki.server.keyPem, ca: o.pki.ca.certPem },
        onUnexpected: o.onUnexpected,
      })
      opened.push(listener)
      // The login server other machines use: the first --public-host when there is one (docs/security.md).
      const url = publicUrl(listener.url, o.config.publicHosts)
      const loginServer = new URL(url).host
      const dir = join(o.stateDir, 'registries', spec.name.toLowerCase())
      mkdirSync(dir, { recursive: true, mode: 0o700 })
      const service = await createRegistryService(spec, {
        dir,
        loginServer,
        rbac: o.rbac,
        directory: o.directory,
        clock: o.clock,
        events: o.events,
        verifyEntra: (jwt) =>
          verifyIssuedToken(jwt, {
            keys: o.keys,
            clock: o.clock,
            issuers: o.issuers,
            tenantId: o.directory.tenant.id,
          }),
        onUnexpected: o.onUnexpected,
      })
      // The same Host and cross-site checks as every other listener (src/http/host-guard.ts).
      const guard = {
        names: ownHostNames(o.config),
        scheme: 'https' as const,
        port: listener.port,
        refuse: registryRefusal,
      }
      listener.serve(hostGuard(service.handler, guard))
      services.push(service)
      endpoints.push({
        name: spec.name,
        loginServer,
        url,
        resourceId: spec.resourceId,
        roleAssignmentMode: spec.roleAssignmentMode,
      })
    }
  } catch (err) {
    await close()
    throw err
  }
  return { endpoints, services, close }
}
