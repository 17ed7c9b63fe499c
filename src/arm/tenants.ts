/**
 * `GET /tenants` (Microsoft.Resources, azure-rest-api-specs GetTenants.json): the directories the
 * caller's account belongs to. The simulator has one tenant, and every token it accepts is from it, so
 * the list is that tenant — the caller's home (`tenantCategory: Home`). `az login` without `--tenant`
 * signs in to each tenant listed here and then lists its subscriptions.
 */
import type { ArmDeps } from './deps.js'

export function listTenants(deps: ArmDeps): { value: Record<string, unknown>[] } {
  const t = deps.directory.tenant
  return {
    value: [
      {
        id: `/tenants/${t.id}`,
        tenantId: t.id,
        countryCode: 'US',
        displayName: t.displayName,
        domains: [t.domain],
        tenantCategory: 'Home',
        defaultDomain: t.domain,
        tenantType: 'AAD',
      },
    ],
  }
}
