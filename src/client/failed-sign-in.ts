/**
 * One device code per kubectl command. When the exec plugin fails, client-go runs it again for every
 * request kubectl goes on to make (kubectl's discovery alone retries up to six times), so a sign-in
 * that timed out or was declined would show the person a second code, then a third. The plugin keeps
 * the failure beside the token cache file, with the pid of the kubectl that ran it (the plugin's
 * parent): a later run from the same kubectl process gives the same answer at once instead of a new
 * code. Only runs started by client-go (KUBERNETES_EXEC_INFO set) take part; the next kubectl command
 * is another process and signs in afresh.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { SignInError, type SignInErrorKind } from './errors.js'

interface FailedSignIn {
  ppid: number
  /** Wall-clock ms: a pid reused long after is not the same kubectl. */
  at: number
  kind: SignInErrorKind
  message: string
}

/** A person's answer (or their absence): what a second code in the same command would only repeat. */
const REMEMBERED: readonly SignInErrorKind[] = ['timeout', 'expired', 'declined', 'disabled']
/** Longer than any kubectl command that retries the plugin, far shorter than pid reuse. */
const REMEMBER_MS = 10 * 60 * 1000

const markerOf = (cacheFile: string) => `${cacheFile}.failed`

/** The kubectl process that ran this plugin, or undefined when not run by client-go. */
export function execParentPid(env: NodeJS.ProcessEnv = process.env): number | undefined {
  return env.KUBERNETES_EXEC_INFO !== undefined ? process.ppid : undefined
}

export function rememberFailedSignIn(cacheFile: string, parentPid: number | undefined, err: unknown): void {
  if (parentPid === undefined || !(err instanceof SignInError) || !REMEMBERED.includes(err.kind)) return
  const record: FailedSignIn = { ppid: parentPid, at: Date.now(), kind: err.kind, message: err.message }
  try {
    writeFileSync(markerOf(cacheFile), JSON.stringify(record), { mode: 0o600 })
  } catch {
    // Only a courtesy: without it kubectl shows another code.
  }
}

/** The failure this same kubectl command already met, as the error to give again. */
export function earlierFailedSignIn(
  cacheFile: string,
  parentPid: number | undefined,
): SignInError | undefined {
  if (parentPid === undefined) return undefined
  let record: Partial<FailedSignIn>
  try {
    record = JSON.parse(readFileSync(markerOf(cacheFile), 'utf8')) as Partial<FailedSignIn>
  } catch {
    return undefined
  }
  const age = Date.now() - (record.at ?? 0)
  if (record.ppid !== parentPid || age < 0 || age > REMEMBER_MS) return undefined
  if (typeof record.message !== 'string' || !REMEMBERED.includes(record.kind as SignInErrorKind))
    return undefined
  return new SignInError(
    record.kind as SignInErrorKind,
    `${record.message} (not starting another sign-in for the same kubectl command; run it again for a new code)`,
  )
}

export function forgetFailedSignIn(cacheFile: string): void {
  rmSync(markerOf(cacheFile), { force: true })
}
