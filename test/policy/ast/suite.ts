/**
 * @module Test helper: every Rego module of OPA's conformance suite (../shared/opa-conformance), or
 * undefined when the suite is absent so tests can skip with a message.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const SUITE_DIR = fileURLToPath(new URL('../../../../shared/opa-conformance/v1', import.meta.url));

export interface SuiteCase {
  note: string;
  query: string;
  modules: string[];
}

let cache: SuiteCase[] | undefined;

/** Resolve the suite relative to the repo whether tests run from source or from dist/. */
function suiteDir(): string | undefined {
  for (const rel of ['../../../../shared/opa-conformance/v1', '../../../../../shared/opa-conformance/v1']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  return undefined;
}

export function suiteCases(): SuiteCase[] | undefined {
  if (cache) return cache;
  const dir = suiteDir();
  if (!dir) return undefined;
  const out: SuiteCase[] = [];
  for (const d of readdirSync(dir).sort())
    for (const f of readdirSync(join(dir, d)).sort()) {
      const doc = parse(readFileSync(join(dir, d, f), 'utf8')) as { cases: SuiteCase[] };
      for (const c of doc.cases) out.push({ note: c.note, query: c.query, modules: c.modules ?? [] });
    }
  cache = out;
  return out;
}
