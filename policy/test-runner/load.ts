/**
 * @module Loads what `policy eval -d` and `policy test` are pointed at, as `opa` does: `.rego` files become
 * modules; `data.json` / `data.yaml` files are placed in `data` at their directory's path under the
 * root given (an explicitly named JSON/YAML file goes at the root). Test-runner layer.
 */
import { readdirSync, readFileSync, type Stats, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { ExitCode } from '../../lib/errors.js';
import type { SourceFile } from '../compile/index.js';
import { PolicyError } from '../errors.js';
import { ObjectValue, parseJson, parseYaml, type Value } from '../value/index.js';

export interface LoadedPolicy {
  readonly modules: SourceFile[];
  /** The base document assembled from data files (an empty object when there are none). */
  readonly data: ObjectValue;
  /** Data files read, for messages. */
  readonly dataFiles: string[];
}

const DATA_NAMES = new Set(['data.json', 'data.yaml', 'data.yml']);

/** Load every module and data file under `paths` (files or directories; hidden entries skipped). */
export function loadPolicyPaths(paths: readonly string[]): LoadedPolicy {
  const modules: SourceFile[] = [];
  const data = new ObjectValue();
  const dataFiles: string[] = [];
  const visit = (path: string, root: string, explicit: boolean) => {
    const st = statOrThrow(path);
    if (st.isDirectory()) {
      for (const name of readdirSync(path).sort()) {
        if (name.startsWith('.') || name === 'node_modules') continue;
        visit(join(path, name), root, false);
      }
      return;
    }
    if (path.endsWith('.rego')) {
      modules.push({ path, text: read(path) });
    } else if (explicit && /\.(json|ya?ml)$/.test(path)) {
      mergeAt(data, [], parseDataFile(path), path);
      dataFiles.push(path);
    } else if (DATA_NAMES.has(basename(path))) {
      const rel = relative(root, dirname(path));
      const at = rel === '' ? [] : rel.split(sep);
      mergeAt(data, at, parseDataFile(path), path);
      dataFiles.push(path);
    }
  };
  for (const p of paths) visit(p, statOrThrow(p).isDirectory() ? p : dirname(p), true);
  return { modules, data, dataFiles };
}

/** Parse a JSON or YAML document file exactly (big numbers keep their digits). */
export function parseDataFile(path: string): Value {
  const text = read(path);
  return path.endsWith('.json') ? parseJson(text, path) : parseYaml(text, path);
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new PolicyError('ERR_POLICY_SOURCE_READ', `cannot read ${path}: ${(cause as Error).message}`, {
      cause,
      exitCode: ExitCode.usage,
    });
  }
}

function statOrThrow(path: string): Stats {
  try {
    return statSync(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new PolicyError('ERR_POLICY_SOURCE_READ', `cannot read ${path}: ${code}`, {
      cause,
      exitCode: ExitCode.usage,
    });
  }
}

/** Merge `value` into `data` at `path`; objects merge key by key, anything else conflicting is an error. */
function mergeAt(data: ObjectValue, path: readonly string[], value: Value, file: string): void {
  let cur = data;
  for (const key of path) {
    const next = cur.get(key);
    if (next === undefined) {
      const o = new ObjectValue();
      cur.set(key, o);
      cur = o;
    } else if (next instanceof ObjectValue) {
      cur = next;
    } else {
      throw conflict(file, [...path]);
    }
  }
  if (path.length === 0 && !(value instanceof ObjectValue)) {
    throw new PolicyError('ERR_POLICY_DATA', `${file}: a data file at the root of data must hold an object`, {
      exitCode: ExitCode.usage,
    });
  }
  mergeInto(cur, value, file, [...path]);
}

function mergeInto(target: ObjectValue, value: Value, file: string, path: string[]): void {
  if (!(value instanceof ObjectValue)) throw conflict(file, path);
  for (const [k, v] of value.entries()) {
    const existing = target.get(k);
    if (existing === undefined) target.set(k, v);
    else if (existing instanceof ObjectValue && v instanceof ObjectValue)
      mergeInto(existing, v, file, [...path, String(k)]);
    else throw conflict(file, [...path, String(k)]);
  }
}

function conflict(file: string, path: string[]): PolicyError {
  return new PolicyError(
    'ERR_POLICY_DATA',
    `${file}: data conflicts with another data file at data.${path.join('.')}`,
    {
      exitCode: ExitCode.usage,
    },
  );
}
