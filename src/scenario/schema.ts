/**
 * JSON Schema of the scenario file (draft 2020-12, published as docs/scenario.schema.json), assembled
 * from the directory input's keys and each slice's section. Unknown keys are errors everywhere, so a
 * typo never silently does nothing.
 */
import { azureScenarioSchema } from '../azure-rbac/index.js'
import { directoryInputSchema } from '../kernel/directory-validation.js'
import { podIdentityScenarioSchema } from '../pod-identity/index.js'
import { kubernetesScenarioSchema } from '../rbac/index.js'

export const scenarioSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://aks-auth-sim.local/scenario.schema.json',
  title: 'aks-auth-sim scenario',
  type: 'object',
  additionalProperties: false,
  required: directoryInputSchema.required,
  properties: {
    kubernetes: kubernetesScenarioSchema,
    podIdentity: podIdentityScenarioSchema,
    azure: azureScenarioSchema,
    ...directoryInputSchema.properties,
  },
} as const
