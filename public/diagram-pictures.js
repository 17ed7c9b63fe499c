// Which picture a flow is drawn on: the pod identities and the registry pull have their own, every
// other flow (kubectl, sign-ins, webhook reviews, host actions) is a part of the AKS sign-in.
import { AKS_PICTURE } from './diagram-aks.js'
import { MANAGED_IDENTITY_PICTURE, WORKLOAD_IDENTITY_PICTURE } from './diagram-pod.js'
import { REGISTRY_PULL_PICTURE } from './diagram-registry.js'

/** @typedef {import('./diagram.js').Picture} Picture */

/** @type {Record<string, Picture>} */
const BY_KIND = {
  'workload-identity': WORKLOAD_IDENTITY_PICTURE,
  'managed-identity': MANAGED_IDENTITY_PICTURE,
  'registry-pull': REGISTRY_PULL_PICTURE,
}

/**
 * @param {string} kind a flow's kind
 * @returns {Picture}
 */
export const pictureFor = (kind) => (Object.hasOwn(BY_KIND, kind) ? BY_KIND[kind] : undefined) ?? AKS_PICTURE
