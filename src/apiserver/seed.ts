/**
 * The initial cluster content, written once to a new store: the namespaces and the `kubernetes`
 * service every cluster has, then the scenario's objects (namespaces first), each through the same
 * create path as an API request so they get the same defaults and validation. An object the
 * scenario cannot have is a configuration error at start-up.
 */
import { ConfigError } from '../kernel/errors.js'
import type { KubernetesManifest } from '../rbac/index.js'
import type { ServerContext } from './context.js'
import { KubeStatusError, type FieldError } from '../kube/index.js'
import { create, replace } from './rest/write.js'
import { conformCustom } from './crd/structural.js'
import { conform } from './schema/conform.js'
import type { KubeObject } from './types.js'

const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system']

export function seedCluster(ctx: ServerContext, objects: readonly KubernetesManifest[]): void {
  const namespaces = ctx.registry.byResource('', 'namespaces')!
  const services = ctx.registry.byResource('', 'services')!
  for (const name of SYSTEM_NAMESPACES)
    if (!ctx.store.get(namespaces, '', name)) create(ctx, namespaces, '', { metadata: { name } })
  if (!ctx.store.get(services, 'default', 'kubernetes'))
    create(ctx, services, 'default', {
      metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: {
        clusterIP: '10.0.0.1',
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 443 }],
      },
    })

  const problems: string[] = []
  // Namespaces the scenario's objects live in exist even when the scenario does not declare them.
  for (const m of objects) {
    const def = ctx.registry.byKind(m.apiVersion, m.kind)
    const ns = m.metadata.namespace ?? 'default'
    if (
      def?.namespaced &&
      !ctx.store.get(namespaces, '', ns) &&
      !objects.some((o) => o.kind === 'Namespace' && o.metadata.name === ns)
    )
      try {
        create(ctx, namespaces, '', { metadata: { name: ns } })
      } catch (err) {
        if (!(err instanceof KubeStatusError)) throw err
        problems.push(`namespace ${JSON.stringify(ns)} of ${m.kind} ${m.metadata.name}: ${err.message}`)
      }
  }
  const ordered = [...objects.entries()].sort(
    ([ia, a], [ib, b]) => Number(b.kind === 'Namespace') - Number(a.kind === 'Namespace') || ia - ib,
  )
  for (const [i, manifest] of ordered) {
    const where = `kubernetes.objects[${i}] (${manifest.kind} ${manifest.metadata.namespace ? `${manifest.metadata.namespace}/` : ''}${manifest.metadata.name})`
    const def = ctx.registry.byKind(manifest.apiVersion, manifest.kind)
    if (!def || !def.stored) {
      problems.push(`${where}: no served kind ${manifest.apiVersion}/${manifest.kind}`)
      continue
    }
    const c = def.custom
      ? conformCustom(ctx.model, def.custom.schema, manifest)
      : conform(ctx.model, def.proto, manifest)
    const schemaError = 'errors' in c ? (c.errors as FieldError[])[0]?.message : undefined
    if (c.typeError || c.unknownFields.length || schemaError) {
      problems.push(
        `${where}: ${c.typeError ?? schemaError ?? `unknown field ${c.unknownFields.map((f) => JSON.stringify(f)).join(', ')}`}`,
      )
      continue
    }
    const body = c.value as KubeObject
    const ns = def.namespaced ? (manifest.metadata.namespace ?? 'default') : ''
    try {
      const existing = ctx.store.get(def, ns, manifest.metadata.name)
      if (existing)
        replace(
          ctx,
          def,
          existing,
          { ...body, metadata: { ...body.metadata, namespace: ns || undefined } },
          '',
        )
      else create(ctx, def, ns, body)
    } catch (err) {
      if (!(err instanceof KubeStatusError)) throw err
      problems.push(`${where}: ${err.message}`)
    }
  }
  if (problems.length) throw new ConfigError(problems)
}
