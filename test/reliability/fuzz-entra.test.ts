/** Fuzz of the Entra listener (test/reliability/fuzz-suite.ts). */
import { entraTarget } from './fuzz-targets.js'
import { fuzzListeners } from './fuzz-suite.js'

fuzzListeners([{ name: 'entra', seed: 1501, target: entraTarget }])
