/**
 * @module Benchmark: parse+compile+plan time for policies/ and the largest modules of OPA's conformance
 * suite, and IR-evaluator evaluations/s on a representative authorization policy: median wall time and
 * median process CPU time per sample (the CPU column is the one to compare on a loaded machine, where wall
 * time mostly measures waiting for a core). Not part of the tests.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseModule } from '../policy/ast/index.js';
import { compileModules, planEntrypoints, planQuery, type SourceFile } from '../policy/compile/index.js';
import { evaluatePlan } from '../policy/eval/index.js';
import { parseJson } from '../policy/value/index.js';

const SAMPLES = Number(process.env.SAMPLES ?? 20);
const root = fileURLToPath(new URL('..', import.meta.url)).replace(/dist\/?$/, '');

const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median wall time of `fn`, and median process CPU time (ms): the CPU column survives a loaded machine. */
function time(fn: () => void): number {
  for (let i = 0; i < 3; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const c = process.cpuUsage();
    const s = process.hrtime.bigint();
    fn();
    wall.push(Number(process.hrtime.bigint() - s) / 1e6);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1e3);
  }
  lastCpu = median(cpu);
  return median(wall);
}
let lastCpu = 0;

function regoFiles(dir: string): SourceFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.rego'))
    .map((f) => ({ path: f, text: readFileSync(join(dir, f), 'utf8') }));
}

const rows: string[][] = [];
const full = (files: SourceFile[]) => {
  const c = compileModules(files);
  if (c.ok) planQuery(c.compiled, 'data = x');
};

const policies = regoFiles(join(root, 'policies'));
let baseline = 0;
if (policies.length > 0) {
  baseline = time(() => full(policies));
  rows.push([`policies/ (${policies.length} files)`, baseline.toFixed(2), lastCpu.toFixed(2), '1.00']);
}
const suiteDir = join(root, '..', 'shared', 'opa-conformance', 'v1');
if (existsSync(suiteDir)) {
  const mods: { note: string; text: string }[] = [];
  for (const d of readdirSync(suiteDir))
    for (const f of readdirSync(join(suiteDir, d)))
      for (const c of (
        parse(readFileSync(join(suiteDir, d, f), 'utf8')) as { cases: { note: string; modules?: string[] }[] }
      ).cases)
        for (const m of c.modules ?? []) mods.push({ note: c.note, text: m });
  mods.sort((a, b) => b.text.length - a.text.length);
  for (const m of mods.slice(0, 3)) {
    const files = [{ path: 'm.rego', text: m.text }];
    const parseMs = time(() => parseModule('m.rego', m.text));
    const parseCpu = lastCpu;
    const allMs = time(() => full(files));
    const allCpu = lastCpu;
    if (baseline === 0) baseline = allMs;
    rows.push([
      `${m.note.slice(0, 48)} (${m.text.length} B) parse`,
      parseMs.toFixed(2),
      parseCpu.toFixed(2),
      (parseMs / baseline).toFixed(2),
    ]);
    rows.push([`  parse+compile+plan`, allMs.toFixed(2), allCpu.toFixed(2), (allMs / baseline).toFixed(2)]);
  }
} else console.log('(../shared/opa-conformance absent: suite rows skipped)');

const AUTHZ = `package authz

default allow := false

allow if {
	input.method == "GET"
	some role in data.roles[input.user]
	role in {"reader", "admin"}
}

allow if {
	input.user == "root"
}
`;
const c = compileModules([{ path: 'authz.rego', text: AUTHZ }]);
if (c.ok) {
  const plan = planEntrypoints(c.compiled, ['authz/allow']);
  const input = parseJson('{"method":"GET","user":"bob"}');
  const data = parseJson('{"roles":{"alice":["guest"],"bob":["reader","admin"]}}');
  const n = 20000;
  for (let i = 0; i < 1000; i++) evaluatePlan(plan, { input, data });
  const s = process.hrtime.bigint();
  for (let i = 0; i < n; i++) evaluatePlan(plan, { input, data });
  const sec = Number(process.hrtime.bigint() - s) / 1e9;
  rows.push(['IR evaluator, authz/allow (evaluations/s)', (n / sec).toFixed(0), '-', '-']);
}

const w = Math.max(...rows.map((r) => r[0]!.length));
// cpu ms: process CPU time (all threads, JIT and GC included), the figure to compare on a busy machine.
console.log(`${'case'.padEnd(w)}  median ms  cpu ms  ratio`);
for (const r of rows)
  console.log(`${r[0]!.padEnd(w)}  ${r[1]!.padStart(9)}  ${r[2]!.padStart(6)}  ${r[3]!.padStart(5)}`);
console.log(`node ${process.version}, ${SAMPLES} samples`);
