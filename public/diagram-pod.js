// The pod identities (docs/pod-identity.md): workload identity federation — the kubelet projects a
// service account token into the pod, the pod trades it at Microsoft Entra ID for an app's access
// token (learn.microsoft.com/azure/aks/workload-identity-overview) — and a managed identity's token
// from the instance metadata service (learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token).
// Step numbers are the ones src/ui/flows/pod-flows.ts gives the flows.

/** @typedef {import('./diagram.js').Picture} Picture */

/** @type {Picture} */
export const WORKLOAD_IDENTITY_PICTURE = {
  id: 'workload-identity',
  title: 'Workload identity',
  description:
    'Workload identity: the pod trades its service account token at Microsoft Entra ID for an access token',
  width: 1200,
  height: 450,
  nodes: [
    { id: 'pod', label: 'Pod', sub: 'app + Azure Identity SDK', x: 20, y: 180, w: 250, h: 110 },
    { id: 'kubelet', label: 'kubelet', sub: 'projected token volume', x: 470, y: 330, w: 270, h: 100 },
    { id: 'api', label: 'API server', sub: 'TokenRequest', x: 910, y: 330, w: 270, h: 100 },
    { id: 'entra', label: 'Microsoft Entra ID', sub: 'federated credential', x: 470, y: 30, w: 270, h: 100 },
    { id: 'issuer', label: 'Cluster OIDC issuer', sub: 'discovery · JWKS', x: 910, y: 30, w: 270, h: 100 },
  ],
  arrows: [
    { n: 1, d: 'M 740 380 H 906', at: [823, 380], caption: 'TokenRequest', captionAt: [823, 355] },
    { n: 2, d: 'M 470 380 H 145 V 294', at: [300, 380], caption: 'token file', captionAt: [300, 355] },
    { n: 3, d: 'M 145 180 V 70 H 466', at: [300, 70], caption: 'client assertion', captionAt: [300, 45] },
    {
      n: 4,
      d: 'M 680 130 V 200 H 540 V 134',
      at: [610, 200],
      caption: 'issuer · subject · audience',
      captionAt: [610, 232],
    },
    { n: 5, d: 'M 740 80 H 906', at: [823, 80], caption: 'signing keys', captionAt: [823, 55] },
    { n: 6, d: 'M 470 115 H 220 V 176', at: [345, 115], caption: 'access token', captionAt: [345, 148] },
  ],
  steps: [
    {
      n: 1,
      title: 'The API server issues a service account token (TokenRequest)',
      actor: 'kubelet → API server',
    },
    { n: 2, title: "The kubelet writes the token into the pod's projected volume", actor: 'kubelet → pod' },
    { n: 3, title: 'The pod sends the token to Entra ID as a client assertion', actor: 'pod → Entra ID' },
    { n: 4, title: 'Entra ID matches a federated credential: issuer, subject, audience', actor: 'Entra ID' },
    {
      n: 5,
      title: "Entra ID checks the token's signature with the issuer's keys",
      actor: 'Entra ID → OIDC issuer',
    },
    { n: 6, title: 'Entra ID returns an access token for the app', actor: 'Entra ID → pod' },
  ],
}

/** @type {Picture} */
export const MANAGED_IDENTITY_PICTURE = {
  id: 'managed-identity',
  title: 'Managed identity (IMDS)',
  description: 'Managed identity: a token from the instance metadata service (IMDS)',
  width: 1200,
  height: 300,
  nodes: [
    { id: 'caller', label: 'Pod or node', sub: 'SDK · kubelet', x: 20, y: 90, w: 250, h: 120 },
    { id: 'imds', label: 'IMDS', sub: '169.254.169.254', x: 470, y: 90, w: 270, h: 120 },
    { id: 'entra', label: 'Microsoft Entra ID', sub: 'managed identity', x: 910, y: 90, w: 270, h: 120 },
  ],
  arrows: [
    { n: 1, d: 'M 270 120 H 466', at: [368, 120], caption: 'token request', captionAt: [368, 90] },
    { n: 2, d: 'M 740 150 H 906', at: [823, 150], caption: "identity's token", captionAt: [823, 118] },
    { n: 3, d: 'M 470 180 H 274', at: [368, 180], caption: 'access token', captionAt: [368, 212] },
  ],
  steps: [
    { n: 1, title: 'The caller asks IMDS for a token (header Metadata: true)', actor: 'pod or node → IMDS' },
    { n: 2, title: "IMDS gets the identity's token from Entra ID", actor: 'IMDS → Entra ID' },
    { n: 3, title: 'IMDS returns the access token', actor: 'IMDS → caller' },
  ],
}
