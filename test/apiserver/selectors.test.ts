import { describe, expect, it } from 'vitest'
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from '../../src/apiserver/store/selectors.js'

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', 'example.com/v': '3' }
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['missing!=x', true],
    ['app in (web,api)', true],
    ['app notin (web)', false],
    ['app=web,tier=back', false],
    ['example.com/v>2', true],
    ['example.com/v<3', false],
    ['', true],
  ])('%s → %s', (sel, want) => {
    expect(matchesLabels(parseLabelSelector(sel), labels)).toBe(want)
  })

  it('accepts an empty value (`app=` selects app="")', () => {
    expect(matchesLabels(parseLabelSelector('app='), { app: '' })).toBe(true)
    expect(matchesLabels(parseLabelSelector('app='), { app: 'x' })).toBe(false)
  })

  it.each(['app in ()', 'app in web', '=x', 'a b', 'a/b/c=d'])('rejects %j', (sel) => {
    expect(() => parseLabelSelector(sel)).toThrow(SelectorError)
  })
})

describe('field selectors', () => {
  it('parses =, == and != with escaped commas', () => {
    expect(parseFieldSelector('metadata.name=a\\,b,status.phase!=Running,x==y')).toEqual([
      { key: 'metadata.name', op: '=', value: 'a,b' },
      { key: 'status.phase', op: '!=', value: 'Running' },
      { key: 'x', op: '=', value: 'y' },
    ])
  })
  it('matches through a field getter', () => {
    const fields = (k: string) => ({ 'metadata.name': 'p', 'status.phase': 'Running' })[k] ?? ''
    expect(matchesFields(parseFieldSelector('metadata.name=p,status.phase=Running'), fields)).toBe(true)
    expect(matchesFields(parseFieldSelector('status.phase!=Running'), fields)).toBe(false)
  })
  it('rejects a term without an operator', () => {
    expect(() => parseFieldSelector('metadata.name')).toThrow(
      "invalid selector: 'metadata.name'; can't understand 'metadata.name'",
    )
  })
})
