// Types only (JSDoc, checked by tsc with checkJs; see public/tsconfig.json): the JSON the UI's API
// answers, taken from the server's own types where it has them, and the contract between the shell
// and its pages. Nothing here runs; the pages import these names in JSDoc `import()` types only.

/** @typedef {import('../src/ui/flows/types.js').Flow} Flow */
/** @typedef {import('../src/ui/flows/types.js').FlowStep} FlowStep */
/** @typedef {import('../src/ui/flows/types.js').StepState} StepState */
/** @typedef {(typeof import('../src/ui/flows/types.js').FLOW_STEPS)[number]} StepMeta */
/** @typedef {import('../src/ui/explorer/check.js').AccessAnswer} AccessAnswer */
/** @typedef {import('../src/ui/explorer/who-can.js').WhoCanAnswer} WhoCanAnswer */
/** @typedef {import('../src/kube/reviews/types.js').SubjectAccessReviewSpec} SubjectAccessReviewSpec */
/** @typedef {import('../src/kernel/faults.js').FaultSpec} FaultSpec */

/**
 * GET /api/state (src/ui/server.ts), the fields the pages read.
 * @typedef {object} UiState
 * @property {{ id: string, domain: string }} tenant
 * @property {ReturnType<import('../src/admin/types.js').SimulatorControls['clock']>} clock
 * @property {ReturnType<import('../src/admin/types.js').SimulatorControls['keys']>} keys
 * @property {import('../src/kernel/faults.js').ActiveFault[]} faults
 * @property {import('../src/admin/types.js').DeviceCodeView[]} deviceCodes
 * @property {readonly StepMeta[]} steps
 */

/** GET /api/directory (src/ui/access-routes.ts). @typedef {import('../src/ui/explorer/identity.js').DirectoryView} UiDirectory */
/** @typedef {UiDirectory['groups'][number]} DirectoryGroup */

/**
 * GET /api/access/assignments (src/ui/access-routes.ts).
 * @typedef {object} AssignmentsAnswer
 * @property {boolean} enabled
 * @property {string} [clusterResourceId]
 * @property {(import('../src/azure-rbac/model.js').RoleAssignment & { principal: string, role: string, namespace?: string })[]} value
 * @property {{ id: string, name: string, dataActions: string[] }[]} [roles]
 */

/**
 * GET /api/access/bindings (src/ui/access-routes.ts): bindings with group subjects' display names.
 * @typedef {object} BindingsAnswer
 * @property {boolean} available
 * @property {string[]} namespaces
 * @property {string[]} clusterRoles
 * @property {(Omit<import('../src/ui/kubernetes.js').BindingView, 'subjects'> & { subjects: (import('../src/ui/kubernetes.js').BindingView['subjects'][number] & { displayName?: string })[] })[]} value
 */

/**
 * What the shell (app.js) hands every page.
 * @typedef {object} Shared
 * @property {UiState | undefined} state
 * @property {UiDirectory | undefined} directory
 * @property {() => Promise<UiState>} refreshState
 * @property {(force?: boolean) => Promise<UiDirectory>} loadDirectory
 */

/**
 * What a page's mount function returns: how the shell tells it about new state, or that it is shown again.
 * @typedef {object} Page
 * @property {(state: UiState) => void} [onState]
 * @property {() => void} [onShow]
 */

export {}
