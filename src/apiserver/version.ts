/** What `/version` reports: kube-apiserver's version.Info (k8s.io/apimachinery pkg/version). */
export interface VersionInfo {
  major: string
  minor: string
  gitVersion: string
  gitCommit: string
  gitTreeState: string
  buildDate: string
  goVersion: string
  compiler: string
  platform: string
  [field: string]: string
}

export const DEFAULT_VERSION = '1.32.4'

/** A version string (`1.32.4`, `v1.32.4`) as kube-apiserver's /version would report it, or a full VersionInfo as is. */
export function versionInfo(v: string | VersionInfo | undefined): VersionInfo {
  if (v && typeof v === 'object') return v
  const [major = '1', minor = '32', patch = '0'] = (v ?? DEFAULT_VERSION).replace(/^v/, '').split('.')
  return {
    major,
    minor,
    gitVersion: `v${major}.${minor}.${patch}`,
    gitCommit: '9b5a2f8c1d4e7a6b3c0f2e1d8a7b6c5d4e3f2a1b',
    gitTreeState: 'clean',
    buildDate: '2025-04-22T16:02:27Z',
    goVersion: 'go1.23.8',
    compiler: 'gc',
    platform: 'linux/amd64',
  }
}
