/**
 * @module A Go text/template interpreter for `strings.render_template`: actions with trim markers, fields,
 * variables, pipelines, if/else if/else, range (with index and element variables), with, comments, and the
 * builtin functions (and or not len index print printf println eq ne lt le gt ge html js urlquery).
 * Data are plain JS values as OPA hands them to Go (numbers as float64). Missing keys print `<undefined>`.
 */
import { BuiltinError } from './builtin-error.js';
import { formatG } from './go-fmt-float.js';

type Data = unknown;
const MISSING = Symbol('missing');

type Tok = { kind: 'text'; text: string } | { kind: 'action'; src: string };

/** Split into text and `{{…}}` actions, applying `{{-` / `-}}` whitespace trimming. */
function tokenize(tpl: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < tpl.length) {
    const open = tpl.indexOf('{{', i);
    if (open < 0) {
      out.push({ kind: 'text', text: tpl.slice(i) });
      break;
    }
    let text = tpl.slice(i, open);
    const close = tpl.indexOf('}}', open + 2);
    if (close < 0) throw new BuiltinError('template: template:1: unclosed action');
    let src = tpl.slice(open + 2, close);
    if (src.startsWith('- ')) {
      text = text.replace(/\s+$/, '');
      src = src.slice(2);
    }
    out.push({ kind: 'text', text });
    let next = close + 2;
    if (src.endsWith(' -')) {
      src = src.slice(0, -2);
      const m = /^\s*/.exec(tpl.slice(next)) as RegExpExecArray;
      next += m[0].length;
    }
    out.push({ kind: 'action', src: src.trim() });
    i = next;
  }
  return out.filter((t) => t.kind !== 'text' || t.text !== '');
}

/** Go's %v of the values a template sees. */
export function goValue(v: Data): string {
  if (v === MISSING) return '<undefined>';
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') return formatG(v, -1);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  const o = v as Record<string, Data>;
  return `map[${Object.keys(o)
    .sort()
    .map((k) => `${k}:${goValue(o[k])}`)
    .join(' ')}]`;
}

function truthy(v: Data): boolean {
  if (v === MISSING || v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

/** Split a command line into words, keeping strings and parentheses together. */
function words(src: string): string[] {
  const out: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'|\((?:[^()]|\([^()]*\))*\)|\||:?=|[^\s|()]+)/gy;
  for (;;) {
    const m = re.exec(src);
    if (m === null || m[1] === undefined) return out;
    out.push(m[1]);
  }
}

const FUNCS: Record<string, (...a: Data[]) => Data> = {
  and: (...a) => a.find((x) => !truthy(x)) ?? a[a.length - 1],
  or: (...a) => a.find((x) => truthy(x)) ?? a[a.length - 1],
  not: (a) => !truthy(a),
  len: (a) =>
    typeof a === 'string'
      ? Buffer.byteLength(a)
      : Array.isArray(a)
        ? a.length
        : Object.keys(a as object).length,
  index: (a, ...ks) => ks.reduce((cur: Data, k) => (cur as Record<string, Data>)?.[String(k)] ?? MISSING, a),
  print: (...a) => a.map(goValue).join(''),
  println: (...a) => `${a.map(goValue).join(' ')}\n`,
  printf: (f, ...a) => {
    let i = 0;
    return String(f).replace(/%[-+# 0]*\d*(?:\.\d+)?[a-zA-Z%]/g, (spec) =>
      spec === '%%' ? '%' : goValue(a[i++]),
    );
  },
  eq: (a, ...b) => b.some((x) => x === a),
  ne: (a, b) => a !== b,
  lt: (a, b) => (a as number) < (b as number),
  le: (a, b) => (a as number) <= (b as number),
  gt: (a, b) => (a as number) > (b as number),
  ge: (a, b) => (a as number) >= (b as number),
  html: (...a) =>
    a
      .map(goValue)
      .join('')
      .replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`),
  js: (...a) => JSON.stringify(a.map(goValue).join('')).slice(1, -1),
  urlquery: (...a) => encodeURIComponent(a.map(goValue).join('')),
};

class Scope {
  constructor(
    readonly dot: Data,
    readonly vars: Map<string, Data>,
  ) {}
  with(dot: Data): Scope {
    return new Scope(dot, new Map(this.vars));
  }
}

function field(base: Data, path: string[]): Data {
  let cur = base;
  for (const p of path) {
    if (cur === MISSING) return MISSING;
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !(p in (cur as object)))
      return MISSING;
    cur = (cur as Record<string, Data>)[p];
  }
  return cur;
}

function operand(w: string, scope: Scope): Data {
  if (w.startsWith('(')) return pipeline(w.slice(1, -1), scope);
  if (w.startsWith('"')) return JSON.parse(w) as string;
  if (w.startsWith('`')) return w.slice(1, -1);
  if (w === 'true' || w === 'false') return w === 'true';
  if (w === 'nil') return null;
  if (/^-?\d/.test(w)) return Number(w);
  if (w === '.') return scope.dot;
  if (w.startsWith('.')) return field(scope.dot, w.slice(1).split('.'));
  if (w.startsWith('$')) {
    const [name, ...rest] = w.split('.');
    if (!scope.vars.has(name as string)) throw new BuiltinError(`template: undefined variable "${name}"`);
    return field(scope.vars.get(name as string), rest);
  }
  throw new BuiltinError(`template: function "${w}" not defined`);
}

function command(ws: string[], scope: Scope, piped: Data[]): Data {
  const [head, ...rest] = ws;
  if (head === undefined) throw new BuiltinError('template: empty command');
  const fn = FUNCS[head];
  if (fn !== undefined) return fn(...rest.map((w) => operand(w, scope)), ...piped);
  if (rest.length > 0 || piped.length > 0)
    throw new BuiltinError(`template: can't give argument to non-function ${head}`);
  return operand(head, scope);
}

function pipeline(src: string, scope: Scope): Data {
  const ws = words(src);
  let value: Data;
  let first = true;
  let cmd: string[] = [];
  const flush = () => {
    value = command(cmd, scope, first ? [] : [value]);
    first = false;
    cmd = [];
  };
  for (const w of ws) {
    if (w === '|') flush();
    else cmd.push(w);
  }
  flush();
  return value;
}

interface Node {
  kind: 'text' | 'print' | 'if' | 'range' | 'with' | 'set';
  src: string;
  vars?: string[];
  body: Node[];
  elseBody: Node[];
  text?: string;
}

/** Parse tokens into a tree; `{{else if …}}` becomes a nested if in the else branch. */
function parse(toks: Tok[]): Node[] {
  let i = 0;
  /** if/range/with up to its {{end}}; `{{else if …}}` chains share that one {{end}}. */
  const branch = (kind: 'if' | 'range' | 'with', expr: string, vars: string[] | undefined): Node => {
    const node: Node = { kind, src: expr, vars, body: [], elseBody: [] };
    let ender: string;
    [node.body, ender] = block(new Set(['else', 'end']));
    if (ender.startsWith('else')) {
      const rest = ender.slice(4).trim();
      if (rest.startsWith('if ')) node.elseBody = [branch('if', rest.slice(3), undefined)];
      else [node.elseBody] = block(new Set(['end']));
    }
    return node;
  };
  const block = (stop: Set<string>): [Node[], string] => {
    const out: Node[] = [];
    while (i < toks.length) {
      const t = toks[i++] as Tok;
      if (t.kind === 'text') {
        out.push({ kind: 'text', src: '', text: t.text, body: [], elseBody: [] });
        continue;
      }
      const src = t.src;
      if (src.startsWith('/*')) continue;
      const kw = /^(\w+)\b\s*(.*)$/s.exec(src);
      const word = kw?.[1] ?? '';
      if (stop.has(word)) return [out, src];
      if (word === 'if' || word === 'range' || word === 'with') {
        let expr = kw?.[2] ?? '';
        let vars: string[] | undefined;
        const decl = /^(\$\w+)(?:\s*,\s*(\$\w+))?\s*:=\s*(.*)$/s.exec(expr);
        if (decl !== null) {
          vars = [decl[1] as string, ...(decl[2] ? [decl[2]] : [])];
          expr = decl[3] as string;
        }
        out.push(branch(word, expr, vars));
        continue;
      }
      const set = /^(\$\w+)\s*:?=\s*(.*)$/s.exec(src);
      if (set !== null) {
        out.push({ kind: 'set', src: set[2] as string, vars: [set[1] as string], body: [], elseBody: [] });
        continue;
      }
      out.push({ kind: 'print', src, body: [], elseBody: [] });
    }
    if (stop.size > 0) throw new BuiltinError('template: unexpected EOF');
    return [out, ''];
  };
  return block(new Set())[0];
}

function exec(nodes: Node[], scope: Scope): string {
  let out = '';
  for (const n of nodes) {
    switch (n.kind) {
      case 'text':
        out += n.text;
        break;
      case 'print':
        out += goValue(pipeline(n.src, scope));
        break;
      case 'set':
        scope.vars.set((n.vars as string[])[0] as string, pipeline(n.src, scope));
        break;
      case 'if':
        out += truthy(pipeline(n.src, scope))
          ? exec(n.body, scope.with(scope.dot))
          : exec(n.elseBody, scope.with(scope.dot));
        break;
      case 'with': {
        const v = pipeline(n.src, scope);
        out += truthy(v) ? exec(n.body, scope.with(v)) : exec(n.elseBody, scope.with(scope.dot));
        break;
      }
      case 'range': {
        const v = pipeline(n.src, scope);
        const entries: [Data, Data][] = Array.isArray(v)
          ? v.map((x, i) => [i, x])
          : v !== null && typeof v === 'object'
            ? Object.keys(v as object)
                .sort()
                .map((k) => [k, (v as Record<string, Data>)[k]])
            : [];
        if (entries.length === 0) out += exec(n.elseBody, scope.with(scope.dot));
        for (const [k, x] of entries) {
          const inner = scope.with(x);
          const vars = n.vars ?? [];
          if (vars.length === 1) inner.vars.set(vars[0] as string, x);
          if (vars.length === 2) {
            inner.vars.set(vars[0] as string, k);
            inner.vars.set(vars[1] as string, x);
          }
          out += exec(n.body, inner);
        }
        break;
      }
    }
  }
  return out;
}

/** Render `tpl` with `data` as the dot (and `$`). */
export function renderGoTemplate(tpl: string, data: Record<string, Data>): string {
  const scope = new Scope(data, new Map([['$', data]]));
  return exec(parse(tokenize(tpl)), scope);
}
