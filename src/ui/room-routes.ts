/**
 * Room mode's routes (docs/room.md). For the host, under the UI API (host sign-in when other machines can
 * reach it): `GET /api/room` (the dashboard's rows) and `GET /api/room/sheet` (the attendees' passwords).
 * For every attendee, public and secret-free: `GET /room/ca.crt` (the CA certificate, which attendees check
 * against the fingerprint on their sheet) and `GET /room/kubeconfig?namespace=attendee07`.
 */
import { Router } from 'express'
import type { UiRoom } from './deps.js'
import { notFound } from './errors.js'
import { query } from './input.js'
import type { RoomProgress } from './room-progress.js'

const off = () => notFound('room mode is off: start the simulator with --attendees N (docs/room.md)')

export function roomApiRoutes(room: UiRoom | undefined, progress: RoomProgress | undefined): Router {
  const r = Router()
  r.get('/room', (_req, res) => {
    res.json({ enabled: room !== undefined, attendees: progress?.list() ?? [] })
  })
  r.get('/room/sheet', (_req, res) => {
    if (!room) throw off()
    res.set('cache-control', 'no-store').json(room.sheet())
  })
  return r
}

export function roomPublicRoutes(room: UiRoom | undefined): Router {
  const r = Router()
  r.get('/room/ca.crt', (_req, res) => {
    if (!room) throw off()
    res.type('application/x-pem-file').send(room.caPem)
  })
  r.get('/room/kubeconfig', (req, res) => {
    if (!room) throw off()
    const namespace = query(req, 'namespace')
    if (namespace !== undefined && !room.attendees().some((a) => a.namespace === namespace))
      throw notFound(`no attendee namespace '${namespace}'`)
    res
      .type('application/yaml')
      .set('content-disposition', 'attachment; filename="aks-room.kubeconfig"')
      .send(room.kubeconfig(namespace))
  })
  return r
}
