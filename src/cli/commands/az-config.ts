/**
 * What the real Azure CLI needs to talk to a running simulator, written into an Azure CLI config dir:
 * a custom cloud (`clouds.config`) whose Entra, ARM and Graph endpoints are the simulator's, that cloud
 * made current (`config`), and a CA bundle — the system roots plus the simulator's CA — for
 * `REQUESTS_CA_BUNDLE` (az trusts only that file or certifi's).
 *
 * The cloud's Active Directory endpoint is the simulator's Entra host with `/adfs`: MSAL skips its
 * instance discovery (a call to login.microsoftonline.com, which knows nothing of this host) for an
 * AD FS authority, and the simulator answers `/adfs/.well-known/openid-configuration` with its tenant's
 * document, so every token after that is the tenant's. az ≥ 2.54 also has `core.instance_discovery`,
 * set to false here; older ones (Debian's 2.45) have no other client-side switch (docs/arm.md).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CliError } from '../errors.js'

export const SIM_CLOUD = 'aks-auth-sim'

/** Where the system's trusted roots usually are (Debian/Ubuntu, Fedora/RHEL, Alpine/macOS). */
const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/cert.pem',
]

export interface SimEndpoints {
  authority: string
  arm: string
  graph: string
  caFile: string
  tenantId?: string
}

export function readSimEndpoints(stateDir: string): SimEndpoints {
  const file = join(stateDir, 'endpoints.json')
  if (!existsSync(file))
    throw new CliError(
      `no simulator found: ${file} does not exist. Start one with 'aks-auth-sim start --state-dir ${stateDir}'.`,
    )
  let e: Partial<SimEndpoints>
  try {
    e = JSON.parse(readFileSync(file, 'utf8')) as Partial<SimEndpoints>
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`)
  }
  if (!e.authority || !e.arm || !e.graph || !e.caFile)
    throw new CliError(`${file} lacks the authority, arm, graph or caFile entry`)
  return e as SimEndpoints
}

/** A tiny INI model: az's config files are Python configparser files ([section] and `key = value`). */
type Ini = Map<string, Map<string, string>>

export function parseIni(text: string): Ini {
  const ini: Ini = new Map()
  let section: Map<string, string> | undefined
  for (const line of text.split(/\r?\n/)) {
    const head = /^\s*\[([^\]]+)\]\s*$/.exec(line)
    if (head) {
      section = ini.get(head[1]!) ?? new Map()
      ini.set(head[1]!, section)
      continue
    }
    const kv = /^\s*([^=#;\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line)
    if (kv && section) section.set(kv[1]!, kv[2]!)
  }
  return ini
}

export function formatIni(ini: Ini): string {
  return [...ini]
    .map(([name, kv]) => [`[${name}]`, ...[...kv].map(([k, v]) => `${k} = ${v}`), ''].join('\n'))
    .join('\n')
}

function update(file: string, change: (ini: Ini) => void): void {
  const ini = parseIni(existsSync(file) ? readFileSync(file, 'utf8') : '')
  change(ini)
  writeFileSync(file, formatIni(ini), { mode: 0o600 })
}

const section = (ini: Ini, name: string) => {
  const s = ini.get(name) ?? new Map<string, string>()
  ini.set(name, s)
  return s
}

/** The simulator's cloud, current; telemetry and the online error recommender off. Other settings stay. */
export function writeCloudConfig(configDir: string, e: SimEndpoints): void {
  mkdirSync(configDir, { recursive: true })
  const slash = (u: string) => (u.endsWith('/') ? u : `${u}/`)
  update(join(configDir, 'clouds.config'), (ini) => {
    ini.set(
      SIM_CLOUD,
      new Map([
        ['endpoint_active_directory', `${e.authority.replace(/\/+$/, '')}/adfs`],
        ['endpoint_resource_manager', slash(e.arm)],
        ['endpoint_active_directory_resource_id', 'https://management.core.windows.net/'],
        ['endpoint_management', 'https://management.core.windows.net/'],
        ['endpoint_active_directory_graph_resource_id', 'https://graph.windows.net/'],
        ['endpoint_microsoft_graph_resource_id', slash(e.graph)],
        // `az acr` reads it before anything else; registries are then found over ARM, whose
        // loginServer (the registry's own host:port) is what az uses.
        ['suffix_acr_login_server_endpoint', '.azurecr.io'],
        ['profile', 'latest'],
      ]),
    )
  })
  update(join(configDir, 'config'), (ini) => {
    section(ini, 'cloud').set('name', SIM_CLOUD)
    const core = section(ini, 'core')
    core.set('instance_discovery', 'false')
    core.set('collect_telemetry', 'no')
    core.set('error_recommendation', 'off')
    core.set('survey_message', 'no')
  })
}

/** The system roots followed by the simulator's CA, written to `file`; returns `file`. */
export function writeCaBundle(file: string, simCaFile: string): string {
  const roots = SYSTEM_BUNDLES.find((f) => existsSync(f))
  const parts = [roots ? readFileSync(roots, 'utf8') : '', readFileSync(simCaFile, 'utf8')]
  writeFileSync(file, parts.map((p) => p.trimEnd()).join('\n') + '\n')
  return file
}
