/**
 * Writing responses: JSON (or YAML) bodies with the headers kube-apiserver sets on every answer
 * (Audit-Id, Cache-Control), and Status bodies for errors — the one error renderer of this surface.
 */
import type { ServerResponse } from 'node:http'
import { stringify as toYaml } from 'yaml'
import { InternalError, KubeStatusError, type Status } from '../../kube/index.js'

export function send(
  res: ServerResponse,
  code: number,
  body: unknown,
  opts: { contentType?: string; yaml?: boolean; headers?: Record<string, string> } = {},
): void {
  if (res.headersSent || res.writableEnded) return
  // Go's json.Encoder ends every document with a newline; so does this server.
  const text = opts.yaml ? toYaml(body) : `${JSON.stringify(body)}\n`
  res.statusCode = code
  res.setHeader('Content-Type', opts.yaml ? 'application/yaml' : (opts.contentType ?? 'application/json'))
  res.setHeader('Cache-Control', 'no-cache, private')
  for (const [k, v] of Object.entries(opts.headers ?? {})) res.setHeader(k, v)
  res.setHeader('Content-Length', Buffer.byteLength(text))
  res.end(text)
}

/** The Status for an error; unknown errors become a 500 with no internal detail. */
export function statusOf(err: unknown): { status: Status; known: boolean; headers: Record<string, string> } {
  if (err instanceof KubeStatusError) return { status: err.toStatus(), known: true, headers: err.headers }
  return { status: new InternalError().toStatus(), known: false, headers: {} }
}

export function sendError(res: ServerResponse, err: unknown, onUnexpected: (err: unknown) => void): Status {
  const { status, known, headers } = statusOf(err)
  if (!known) onUnexpected(err)
  send(res, status.code, status, { headers })
  return status
}
