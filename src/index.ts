/**
 * aks-auth-sim's programmatic API, for test suites: start a simulator, drive it, stop it.
 *
 * @example
 * const sim = await startSimulator()
 * // … sign in with msal-node against sim.endpoints.authority, approve with sim.approveDeviceCode(code, 'bob@contoso.onmicrosoft.com')
 * await sim.stop()
 */
export {
  startSimulator,
  SERVICE_PORTS,
  type Endpoints,
  type Simulator,
  type SimulatorOptions,
  type StartOptions,
} from './composition/index.js'
export type { Scenario } from './scenario/index.js'
// The admin API's credential: `adminFetch` sends it; `readAdminToken` reads `<state-dir>/admin-token`.
export { adminFetch, type AdminTarget } from './client/index.js'
export { readAdminToken } from './kernel/admin-token.js'
export type { FaultSpec } from './kernel/faults.js'
export type { SimEvent } from './kernel/events.js'
export { ConfigError } from './kernel/errors.js'
export { loadConfigFile, type ConfigFileOptions } from './config/index.js'
export { demoScenario, DEMO_PASSWORD, DEMO_WEBHOOK_SECRET } from './scenario/index.js'
export {
  AKS_SERVER_APP_ID,
  AKS_CLIENT_APP_ID,
  AZURE_CLI_APP_ID,
  GRAPH_APP_ID,
  ARM_APP_ID,
} from './kernel/first-party.js'
