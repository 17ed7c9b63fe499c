import express, { type RequestHandler } from 'express'

export const jsonBody = (limit = '1mb'): RequestHandler =>
  express.json({ limit, strict: false, type: ['application/json', 'application/*+json'] })

/** Waits `ms` milliseconds (fault-injected latency). */
export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
