/** The scenario a simulator starts from: the options' object or file, or the demo tenant. */
import type { SimulatorOptions } from './options.js'
import { demoScenario, loadScenarioFile, validateScenario } from '../scenario/index.js'
import type { Scenario } from '../scenario/index.js'

export function startingScenario(scenario: SimulatorOptions['scenario']): Scenario {
  // The demo is code, proved valid by the tests (test/scenario, test/rbac): checking it at every start
  // would cost the schema compilation.
  if (scenario === undefined) return demoScenario()
  return typeof scenario === 'string' ? loadScenarioFile(scenario) : validateScenario(scenario)
}
