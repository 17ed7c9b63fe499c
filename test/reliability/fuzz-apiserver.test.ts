/** Fuzz of the Kubernetes API server, a third of the requests as its admin (fuzz-suite.ts). */
import { apiServerTarget } from './fuzz-targets.js'
import { fuzzListeners } from './fuzz-suite.js'

fuzzListeners([{ name: 'apiServer', seed: 1504, target: apiServerTarget, health: '/healthz' }])
