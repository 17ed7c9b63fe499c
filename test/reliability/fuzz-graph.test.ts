/** Fuzz of the Graph listener, a third of the requests with a valid user token (fuzz-suite.ts). */
import { graphTarget, userToken } from './fuzz-targets.js'
import { fuzzListeners } from './fuzz-suite.js'

fuzzListeners([
  {
    name: 'graph',
    seed: 1502,
    target: async (sim) => graphTarget(sim, await userToken(sim, 'https://graph.microsoft.com/.default')),
    health: '/v1.0/me',
  },
])
