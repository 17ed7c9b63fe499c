/**
 * Content negotiation as kube-apiserver does it: the Accept header is a list of media types with
 * parameters (`application/json;as=Table;v=v1;g=meta.k8s.io`), tried in order. The server answers
 * JSON (or YAML when asked); it understands protobuf request bodies but never answers in protobuf,
 * which every client accepts because each also lists application/json.
 */
import { parseAccept, type MediaType } from '../../http/index.js'
import { NotAcceptable } from '../../kube/index.js'

export type Representation =
  | { format: 'json' }
  | { format: 'yaml' }
  | { format: 'table'; apiVersion: string }
  | { format: 'discovery'; version: 'v2' | 'v2beta1' }

const plain = (m: MediaType) => ['application/json', 'application/*', '*/*'].includes(m.type)

/** Picks the representation for an object/list response. */
export function negotiateObject(accept: string | undefined, allowTable: boolean): Representation {
  const types = parseAccept(accept)
  if (types.length === 0) return { format: 'json' }
  for (const m of types) {
    if (m.type === 'application/json' && m.params.as === 'Table' && m.params.g === 'meta.k8s.io') {
      if (!allowTable) continue
      if (m.params.v === 'v1' || m.params.v === 'v1beta1')
        return { format: 'table', apiVersion: `meta.k8s.io/${m.params.v}` }
      continue
    }
    if (m.params.as) continue
    if (plain(m)) return { format: 'json' }
    if (m.type === 'application/yaml') return { format: 'yaml' }
  }
  throw new NotAcceptable(['application/json', 'application/yaml'])
}

/** Picks aggregated discovery (v2, v2beta1) or the legacy documents for /api and /apis. */
export function negotiateDiscovery(accept: string | undefined): Representation {
  for (const m of parseAccept(accept)) {
    if (
      m.type === 'application/json' &&
      m.params.g === 'apidiscovery.k8s.io' &&
      m.params.as === 'APIGroupDiscoveryList'
    ) {
      if (m.params.v === 'v2' || m.params.v === 'v2beta1') return { format: 'discovery', version: m.params.v }
      continue
    }
    if (m.params.as) continue
    if (plain(m)) return { format: 'json' }
    if (m.type === 'application/yaml') return { format: 'yaml' }
  }
  if (!accept) return { format: 'json' }
  throw new NotAcceptable(['application/json', 'application/yaml'])
}
