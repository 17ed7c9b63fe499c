/** The scenario a simulator starts from: the options' object or file, or the demo tenant. */
import type { SimulatorOptions } from './options.js'
import { demoScenario } from '../scenario/index.js'
import { loadScenarioFile, validateScenario } from '../scenario/index.js'
import type { Scenario } from '../scenario/index.js'

export function startingScenario(scenario: SimulatorOptions['scenario']): Scenario {
  if (scenario === undefined) return validateScenario(demoScenario(), 'demo scenario')
  return typeof scenario === 'string' ? loadScenarioFile(scenario) : validateScenario(scenario)
}
