/** The scenario a simulator starts from: the options' object or file, or the demo tenant. */
import type { SimulatorOptions } from '../options.js'
import { demoScenario } from '../scenario/demo.js'
import { loadScenarioFile, validateScenario } from '../scenario/load.js'
import type { Scenario } from '../scenario/types.js'

export function startingScenario(scenario: SimulatorOptions['scenario']): Scenario {
  if (scenario === undefined) return validateScenario(demoScenario(), 'demo scenario')
  return typeof scenario === 'string' ? loadScenarioFile(scenario) : validateScenario(scenario)
}
