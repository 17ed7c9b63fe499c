/**
 * The cluster-role aggregation controller: after every ClusterRole change, write the aggregated rules
 * into each ClusterRole that has an aggregationRule, so `kubectl get clusterrole admin -o yaml` shows
 * them as on a real cluster. (The RBAC engine aggregates by itself; this is what readers of the store see.)
 */
import type { ApiServer } from '../apiserver/index.js'
import { aggregateClusterRoleObjects } from '../rbac/index.js'

export function startAggregationController(api: ApiServer): () => void {
  const def = api.registry.byResource('rbac.authorization.k8s.io', 'clusterroles')
  if (!def) return () => undefined
  const reconcile = () => {
    const roles = api.rbac.list('ClusterRole')
    for (const [name, rules] of aggregateClusterRoleObjects(roles).rules) {
      const current = roles.find((r) => r.metadata.name === name)
      // Equal rules: nothing to write (this also ends the loop the write itself triggers).
      if (!current || JSON.stringify(current.rules ?? []) === JSON.stringify(rules)) continue
      api.store.put(def, { ...current, rules }, 'MODIFIED')
    }
  }
  reconcile()
  return api.rbac.subscribe((change) => {
    if (change.kind === 'ClusterRole') reconcile()
  })
}
