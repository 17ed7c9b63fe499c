/**
 * The Kubernetes versions the simulated AKS offers and its upgrade rule: a later patch of the same minor,
 * or any patch of the next minor — never a skipped minor, never back (aka.ms/aks-supported-k8s-ver).
 * The catalogue is the simulator's (AKS's changes month by month); a cluster's own version always counts
 * as offered, so a scenario may declare any version.
 */
export interface MinorRelease {
  minor: string
  patches: string[]
  isDefault?: boolean
  isPreview?: boolean
}

export const VERSION_CATALOGUE: readonly MinorRelease[] = [
  { minor: '1.30', patches: ['1.30.11', '1.30.12'] },
  { minor: '1.31', patches: ['1.31.7', '1.31.8'] },
  { minor: '1.32', patches: ['1.32.3', '1.32.4', '1.32.5'], isDefault: true },
  { minor: '1.33', patches: ['1.33.0', '1.33.1'] },
]

const parts = (v: string) => v.split('.').map((n) => Number(n))
const minorOf = (v: string) => v.split('.').slice(0, 2).join('.')

export function compareVersions(a: string, b: string): number {
  const [x, y] = [parts(a), parts(b)]
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0)
  return 0
}

/** Every offered patch version, oldest first (plus `extra`, a cluster's own version). */
export function offeredVersions(extra: string[] = []): string[] {
  const all = new Set([...VERSION_CATALOGUE.flatMap((m) => m.patches), ...extra])
  return [...all].sort(compareVersions)
}

/** `1.33` → the newest offered `1.33.x`; a full version is returned as it is, if offered. */
export function resolveVersion(requested: string, current: string): string | undefined {
  const offered = offeredVersions([current])
  if (/^\d+\.\d+$/.test(requested)) return offered.filter((v) => minorOf(v) === requested).pop()
  return offered.includes(requested) ? requested : undefined
}

/** The versions `from` may be upgraded to, newest first (how AKS lists them). */
export function upgradesFrom(from: string): string[] {
  const [major, minor] = parts(from)
  const next = `${major}.${(minor ?? 0) + 1}`
  return offeredVersions([from])
    .filter((v) => (minorOf(v) === minorOf(from) && compareVersions(v, from) > 0) || minorOf(v) === next)
    .reverse()
}

export const isPreview = (v: string) =>
  VERSION_CATALOGUE.find((m) => m.minor === minorOf(v))?.isPreview === true
