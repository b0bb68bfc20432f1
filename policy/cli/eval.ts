/**
 * @module `palisade policy eval -d PATH… [-i input] QUERY`: compile the policy, plan the query, evaluate it
 * with the IR evaluator and print OPA's result JSON (`{"result": [{"expressions": […], "bindings": {…}}]}`);
 * `--explain` adds which rules ran and which expressions were undefined. CLI layer.
 */
import type { Command } from 'commander';
import { runAction } from '../../lib/cli.js';
import { ExitCode, UsageError } from '../../lib/errors.js';
import { parseQuery } from '../ast/index.js';
import {
  compileModules,
  formatRegoError,
  planQuery,
  type RegoError,
  regoParseModule,
} from '../compile/index.js';
import { Explainer, evaluatePlan } from '../eval/index.js';
import { loadPolicyPaths, parseDataFile } from '../test-runner/index.js';
import { ObjectValue, toJson, type Value } from '../value/index.js';

interface EvalOptions {
  data?: string[];
  input?: string;
  v0Compatible?: boolean;
  explain?: boolean;
  strictBuiltinErrors?: boolean;
  fail?: boolean;
}

// The variable a single-term query is bound to, so its value can be reported as the expression's value.
const VALUE_VAR = '__result__';

export function registerEvalCommand(policy: Command): void {
  policy
    .command('eval')
    .description('evaluate a Rego query against policies, data and input; print the result set as JSON')
    .argument('<query>', "a Rego query, e.g. 'data.authz.allow' or 'x := data.authz.deny[_]'")
    .option(
      '-d, --data <path>',
      '.rego files, data.json/data.yaml files or directories (repeatable)',
      collect,
    )
    .option('-i, --input <file>', 'the input document (JSON or YAML)')
    .option('--v0-compatible', 'parse Rego v0 (OPA 0.x syntax)')
    .option('--explain', 'explain the result: rules evaluated, their values, undefined expressions')
    .option('--strict-builtin-errors', 'treat builtin errors as errors instead of undefined')
    .option('--fail', 'exit 1 when the result is undefined')
    .addHelpText(
      'after',
      `
Examples:
  $ palisade policy eval -d policies/ -i request.json 'data.palisade.authz.allow'
  $ palisade policy eval -d policies/ -d data.json 'x := data.palisade.authz.deny[_]'
  $ palisade policy eval -d policies/ -i request.json --explain 'data.palisade.authz.allow'
  $ palisade policy eval -d gatekeeper/ --v0-compatible 'data.k8s.violation'

Output is OPA's: {} when the query is undefined, otherwise {"result": [...]}, each result holding the value
of every expression and the bindings of the query's variables. Numbers keep every digit.`,
    )
    .action(
      runAction<EvalOptions, [string]>((ctx, opts, query) => {
        const loaded = loadPolicyPaths(opts.data ?? []);
        const input = opts.input === undefined ? undefined : parseDataFile(opts.input);
        const v0Compatible = opts.v0Compatible ?? false;
        const parsed = parseQuery(query, { v0Compatible });
        if (!parsed.body) return printErrors(ctx, parsed.errors);
        const compiled = compileModules(loaded.modules, { v0Compatible });
        if (!compiled.ok) return printErrors(ctx, compiled.errors);
        const exprs = parsed.body;
        const first = exprs[0];
        const wrap =
          exprs.length === 1 &&
          first !== undefined &&
          !first.negated &&
          first.with.length === 0 &&
          first.kind.type === 'term' &&
          first.kind.term.type !== 'call';
        const planned = planQuery(compiled.compiled, wrap ? `${VALUE_VAR} = ${query}` : query);
        if (!planned.ok) return printErrors(ctx, planned.errors);
        const explainer = opts.explain ? new Explainer(planned.policy) : undefined;
        const rs = evaluatePlan(planned.policy, {
          input,
          data: loaded.data,
          strictBuiltinErrors: opts.strictBuiltinErrors ?? false,
          tracer: explainer,
          // An authoring tool, like `opa eval`: http.send and net.lookup_ip_addr may reach the network.
          network: 'allow',
          parseModule: regoParseModule({ v0Compatible }),
        });
        const texts = expressionTexts(
          query,
          exprs.map((e) => e.loc),
        );
        const result = rs.map((bindings) => {
          const expressions = exprs.map(
            (e, i) =>
              ObjectValue.fromRecord({
                value: wrap ? (bindings.get(VALUE_VAR) ?? null) : true,
                text: texts[i] ?? query,
                location: ObjectValue.fromRecord({ row: e.loc.row, col: e.loc.col }),
              }) as Value,
          );
          const visible = [...bindings.entries()].filter(([k]) => typeof k === 'string' && !isGenerated(k));
          const out = ObjectValue.fromRecord({ expressions });
          if (visible.length > 0) out.set('bindings', ObjectValue.from(visible));
          return out;
        });
        const doc = result.length === 0 ? new ObjectValue() : ObjectValue.fromRecord({ result });
        const sources = new Map(loaded.modules.map((m) => [m.path, m.text]));
        const explanation = explainer?.render(sources);
        if (ctx.json) {
          if (explanation !== undefined) doc.set('explanation', explanation.split('\n'));
          process.stdout.write(`${toJson(doc, 2)}\n`);
        } else {
          process.stdout.write(`${toJson(doc, 2)}\n`);
          if (explanation !== undefined)
            process.stdout.write(`\nExplanation:\n${explanation || '(nothing evaluated)'}\n`);
        }
        return opts.fail && result.length === 0 ? ExitCode.failed : ExitCode.ok;
      }),
    );
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function isGenerated(name: string): boolean {
  return name === VALUE_VAR || name.startsWith('__local') || name.startsWith('$') || name === '_';
}

/** Each expression's source text: from its position up to the next expression's. */
function expressionTexts(query: string, locs: readonly { row: number; col: number }[]): string[] {
  const lineStarts = [0];
  for (let i = 0; i < query.length; i++) if (query[i] === '\n') lineStarts.push(i + 1);
  const offset = (l: { row: number; col: number }) => (lineStarts[l.row - 1] ?? 0) + l.col - 1;
  return locs.map((l, i) => {
    const next = locs[i + 1];
    return query
      .slice(offset(l), next ? offset(next) : query.length)
      .trim()
      .replace(/;$/, '')
      .trim();
  });
}

function printErrors(
  ctx: { json: boolean; print(h: string, j: unknown): void },
  errors: readonly RegoError[],
): ExitCode {
  if (errors.length === 0) throw new UsageError('the query could not be parsed');
  ctx.print(
    [
      `${errors.length} error${errors.length === 1 ? '' : 's'} occurred:`,
      ...errors.map(formatRegoError),
    ].join('\n'),
    { errors },
  );
  return ExitCode.failed;
}
