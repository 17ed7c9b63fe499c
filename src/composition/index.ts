/** The composition root: `startSimulator` and what its callers (the CLI, the public API) need with it. */
export { type Endpoints } from './endpoints.js'
export { type Simulator, type StartOptions, startSimulator } from './simulator.js'
export { isLoopbackHost, SERVICE_PORTS } from './listeners.js'
export { type SimulatorOptions } from './options.js'
