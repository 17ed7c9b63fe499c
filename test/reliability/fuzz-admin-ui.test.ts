/**
 * Fuzz of the control surfaces: the admin API and the web UI (pages and `/api`) (fuzz-suite.ts). The
 * admin fuzz may set faults and move the clock within its bounds; faults are cleared before each run.
 */
import { adminTarget, uiTarget } from './fuzz-targets.js'
import { fuzzListeners } from './fuzz-suite.js'

fuzzListeners([
  { name: 'admin', seed: 1509, target: adminTarget, health: '/health' },
  { name: 'ui', seed: 1510, target: uiTarget, health: '/api/state' },
])
