/** Scenario files: the type, schema, loading and the demo tenant, assembled from each slice's own section (docs/scenario.md). */
export { type Scenario } from './types.js'
export { DEMO_CI_SECRET, DEMO_PASSWORD, DEMO_WEBHOOK_SECRET, demoScenario } from './demo.js'
export { loadScenarioFile, validateScenario } from './load.js'
