/**
 * @module Public API of the `policy test` engine and the policy loader shared with `policy eval`.
 * Re-exports only.
 */
export type { CoverageReport, FileCoverage, LineRange } from './coverage.js';
export { discoverTests, type TestCaseRef } from './discover.js';
export { type LoadedPolicy, loadPolicyPaths, parseDataFile } from './load.js';
export { formatTestRun, testRunJson } from './report.js';
export {
  type RunTestsOptions,
  runPolicyTests,
  type TestResult,
  type TestRun,
  type TestStatus,
} from './run-tests.js';
