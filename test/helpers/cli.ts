/**
 * @module Run the built `palisade` CLI as a child process, the way users and CI do.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../lib/package-info.js';

export const CLI_PATH = join(PACKAGE_ROOT, 'dist', 'bin', 'palisade.js');

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
