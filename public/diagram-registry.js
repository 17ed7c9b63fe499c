// The node's image pull from a registry (docs/acr.md#aks-pulls-from-acr): containerd meets the
// registry's token challenge, the kubelet's credential provider gets a token for the kubelet identity
// from IMDS and exchanges it at the registry (learn.microsoft.com/azure/container-registry/container-registry-authentication,
// github.com/Azure/acr/blob/main/docs/AAD-OAuth.md), then pulls the manifest with the pull token.
// Step numbers are the ones src/ui/flows/registry-flows.ts gives the flows.

/** @typedef {import('./diagram.js').Picture} Picture */

/** @type {Picture} */
export const REGISTRY_PULL_PICTURE = {
  id: 'registry-pull',
  title: 'Registry pull',
  description: "Registry pull: the kubelet identity's Entra token exchanged at the registry for a pull token",
  width: 1200,
  height: 450,
  nodes: [
    {
      id: 'kubelet',
      label: 'kubelet + containerd',
      sub: 'ACR credential provider',
      x: 10,
      y: 170,
      w: 300,
      h: 140,
    },
    { id: 'imds', label: 'IMDS', sub: 'kubelet identity', x: 470, y: 20, w: 270, h: 90 },
    { id: 'registry', label: 'Container registry', sub: '/v2/ · /oauth2/', x: 900, y: 170, w: 280, h: 140 },
  ],
  arrows: [
    {
      n: 1,
      d: 'M 310 190 H 896',
      at: [380, 190],
      caption: 'GET /v2/ → 401 challenge',
      captionAt: [640, 172],
    },
    { n: 2, d: 'M 150 170 V 65 H 466', at: [300, 65], caption: 'Entra token', captionAt: [300, 40] },
    { n: 3, d: 'M 310 240 H 896', at: [380, 240], caption: 'POST /oauth2/exchange', captionAt: [640, 222] },
    { n: 4, d: 'M 310 290 H 896', at: [380, 290], caption: 'GET /oauth2/token', captionAt: [640, 272] },
    {
      n: 5,
      d: 'M 150 310 V 400 H 1040 V 314',
      at: [380, 400],
      caption: 'GET /v2/…/manifests/…',
      captionAt: [640, 382],
    },
  ],
  steps: [
    {
      n: 1,
      title: 'containerd asks the registry: GET /v2/ answers 401 with the token challenge',
      actor: 'kubelet → registry',
    },
    {
      n: 2,
      title: 'The credential provider gets an Entra token for the kubelet identity from IMDS',
      actor: 'kubelet → IMDS',
    },
    {
      n: 3,
      title: 'POST /oauth2/exchange: the Entra token for a registry refresh token',
      actor: 'kubelet → registry',
    },
    {
      n: 4,
      title: 'GET /oauth2/token: the refresh token for a pull token (repository:…:pull)',
      actor: 'kubelet → registry',
    },
    {
      n: 5,
      title: 'GET /v2/<repository>/manifests/<reference> with the pull token',
      actor: 'kubelet → registry',
    },
  ],
}
