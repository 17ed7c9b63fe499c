/**
 * The container registries' listeners (docs/acr.md): one HTTPS listener per registry of the
 * scenario, because real clients address a registry by its login server (the Host) and a loopback
 * simulator cannot give each registry its own DNS name that every client resolves (`*.localhost` does
 * not resolve through glibc or Go here). The login server is therefore `<host>:<port>`, on port
 * `portBase + REGISTRY_PORT_OFFSET + slot` (or an OS-chosen port with `--port-base 0`), where a
 * scenario registry's slot is its index and a registry created over ARM takes the next free one
 * (registry-ledger.ts). ARM's `PUT`/`DELETE` open and close listeners here at run time; the lists
 * (`endpoints`, `services`) are live, so the admin API, the kubelet and endpoints.json follow.
 */
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { createRegistryService, type RegistryService } from '../acr/index.js'
import type { AzureRbac, ResolvedAzure, ResolvedRegistry } from '../azure-rbac/index.js'
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
import type { RegistryLedger } from './registry-ledger.js'

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
  /** Live: registries created or deleted over ARM join or leave this list. */
  endpoints: EndpointsRegistry[]
  /** Live, as `endpoints` (ARM's settings store and the admin API read this array). */
  services: RegistryService[]
  /**
   * ARM's `PUT …/registries/{name}`: opens the listener, creates empty storage, records it; false when
   * a registry of that name exists by then.
   */
  create(spec: ResolvedRegistry): Promise<boolean>
  /** ARM's `DELETE`: closes the listener, removes the storage, records it. */
  remove(name: string): Promise<void>
  close(): Promise<void>
}

interface OpenRegistry {
  name: string
  listener: OpenListener
  service: RegistryService
  dir: string
}

export async function composeRegistries(o: {
  config: Pick<ResolvedConfig, 'host' | 'portBase' | 'publicHosts'>
  pki: Pki
  azure: ResolvedAzure | undefined
  rbac: AzureRbac | undefined
  /** Created and deleted registries (the state dir's); absent: the scenario's registries only. */
  ledger: RegistryLedger | undefined
  directory: Directory
  clock: Clock
  keys: KeyStore
  events: EventBus
  issuers: () => Issuers
  stateDir: string
  onUnexpected: (err: unknown) => void
  /** Called after a registry was created or deleted (endpoints.json is rewritten). */
  onChange?: () => void
}): Promise<ComposedRegistries> {
  const open: OpenRegistry[] = []
  const services: RegistryService[] = []
  const endpoints: EndpointsRegistry[] = []
  const lower = (s: string) => s.toLowerCase()

  const openRegistry = async (spec: ResolvedRegistry, slot: number): Promise<void> => {
    const port = o.config.portBase === 0 ? 0 : o.config.portBase + REGISTRY_PORT_OFFSET + slot
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
    try {
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
      open.push({ name: spec.name, listener, service, dir })
      services.push(service)
      endpoints.push({
        name: spec.name,
        loginServer,
        url,
        resourceId: spec.resourceId,
        roleAssignmentMode: spec.roleAssignmentMode,
      })
    } catch (err) {
      await listener.close()
      throw err
    }
  }

  const close = async () => {
    for (const r of open) r.service.stop()
    await Promise.all(open.map((r) => r.listener.close()))
  }
  try {
    for (const [i, spec] of (o.azure?.registries ?? []).entries())
      await openRegistry(spec, o.ledger ? o.ledger.slotOf(spec.name) : i)
  } catch (err) {
    await close()
    throw err
  }

  // Creations and deletions one at a time: a port slot and a name are decided with nothing in flight.
  let queue: Promise<unknown> = Promise.resolve()
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const next = queue.then(job, job)
    queue = next.catch(() => undefined)
    return next
  }

  const create = (spec: ResolvedRegistry) =>
    serial(async () => {
      if (!o.azure || !o.ledger) throw new Error('registries cannot be created without a state ledger')
      // A concurrent PUT of the same name got there first: this one becomes an update (ARM's 200).
      if (o.azure.registries.some((r) => lower(r.name) === lower(spec.name))) return false
      const slot = o.ledger.freeSlot()
      // Leftovers of an earlier registry of that name (deleted while files were open) are not its content.
      rmSync(join(o.stateDir, 'registries', spec.name.toLowerCase()), { recursive: true, force: true })
      await openRegistry(spec, slot)
      o.azure.registries.push(spec)
      o.ledger.recordCreated({ spec, slot })
      o.onChange?.()
      return true
    })

  const remove = (name: string) =>
    serial(async () => {
      const i = open.findIndex((r) => lower(r.name) === lower(name))
      if (o.azure) {
        const j = o.azure.registries.findIndex((r) => lower(r.name) === lower(name))
        if (j >= 0) o.azure.registries.splice(j, 1)
      }
      o.ledger?.recordDeleted(name)
      if (i < 0) return
      const [r] = open.splice(i, 1)
      services.splice(services.indexOf(r!.service), 1)
      endpoints.splice(
        endpoints.findIndex((e) => lower(e.name) === lower(name)),
        1,
      )
      o.onChange?.()
      r!.service.stop()
      await r!.listener.close()
      rmSync(r!.dir, { recursive: true, force: true })
    })

  return { endpoints, services, create, remove, close }
}
