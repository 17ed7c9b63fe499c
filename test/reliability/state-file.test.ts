// The atomic writer under a crash: whatever step fails, the previous file is intact and no partial
// file is left under the real name; state files read back what was saved and name a corrupt file.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/kernel/errors.js'
import { jsonStateFile, writeFileAtomic } from '../../src/kernel/state-file.js'

const dir = mkdtempSync(join(tmpdir(), 'aks-state-file-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('writeFileAtomic', () => {
  it('replaces the file whole, with the requested mode', () => {
    const file = join(dir, 'a.json')
    writeFileAtomic(file, 'one', 0o600)
    writeFileAtomic(file, 'two', 0o600)
    expect(readFileSync(file, 'utf8')).toBe('two')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir).filter((f) => f.includes('a.json'))).toEqual(['a.json'])
  })

  it('a crash between writing the temporary file and renaming it leaves the old file intact', () => {
    const file = join(dir, 'b.json')
    writeFileAtomic(file, '{"old":true}')
    const crash = () => {
      throw Object.assign(new Error('killed before rename'), { code: 'EINTR' })
    }
    expect(() => writeFileAtomic(file, '{"new":true}', 0o644, { rename: crash })).toThrow(
      'killed before rename',
    )
    expect(readFileSync(file, 'utf8')).toBe('{"old":true}')
    // The temporary file of the failed write is gone too.
    expect(readdirSync(dir).filter((f) => f.includes('b.json'))).toEqual(['b.json'])
  })

  it('a temporary file left by a process killed before its rename is never read as the state', () => {
    const file = join(dir, 'c.json')
    const state = jsonStateFile<{ n: number }>(file)
    state.save({ n: 1 })
    // What kill -9 between write and rename leaves: a half-written temporary file next to the real one.
    writeFileSync(join(dir, `.c.json.tmp-99999-0`), '{"n": 2')
    expect(state.load()).toEqual({ n: 1 })
  })
})

describe('jsonStateFile', () => {
  it('loads nothing before the first save, then what was saved', () => {
    const state = jsonStateFile<{ offsetMs: number }>(join(dir, 'clock.json'))
    expect(state.load()).toBeUndefined()
    state.save({ offsetMs: 5000 })
    expect(jsonStateFile(join(dir, 'clock.json')).load()).toEqual({ offsetMs: 5000 })
  })

  it('a corrupt file is a ConfigError naming the file and what to do', () => {
    const file = join(dir, 'broken.json')
    writeFileSync(file, '{"offsetMs": ')
    const err = (() => {
      try {
        jsonStateFile(file).load()
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as ConfigError).message).toContain(file)
  })
})
