/**
 * @module The one configuration loader every component uses. Foundation layer.
 * YAML or JSON (JSON is YAML) → environment overrides → zod validation → deep-frozen typed value.
 * Every problem is reported with the file, the path of the field (`inbound[0].port`), what was expected
 * and what was found; nothing is half-applied because nothing is applied until validation passes.
 *
 * Environment override rule (documented in docs/configuration.md): a variable named
 * `<PREFIX><SEGMENT>__<SEGMENT>…`, e.g. `PALISADE_SIDECAR__ADMIN__PORT=9901`, sets the field at that path;
 * segments are matched lowercased, numeric segments index arrays, and the value is read as a YAML scalar
 * or flow collection (`9901` is a number, `true` a boolean, `[a, b]` a list).
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './errors.js';

export interface LoadConfigOptions {
  /** Environment to read overrides from; default: none (callers pass `process.env` explicitly). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Override prefix including the trailing `__`, e.g. `PALISADE_SIDECAR__`. No prefix: no overrides. */
  envPrefix?: string;
}

/** Read, parse, override, validate and freeze a config file. Throws ConfigError (exit code 2). */
export async function loadConfigFile<S extends z.ZodType>(
  file: string,
  schema: S,
  options: LoadConfigOptions = {},
): Promise<z.infer<S>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ConfigError('ERR_CONFIG_READ', [`${file}: cannot read config: ${reason}`], { cause: err });
  }
  return parseConfigText(text, file, schema, options);
}

/** Same as loadConfigFile for text already in memory; `source` names it in errors. */
export function parseConfigText<S extends z.ZodType>(
  text: string,
  source: string,
  schema: S,
  options: LoadConfigOptions = {},
): z.infer<S> {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      'ERR_CONFIG_PARSE',
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos === undefined ? source : `${source}:${pos.line}:${pos.col}`;
        return `${where}: invalid YAML: ${firstLine(e.message).replace(/ at line \d+, column \d+:?$/, '')}`;
      }),
    );
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const overridden = applyEnvOverrides(raw, options.env ?? {}, options.envPrefix);
  return validateConfig(overridden, source, schema);
}

/** Validate an in-memory value against a schema, with the same error format as files. */
export function validateConfig<S extends z.ZodType>(value: unknown, source: string, schema: S): z.infer<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(
      'ERR_CONFIG_INVALID',
      result.error.issues.map((issue) => `${source}: ${describeIssue(issue)}`),
    );
  }
  return deepFreeze(result.data);
}

/** Render a path the way users write it: `inbound[0].port`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out === '' ? '(top level)' : out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((k) => `${formatPath([...issue.path, k])}: unknown field "${k}" (not allowed here)`)
      .join('; ');
  }
  const found = 'input' in issue ? issue.input : undefined;
  if (issue.code === 'invalid_type' && found === undefined) {
    return `${where}: missing required field (expected ${issue.expected})`;
  }
  const message = issue.message.replace(/^Invalid input: /, '');
  return `${where}: ${message}${found === undefined ? '' : ` (found ${renderValue(found)})`}`;
}

function renderValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

// --- environment overrides ---

/** Apply `PREFIX…` variables onto a copy of `raw`. Exported for tests and `--print-config` style tools. */
export function applyEnvOverrides(
  raw: unknown,
  env: Readonly<Record<string, string | undefined>>,
  prefix: string | undefined,
): unknown {
  if (prefix === undefined) return raw;
  const names = Object.keys(env)
    .filter((name) => name.startsWith(prefix) && name.length > prefix.length)
    .sort();
  if (names.length === 0) return raw;
  const root: unknown = structuredClone(raw);
  if (!isContainer(root)) {
    throw new ConfigError('ERR_CONFIG_ENV', [`${names[0]}: the config's top level is not a mapping`]);
  }
  const problems: string[] = [];
  for (const name of names) {
    const segments = name
      .slice(prefix.length)
      .split('__')
      .map((s) => s.toLowerCase());
    if (segments.some((s) => s === '')) {
      problems.push(`${name}: empty path segment (use single "__" between field names)`);
      continue;
    }
    const value = parseScalar(env[name] ?? '', name, problems);
    if (value === invalid) continue;
    setPath(root, segments, value, name, problems);
  }
  if (problems.length > 0) throw new ConfigError('ERR_CONFIG_ENV', problems);
  return root;
}

const invalid = Symbol('invalid');

function parseScalar(text: string, name: string, problems: string[]): unknown {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    problems.push(`${name}: cannot parse value: ${firstLine(doc.errors[0]?.message ?? '')}`);
    return invalid;
  }
  return doc.toJS();
}

type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

function setPath(
  root: Container,
  segments: string[],
  value: unknown,
  name: string,
  problems: string[],
): void {
  let node: Container = root;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as string;
    const last = i === segments.length - 1;
    if (Array.isArray(node)) {
      const index = Number(seg);
      if (!/^\d+$/.test(seg) || index > node.length) {
        problems.push(`${name}: "${seg}" is not a valid index for a list of ${node.length}`);
        return;
      }
      if (last) {
        node[index] = value;
        return;
      }
      node[index] ??= {};
      const next: unknown = node[index];
      if (!isContainer(next)) {
        problems.push(`${name}: cannot set a field inside a ${typeof next}`);
        return;
      }
      node = next;
    } else {
      if (last) {
        node[seg] = value;
        return;
      }
      node[seg] ??= /^\d+$/.test(segments[i + 1] as string) ? [] : {};
      const next: unknown = node[seg];
      if (!isContainer(next)) {
        problems.push(`${name}: cannot set a field inside a ${typeof next}`);
        return;
      }
      node = next;
    }
  }
}

// --- freezing ---

/** Recursively freeze a parsed config so no component can mutate it after validation. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
