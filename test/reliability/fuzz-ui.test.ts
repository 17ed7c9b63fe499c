/** Fuzz of the web UI: its pages, the device login page and its `/api` (fuzz-suite.ts). */
import { uiTarget } from './fuzz-targets.js'
import { fuzzListeners } from './fuzz-suite.js'

fuzzListeners([{ name: 'ui', seed: 1510, target: uiTarget, health: '/api/state' }])
