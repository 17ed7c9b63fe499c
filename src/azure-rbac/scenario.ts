/**
 * The scenario's `azure` section: the subscription, the AKS managed cluster(s), custom role definitions
 * and role assignments. OWNED BY THE AZURE RBAC SLICE (placeholder until it lands).
 */
import type { DemoIds } from '../rbac/scenario.js'

export type AzureScenario = Record<string, never>

export const azureScenarioSchema = { type: 'object', additionalProperties: false, properties: {} } as const

export function demoAzure(_ids: DemoIds): AzureScenario {
  return {}
}
