/** Fuzz of the Graph and ARM listeners, a third of the requests with a valid user token (fuzz-suite.ts). */
import { armTarget, graphTarget, userToken } from './fuzz-targets.js'
import { fuzzListeners } from './fuzz-suite.js'

fuzzListeners([
  {
    name: 'graph',
    seed: 1502,
    target: async (sim) => graphTarget(sim, await userToken(sim, 'https://graph.microsoft.com/.default')),
    health: '/v1.0/me',
  },
  {
    name: 'arm',
    seed: 1503,
    target: async (sim) => armTarget(sim, await userToken(sim, 'https://management.azure.com/.default')),
  },
])
