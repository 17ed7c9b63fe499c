/** The composition slice's public surface: what other slices may import. */
export { type Endpoints } from './endpoints.js'
export { type Simulator, type StartOptions, startSimulator } from './simulator.js'
export { SERVICE_PORTS } from './listeners.js'
