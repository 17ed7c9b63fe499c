/** The scenario slice's public surface: what other slices may import. */
export { type Scenario } from './types.js'
export { DEMO_PASSWORD, DEMO_WEBHOOK_SECRET, demoScenario } from './demo.js'
export { loadScenarioFile, validateScenario } from './load.js'
