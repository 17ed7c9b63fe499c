/**
 * Reading, merging and writing kubeconfig files with the `yaml` package, the way `az aks
 * get-credentials` merges (azure-cli `merge_kubernetes_configurations` / `_handle_merge`): the new
 * cluster, user and context replace entries of the same name only when identical or with
 * `--overwrite-existing` (or a "y" at the prompt on a terminal); otherwise the merge stops with az's
 * error. Every other entry is kept; the file is written atomically and created 0600.
 */
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { randomBytes } from 'node:crypto'
import { dirname } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { parse, stringify } from 'yaml'
import { SignInError } from './errors.js'

export interface NamedEntry {
  name: string
  [key: string]: unknown
}

export interface KubeConfig {
  apiVersion?: string
  kind?: string
  clusters?: NamedEntry[] | null
  users?: NamedEntry[] | null
  contexts?: NamedEntry[] | null
  'current-context'?: string
  preferences?: unknown
  [key: string]: unknown
}

export function parseKubeconfig(text: string, source: string): KubeConfig {
  let parsed: unknown
  try {
    // kubectl reads YAML 1.1 (go-yaml): `yes`, `on`, `y` are booleans there, so they are here too.
    parsed = parse(text, { version: '1.1' })
  } catch (err) {
    throw new SignInError('usage', `Error parsing ${source} (${(err as Error).message})`)
  }
  if (parsed === null || parsed === undefined) return {}
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new SignInError(
      'usage',
      `Error parsing ${source} (not a kubeconfig: the document is not a mapping)`,
    )
  return parsed as KubeConfig
}

export function readKubeconfig(file: string): KubeConfig {
  if (!existsSync(file)) return {}
  return parseKubeconfig(readFileSync(file, 'utf8'), file)
}

export function writeKubeconfig(file: string, config: KubeConfig): void {
  mkdirSync(dirname(file), { recursive: true })
  const mode = existsSync(file) ? lstatSync(file).mode & 0o777 : 0o600
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`
  try {
    writeFileSync(tmp, stringify(config, { lineWidth: 0, version: '1.1' }), { mode, flag: 'wx' })
    chmodSync(tmp, mode)
    renameSync(tmp, file)
  } finally {
    rmSync(tmp, { force: true })
  }
}

export type ConfirmOverwrite = (name: string) => Promise<boolean>

async function handleMerge(
  existing: KubeConfig,
  addition: KubeConfig,
  key: 'clusters' | 'users' | 'contexts',
  replace: boolean,
  confirm: ConfirmOverwrite | undefined,
): Promise<void> {
  const added = addition[key]?.[0]
  if (!added) return
  const current = existing[key]
  if (!Array.isArray(current)) {
    existing[key] = [added]
    return
  }
  const kept: NamedEntry[] = []
  for (const entry of current) {
    if (entry?.name !== added.name) {
      kept.push(entry)
      continue
    }
    if (replace || isDeepStrictEqual(entry, added)) continue
    if (confirm && (await confirm(added.name))) continue
    throw new SignInError(
      'usage',
      `A different object named ${added.name} already exists in ${key} in your kubeconfig file.`,
    )
  }
  existing[key] = [...kept, added]
}

/** The addition's names as az sets them: `--context` renames context and cluster; admin contexts get `-admin`. */
export function renameForMerge(addition: KubeConfig, contextName: string | undefined): void {
  const contexts = (addition.contexts ?? []) as (NamedEntry & { context?: { cluster?: string } })[]
  const ctx = contexts[0]
  const cluster = addition.clusters?.[0]
  if (contextName !== undefined && ctx && cluster) {
    ctx.name = contextName
    if (ctx.context) ctx.context.cluster = contextName
    cluster.name = contextName
    addition['current-context'] = contextName
  }
  for (const c of (addition.contexts ?? []) as (NamedEntry & { context?: { user?: string } })[]) {
    if (typeof c.context?.user === 'string' && c.context.user.startsWith('clusterAdmin')) {
      c.name = `${c.name}-admin`
      addition['current-context'] = c.name
      break
    }
  }
}

export async function mergeKubeconfig(
  existing: KubeConfig,
  addition: KubeConfig,
  o: { overwrite: boolean; confirm?: ConfirmOverwrite },
): Promise<KubeConfig> {
  if (Object.keys(existing).length === 0) return addition
  const merged: KubeConfig = { ...existing }
  await handleMerge(merged, addition, 'clusters', o.overwrite, o.confirm)
  await handleMerge(merged, addition, 'users', o.overwrite, o.confirm)
  await handleMerge(merged, addition, 'contexts', o.overwrite, o.confirm)
  if (addition['current-context'] !== undefined) merged['current-context'] = addition['current-context']
  merged.apiVersion ??= 'v1'
  merged.kind ??= 'Config'
  return merged
}

/** az's warning when the kubeconfig is readable by others. */
export function permissionWarning(file: string): string | undefined {
  if (process.platform === 'win32' || !existsSync(file)) return undefined
  const perms = (lstatSync(file).mode & 0o777).toString(8)
  return perms.endsWith('600')
    ? undefined
    : `${file} has permissions "${perms}".\nIt should be readable and writable only by its owner.`
}
