/**
 * One registry's data plane, assembled: settings (seeded from the scenario on first start, then
 * read from its state dir), content storage (seeded with the scenario's images when new), the signing
 * key, the token server and the HTTP application.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AzureRbac, ResolvedRegistry } from '../azure-rbac/index.js'
import type { Clock } from '../kernel/clock.js'
import type { Directory } from '../kernel/directory.js'
import type { EventBus } from '../kernel/events.js'
import { RegistryContent } from './content.js'
import { writeFileAtomic } from './files.js'
import { loadRegistryKey } from './jwt.js'
import { createRegistryApp } from './routes.js'
import { startRetention } from './retention.js'
import { seedRegistry } from './seed.js'
import { settingsFromSpec, type RegistrySettings } from './settings.js'
import { RegistryStorage } from './storage.js'
import type { EntraVerification, TokenServerDeps } from './token-server.js'

/** `az acr login`'s token "is valid for 3 hours"; the documented access token example lives 75 minutes. */
export const DEFAULT_LIFETIMES = { refreshSeconds: 3 * 3600, accessSeconds: 75 * 60 }

export interface RegistryServiceDeps {
  /** `<stateDir>/registries/<name>`. */
  dir: string
  /** `host:port` clients address the registry by (what `service` and `aud` carry). */
  loginServer: string
  rbac: AzureRbac | undefined
  directory: Directory
  clock: Clock
  events: EventBus
  verifyEntra: (jwt: string) => Promise<EntraVerification>
  onUnexpected: (err: unknown) => void
}

export interface RegistryService {
  settings(): RegistrySettings
  /**
   * Changes the settings (ARM's writes): the new settings are on disk (atomically) before this
   * returns, and the token server reads them from the next request on.
   */
  updateSettings(change: (current: RegistrySettings) => RegistrySettings): RegistrySettings
  content: RegistryContent
  handler: ReturnType<typeof createRegistryApp>
  /** Stops the retention policy's timer and subscription. */
  stop(): void
}

export async function createRegistryService(
  spec: ResolvedRegistry,
  deps: RegistryServiceDeps,
): Promise<RegistryService> {
  const settingsFile = join(deps.dir, 'settings.json')
  let settings: RegistrySettings
  if (existsSync(settingsFile)) settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as RegistrySettings
  else {
    settings = settingsFromSpec(spec, deps.loginServer)
    writeFileAtomic(settingsFile, JSON.stringify(settings, null, 2), 0o600)
  }
  // The port may differ between runs (--port-base 0): the login server is this run's.
  settings = { ...settings, loginServer: deps.loginServer }
  const storage = new RegistryStorage(deps.dir)
  const content = new RegistryContent(storage, deps.clock)
  if (storage.isEmpty()) seedRegistry(content, spec, deps.clock.now())
  const key = await loadRegistryKey(join(deps.dir, 'signing-key.json'))
  const tokens: TokenServerDeps = {
    settings: () => settings,
    key,
    clock: deps.clock,
    directory: deps.directory,
    rbac: deps.rbac,
    verifyEntra: deps.verifyEntra,
    lifetimes: DEFAULT_LIFETIMES,
  }
  const handler = createRegistryApp({ tokens, content, events: deps.events, onUnexpected: deps.onUnexpected })
  const updateSettings = (change: (current: RegistrySettings) => RegistrySettings) => {
    const next = change(settings)
    writeFileAtomic(settingsFile, JSON.stringify(next, null, 2), 0o600)
    settings = next
    return settings
  }
  // The settings file is what ARM writes: the policy is read from it on every run.
  const currentSettings = (): RegistrySettings => ({
    ...(JSON.parse(readFileSync(settingsFile, 'utf8')) as RegistrySettings),
    loginServer: deps.loginServer,
  })
  const stop = startRetention({
    content,
    settings: currentSettings,
    clock: deps.clock,
    events: deps.events,
    onUnexpected: deps.onUnexpected,
  })
  return { settings: () => settings, updateSettings, content, handler, stop }
}
