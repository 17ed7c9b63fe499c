// Prints the plain "N passed, N failed" line CI reads, from vitest's JSON report.
import { readFileSync } from 'node:fs'

const file = process.argv[2] ?? 'test-results/report.json'
let report
try {
  report = JSON.parse(readFileSync(file, 'utf8'))
} catch (err) {
  console.error(`no test report at ${file}: ${err.message}`)
  console.log('0 passed, 1 failed')
  process.exit(1)
}
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
console.log(
  `${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`,
)
process.exit(report.numFailedTests === 0 && report.numPassedTests > 0 ? 0 : 1)
