/**
 * The admin API (docs/admin-api.md): the simulator's controls, and their HTTPS+JSON surface. Other slices
 * add their own routes under a path prefix with `AdminExtension`.
 */
export { createControls } from './controls.js'
export type { DeviceCodeView, SimulatorControls } from './types.js'
export { createAdminApp, type AdminExtension } from './routes.js'
