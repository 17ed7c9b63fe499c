/**
 * Fuzz of the admin API (fuzz-suite.ts). It may set faults and move the clock within its bounds; the
 * simulator is this file's own.
 */
import { adminTarget } from './fuzz-targets.js'
import { fuzzListeners } from './fuzz-suite.js'

fuzzListeners([{ name: 'admin', seed: 1509, target: adminTarget, health: '/health' }])
