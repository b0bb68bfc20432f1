/**
 * @module Benchmark of the Wasm backend: build time, module size, evaluations/s and p50/p99 through the
 * official SDK and through the IR evaluator (baseline, same run), and memory after 1,000,000 evaluations.
 * `npm run bench:wasm` (SAMPLES=… to change the evaluation count).
 */
import { readFileSync } from 'node:fs';
import { compileModules, planEntrypoints } from '../policy/compile/index.js';
import { evaluatePlan } from '../policy/eval/index.js';
import { fromJS } from '../policy/value/index.js';
import { compilePlan, loadPolicyModule } from '../policy/wasm/index.js';

const SAMPLES = Number(process.env.SAMPLES ?? 1_000_000);
const IR_SAMPLES = Math.min(SAMPLES, 20_000);

const AUTHZ = `package authz
import rego.v1
default allow := false
allow if {
	input.method == "GET"
	glob.match("/api/*", ["/"], input.path)
}
allow if {
	some role in data.bindings[input.principal]
	role in {"admin", "writer"}
	net.cidr_contains("10.0.0.0/8", input.source_ip)
}
`;

// Every call here goes to the host (the registry through the SDK): shows what a host builtin costs.
const HOST = `package host
import rego.v1
label := sprintf("%s %v", [input.principal, object.remove(input.meta, ["secret"])])
`;

interface Target {
  name: string;
  files: { path: string; text: string }[];
  entrypoint: string;
  data: unknown;
  input: unknown;
}

const targets: Target[] = [
  {
    name: 'authz (small)',
    files: [{ path: 'authz.rego', text: AUTHZ }],
    entrypoint: 'authz/allow',
    data: { bindings: { 'spiffe://mesh/a': ['admin'] } },
    input: { method: 'POST', path: '/api/x', principal: 'spiffe://mesh/a', source_ip: '10.1.2.3' },
  },
  {
    name: 'host builtins',
    files: [{ path: 'host.rego', text: HOST }],
    entrypoint: 'host/label',
    data: {},
    input: { principal: 'spiffe://mesh/a', meta: { secret: 'x', team: 'orders', tier: 2 } },
  },
  {
    name: 'policies/quota.rego',
    files: [{ path: 'policies/quota.rego', text: readFileSync('policies/quota.rego', 'utf8') }],
    entrypoint: 'palisade/quota/limits',
    data: {},
    input: {
      source: { principal: 'spiffe://mesh/ns/a/sa/b', address: '10.0.0.1' },
      destination: { service: 'orders' },
      request: { method: 'POST', path: '/orders' },
    },
  },
];

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function time(n: number, fn: () => unknown): { perSec: number; p50: number; p99: number } {
  for (let i = 0; i < Math.min(n, 5000); i++) fn(); // warm up
  const samples = new Float64Array(n);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const total = Number(process.hrtime.bigint() - start) / 1e9;
  samples.sort();
  return { perSec: n / total, p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

const rows: string[][] = [
  ['policy', 'build ms', 'wasm KB', 'target', 'evals/s', 'p50 µs', 'p99 µs', 'vs IR', 'memory'],
];
for (const t of targets) {
  const t0 = performance.now();
  const compiled = compileModules(t.files);
  if (!compiled.ok) throw new Error(compiled.errors.map((e) => e.message).join('\n'));
  const plan = planEntrypoints(compiled.compiled, [t.entrypoint]);
  const { wasm } = await compilePlan(plan);
  const buildMs = performance.now() - t0;
  const m = await loadPolicyModule(wasm);
  m.setData(t.data);
  const data = fromJS(t.data);
  const irInput = fromJS(t.input);
  const ir = time(IR_SAMPLES, () => evaluatePlan(plan, { input: irInput, data }));
  const memBefore = m.memoryBytes();
  const rssBefore = process.memoryUsage().rss;
  const sdk = time(SAMPLES, () => m.evaluate(t.input, 0));
  const memAfter = m.memoryBytes();
  const rssAfter = process.memoryUsage().rss;
  rows.push([
    t.name,
    buildMs.toFixed(0),
    (wasm.length / 1024).toFixed(1),
    'IR evaluator',
    ir.perSec.toFixed(0),
    ir.p50.toFixed(1),
    ir.p99.toFixed(1),
    '1.00x',
    '',
  ]);
  rows.push([
    '',
    '',
    '',
    'Wasm via SDK',
    sdk.perSec.toFixed(0),
    sdk.p50.toFixed(1),
    sdk.p99.toFixed(1),
    `${(sdk.perSec / ir.perSec).toFixed(2)}x`,
    `wasm ${memBefore}→${memAfter} B; rss ${(rssBefore / 2 ** 20).toFixed(0)}→${(rssAfter / 2 ** 20).toFixed(0)} MiB over ${SAMPLES}`,
  ]);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
console.log(JSON.stringify({ node: process.version, samples: SAMPLES, irSamples: IR_SAMPLES }));
