/**
 * Ends every jest run with one plain line, `tests: N passed, N failed, N skipped`, that CI and
 * people can read without knowing jest's own summary format. A test file that fails to run at
 * all (a syntax error, a throw at its top level) counts as one failed test: it checked nothing.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`\ntests: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
module.exports = SummaryReporter;
