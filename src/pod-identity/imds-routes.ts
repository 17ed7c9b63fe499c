/**
 * The IMDS listener: NMI first when pod-managed identity is on (it answers token paths for pods and
 * passes everything else on), IMDS otherwise. One `request.completed` event per request, naming the
 * pod when the path carries one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { EventBus } from '../kernel/events.js'
import type { ClusterObjects } from './cluster-objects.js'
import { splitRawUrl, writeImdsAnswer, type createImds } from './imds.js'
import { podFromPath, type createNmi } from './nmi.js'

export function createImdsHandler(deps: {
  imds: ReturnType<typeof createImds>
  nmi: ReturnType<typeof createNmi>
  objects: ClusterObjects
  events: EventBus
  nmiEnabled: () => boolean
  onUnexpected: (err: unknown) => void
}) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const run = async () => {
      const { path, query } = splitRawUrl(req.url ?? '/')
      const podRef = podFromPath(path)
      let answer
      if (deps.nmiEnabled()) {
        const pod = podRef ? deps.objects.get('Pod', podRef.namespace, podRef.name) : undefined
        answer = await deps.nmi.answer(req.method ?? 'GET', podRef?.rest ?? path, query, req.headers, pod)
      }
      answer ??= await deps.imds.answer(req.method ?? 'GET', req.url ?? '/', req.headers)
      deps.events.emit('request.completed', 'imds', {
        method: req.method,
        path,
        status: answer.status,
        ...(podRef && { pod: `${podRef.namespace}/${podRef.name}` }),
      })
      writeImdsAnswer(res, answer)
    }
    run().catch((err: unknown) => {
      deps.onUnexpected(err)
      if (!res.headersSent)
        writeImdsAnswer(res, {
          status: 500,
          body: '{"error":"unknown","error_description":"internal error"}',
          contentType: 'application/json; charset=utf-8',
        })
    })
  }
}
