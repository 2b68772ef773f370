// The light entry: nothing here loads vitest, Chromium or pg (those are `./vitest`, `./browser`, `./postgres`),
// so plain Node scripts such as the benchmarks can import it.
export { compileTypeScript, ensureCliBuilt, ensureWebBuilt, ensureWorkerBuilt, isStale } from './build.js';
export { seedDatabase, seedDatabaseAsync } from './database-template.js';
export {
  createDeployment,
  createToken,
  type DeploymentOptions,
  TELEMETRY_KNOBS,
  TEST_DEPLOYMENT_ID,
  type TestDeployment,
  writeDeploymentEnv,
} from './deployment.js';
export {
  type Env,
  type ManagedProcess,
  type ProcessExit,
  startProcess,
  stopStartedProcesses,
} from './managed-process.js';
export { cliDir, ELMO_BIN, NEXT_BIN, WORKER_MAIN, webDir, workerDir, workspaceRoot } from './paths.js';
export { getFreePort, type LoopbackServer, listenOnLoopback } from './ports.js';
export { type FoundProcess, findProcesses, killProcesses, processAgeMs, watchLifetimes } from './processes.js';
export {
  type FakeProviderCall,
  type FakeProviderServer,
  failEvery,
  fakeAnswerText,
  type ProviderReply,
  startFakeProvider,
} from './provider-server.js';
export { createRandom } from './random.js';
export { runElmo } from './run-elmo.js';
export { type RunOptions, type RunResult, runNode } from './run-node.js';
export { SINK_BIN, type SinkProcess, startSinkProcess } from './sink-process.js';
export { createTempDir, type TempDir } from './temp-dir.js';
export { createTestHome, type TestHome, type TestHomeOptions } from './test-home.js';
export { hasTmux, startTerminal, type TerminalSession, TMUX_MISSING } from './tmux.js';
export { waitForHttp, waitUntil } from './wait.js';
export { type StartWebOptions, type StartWorkerOptions, startWeb, startWorker, type WebServer } from './web.js';
