import express, { type RequestHandler } from 'express'

/** Form bodies are small on every surface here; more is an attack or a mistake. */
export const FORM_LIMIT = 64 * 1024

export const formBody = (): RequestHandler =>
  express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 200 })

export const jsonBody = (limit = '1mb'): RequestHandler =>
  express.json({ limit, strict: false, type: ['application/json', 'application/*+json'] })

/** Waits `ms` milliseconds (fault-injected latency). */
export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
