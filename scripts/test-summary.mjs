// Prints the plain "N passed, N failed, N skipped" line CI reads, from vitest's JSON report, after one
// line per reason tests were skipped for (e.g. no usable kubectl: test/helpers/kubectl.ts puts the reason
// in the skipped suite's title; a test that skips itself sets meta.skipReason, test/helpers/skip.ts), so a
// skip is never a silent pass.
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'

const file = process.argv[2] ?? 'test-results/report.json'
let report
try {
  report = JSON.parse(readFileSync(file, 'utf8'))
} catch (err) {
  console.error(`no test report at ${file}: ${err.message}`)
  console.log('0 passed, 1 failed, 0 skipped')
  process.exit(1)
}

const SKIPPED = new Set(['skipped', 'pending', 'todo', 'disabled'])
const reasons = new Map()
for (const suite of report.testResults ?? []) {
  for (const t of suite.assertionResults ?? []) {
    if (!SKIPPED.has(t.status)) continue
    const titles = [...(t.ancestorTitles ?? []), t.title]
    const reason =
      t.meta?.skipReason ??
      titles.map((s) => /\[skipped: (.*)\]$/.exec(s)?.[1]).find(Boolean) ??
      `no reason given (${relative(process.cwd(), suite.name)})`
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
  }
}
for (const [reason, n] of reasons) console.log(`skipped ${n} test${n === 1 ? '' : 's'}: ${reason}`)

const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
console.log(`${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`)
process.exit(report.numFailedTests === 0 && report.numPassedTests > 0 ? 0 : 1)
