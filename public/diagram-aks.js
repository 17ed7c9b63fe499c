// The AKS sign-in as the AKS documentation draws it ("Webhook and API server",
// learn.microsoft.com/azure/aks/concepts-identity): the developer's kubectl with kubelogin, Microsoft
// Entra ID, the API server, the authentication webhook, Microsoft Graph and the authorization step,
// joined by the 11 numbered steps. Coordinates are in the SVG's own units (a 1200 × 520 canvas); the
// step titles are the server's (FLOW_STEPS in src/ui/flows/types.ts).

/** @typedef {import('./diagram.js').Picture} Picture */

/** @type {Picture} */
export const AKS_PICTURE = {
  id: 'aks',
  title: 'AKS sign-in',
  description:
    'AKS sign-in: kubectl, Microsoft Entra ID, the API server, the authentication webhook, Microsoft Graph and RBAC',
  width: 1200,
  height: 520,
  nodes: [
    {
      id: 'kubectl',
      label: 'kubectl + kubelogin',
      sub: "developer's machine",
      x: 10,
      y: 200,
      w: 290,
      h: 105,
    },
    { id: 'you', label: 'You', sub: 'terminal · kubeconfig', x: 10, y: 420, w: 290, h: 95 },
    {
      id: 'entra',
      label: 'Microsoft Entra ID',
      sub: 'sign-in · tokens · keys',
      x: 450,
      y: 10,
      w: 290,
      h: 90,
    },
    { id: 'api', label: 'API server', sub: 'kube-apiserver', x: 450, y: 200, w: 290, h: 105 },
    {
      id: 'rbac',
      label: 'Authorization',
      sub: 'Kubernetes RBAC · Azure RBAC',
      x: 450,
      y: 420,
      w: 290,
      h: 95,
    },
    { id: 'webhook', label: 'Authentication webhook', sub: 'guard', x: 860, y: 200, w: 335, h: 105 },
    { id: 'graph', label: 'Microsoft Graph', sub: 'group membership', x: 860, y: 10, w: 335, h: 90 },
  ],
  arrows: [
    { n: 1, d: 'M 110 200 V 48 H 446', at: [250, 48], caption: 'device code sign-in', captionAt: [350, 24] },
    { n: 2, d: 'M 450 85 H 210 V 196', at: [330, 85], caption: 'tokens', captionAt: [330, 115] },
    { n: 3, d: 'M 90 420 V 309', at: [90, 362], caption: 'request', captionAt: [45, 395] },
    { n: 4, d: 'M 300 228 H 446', at: [350, 228], caption: 'bearer token', captionAt: [375, 203] },
    { n: 5, d: 'M 740 228 H 856', at: [775, 228], caption: 'TokenReview', captionAt: [800, 203] },
    {
      n: 6,
      d: 'M 930 200 V 150 H 690 V 104',
      at: [800, 150],
      caption: 'signing keys',
      captionAt: [800, 128],
    },
    { n: 7, d: 'M 1120 200 V 104', at: [1120, 152], caption: 'groups', captionAt: [1050, 158] },
    { n: 8, d: 'M 860 278 H 744', at: [775, 278], caption: 'user + groups', captionAt: [800, 315] },
    { n: 9, d: 'M 595 305 V 416', at: [595, 360], caption: 'allowed?', captionAt: [680, 366] },
    { n: 10, d: 'M 450 278 H 304', at: [350, 278], caption: 'response', captionAt: [375, 315] },
    { n: 11, d: 'M 210 305 V 416', at: [210, 362], caption: 'output', captionAt: [268, 395] },
  ],
}
