/**
 * The few Go formatting behaviours that reach Kubernetes wire strings: `%q` (strconv.Quote), `%v` of
 * a []string, and utilerrors.NewAggregate(errs).Error(). Messages must match the real apiserver byte
 * for byte.
 */

// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space only.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u
const SHORT_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0')

/** Go's `%q` for a string (strconv.Quote). */
export function goQuote(s: string): string {
  let out = '"'
  for (const ch of s) {
    const cp = ch.codePointAt(0)!
    if (ch === '"' || ch === '\\') out += '\\' + ch
    else if (cp >= 0xd800 && cp <= 0xdfff)
      out += '\ufffd' // a lone surrogate cannot reach Go; its JSON decoder turns it into U+FFFD
    else if (PRINTABLE.test(ch)) out += ch
    else if (SHORT_ESCAPES[ch] !== undefined) out += SHORT_ESCAPES[ch]
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + hex(cp, 2)
    else if (cp < 0x10000) out += '\\u' + hex(cp, 4)
    else out += '\\U' + hex(cp, 8)
  }
  return out + '"'
}

/** Go's `%v` for a []string: `[a b c]`. */
export const goList = (items: readonly string[] | undefined): string => `[${(items ?? []).join(' ')}]`

/**
 * k8s.io/apimachinery utilerrors.NewAggregate(errs).Error(): one error prints bare; several are
 * de-duplicated by message and printed as `[e1, e2]` (bare again if they were all the same).
 */
export function aggregateErrors(messages: readonly string[]): string {
  if (messages.length === 0) return ''
  if (messages.length === 1) return messages[0]!
  const unique = [...new Set(messages)]
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`
}
