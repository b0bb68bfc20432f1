/**
 * @module Run the built `palisade` CLI as a child process, the way users and CI do.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Resolve the CLI beside this helper: dist/test/helpers -> dist/bin/palisade.js when compiled, and
// test/helpers -> bin/palisade.ts when run from source with tsx (then the child needs tsx too).
const fromSource = import.meta.url.endsWith('.ts');
export const CLI_PATH = fileURLToPath(
  new URL(`../../bin/palisade.${fromSource ? 'ts' : 'js'}`, import.meta.url),
);
const NODE_ARGS: readonly string[] = fromSource ? ['--import', 'tsx'] : [];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `palisade ...args`; resolves when the process exits. */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_ARGS, CLI_PATH, ...args], {
      cwd: options.cwd,
      env: { ...process.env, PALISADE_LOG_LEVEL: 'warn', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
