/** Fuzz of the ARM listener, a third of the requests with a valid user token (fuzz-suite.ts). */
import { armTarget, userToken } from './fuzz-targets.js'
import { fuzzListeners } from './fuzz-suite.js'

fuzzListeners([
  {
    name: 'arm',
    seed: 1503,
    target: async (sim) => armTarget(sim, await userToken(sim, 'https://management.azure.com/.default')),
  },
])
