/**
 * Nesting limits for request bodies. Go's encoding/json refuses documents nested deeper than 10000
 * levels (`exceeded max depth`); this server refuses them beyond 1000, which no Kubernetes object
 * comes near, so that no recursive step (patching, conforming, freezing) can run out of stack.
 */
export const MAX_DEPTH = 1000

export class DepthError extends Error {
  constructor() {
    super('exceeded max depth')
  }
}

/** Scans JSON text for its bracket depth without parsing it. */
export function assertJsonDepth(text: string, max = MAX_DEPTH): void {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92)
        i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 || c === 91) {
      if (++depth > max) throw new DepthError()
    } else if (c === 125 || c === 93) depth--
  }
}

/** Depth of an already-parsed value (YAML bodies), without recursion. */
export function assertValueDepth(value: unknown, max = MAX_DEPTH): void {
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length) {
    const [v, d] = stack.pop()!
    if (typeof v !== 'object' || v === null) continue
    if (d + 1 > max) throw new DepthError()
    for (const x of Object.values(v)) stack.push([x, d + 1])
  }
}

/** A parse error's message; a parser that ran out of stack reports the depth limit instead. */
export function depthSafeMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  // The yaml parser re-wraps a stack overflow in its own error type.
  return err instanceof RangeError || message.includes('Maximum call stack size exceeded')
    ? new DepthError().message
    : message
}
