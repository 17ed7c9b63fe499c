/**
 * Loads the trimmed upstream .proto files in this folder into one protobufjs Root. Field comments are
 * kept (alternateCommentMode) because they carry the +patchStrategy/+listType markers that the
 * strategic merge patch, the OpenAPI documents and field validation read.
 */
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import type protobuf from 'protobufjs'

const HERE = dirname(fileURLToPath(import.meta.url))

/** Upstream import paths → the files that stand in for them here. */
const IMPORTS: Record<string, string> = {
  'k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto': 'meta-v1.proto',
  'k8s.io/apimachinery/pkg/runtime/generated.proto': 'runtime.proto',
  'k8s.io/apimachinery/pkg/api/resource/generated.proto': 'resource.proto',
  'k8s.io/apimachinery/pkg/util/intstr/generated.proto': 'intstr.proto',
  'k8s.io/api/core/v1/generated.proto': 'core-v1.proto',
}

const FILES = [
  'runtime.proto',
  'meta-v1.proto',
  'core-v1.proto',
  'apps-v1.proto',
  'rbac-v1.proto',
  'authentication-v1.proto',
  'authorization-v1.proto',
  'autoscaling-v1.proto',
  'openapi-v2.proto',
]

/**
 * Called on first use (the API server's schema model loads lazily): protobufjs and the .proto files cost
 * a tenth of a second that start-up need not pay. protobufjs is CommonJS, so it loads synchronously.
 */
export function loadKubeProtos(): protobuf.Root {
  const { Root } = createRequire(import.meta.url)('protobufjs') as typeof protobuf
  const root = new Root()
  root.resolvePath = (_origin, target) => join(HERE, IMPORTS[target] ?? target.replace(/^.*\//, ''))
  root.loadSync(FILES, { keepCase: true, alternateCommentMode: true })
  root.resolveAll()
  return root
}
