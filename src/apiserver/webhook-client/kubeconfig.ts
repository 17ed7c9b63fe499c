/**
 * Reads a webhook kubeconfig the way kube-apiserver does for `--authentication-token-webhook-config-file`
 * and `--authorization-webhook-config-file`: the current context's cluster (server URL, CA) and user
 * (client certificate and key, inline or as files).
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parse } from 'yaml'

export interface WebhookTarget {
  server: string
  ca: string
  cert?: string
  key?: string
}

interface Named<T> {
  name: string
  [k: string]: T | string
}

export function readWebhookKubeconfig(path: string): WebhookTarget {
  const doc = parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  const base = dirname(path)
  const pick = <T>(list: unknown, name: string | undefined, field: string): T => {
    const items = (Array.isArray(list) ? list : []) as Named<T>[]
    const item = (name ? items.find((i) => i.name === name) : items[0]) ?? items[0]
    if (!item) throw new Error(`${path}: no ${field} entry`)
    return item[field] as T
  }
  const contextName = doc['current-context'] as string | undefined
  const ctx = pick<{ cluster?: string; user?: string }>(doc.contexts, contextName, 'context')
  const cluster = pick<Record<string, string>>(doc.clusters, ctx.cluster, 'cluster')
  const user = pick<Record<string, string>>(doc.users, ctx.user, 'user')
  const data = (inline: string | undefined, file: string | undefined) =>
    inline
      ? Buffer.from(inline, 'base64').toString('utf8')
      : file
        ? readFileSync(resolve(base, file), 'utf8')
        : undefined
  const ca = data(cluster['certificate-authority-data'], cluster['certificate-authority'])
  if (!cluster.server || !ca)
    throw new Error(`${path}: the cluster needs server and certificate-authority(-data)`)
  const cert = data(user['client-certificate-data'], user['client-certificate'])
  const key = data(user['client-key-data'], user['client-key'])
  return { server: cluster.server, ca, ...(cert && { cert }), ...(key && { key }) }
}
