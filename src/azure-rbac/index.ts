/**
 * The Azure RBAC slice's surface for the scenario module: the `azure` section's type, schema and demo
 * values (see scenario.ts). The section's reference checks run when it resolves (scenario-resolve.ts).
 */
export { azureScenarioSchema, demoAzure, type AzureScenario } from './scenario.js'
