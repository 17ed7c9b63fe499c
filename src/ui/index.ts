/**
 * The web UI (docs/architecture.md, "The event bus and the UI"): the device login page, the live flows,
 * the access explorer and the host controls.
 */
export { createUiService, type UiService } from './server.js'
export { kubernetesFromApiServer, type UiKubernetes } from './kubernetes.js'
export type { UiAzure, UiRoom } from './deps.js'
