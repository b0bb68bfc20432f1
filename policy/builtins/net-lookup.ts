/**
 * @module `net.lookup_ip_addr`: the addresses a name resolves to (IP literals return themselves without a
 * lookup). Real lookups are refused when the evaluation forbids network access.
 */
import { SetValue, type Value } from '../value/index.js';
import { networkRefused } from './builtin-error.js';
import type { BuiltinContext } from './context.js';
import { ipString, parseIP } from './go-ip.js';
import type { ImplTable } from './impl-types.js';
import { str } from './operands.js';
import { runSync } from './sync-worker.js';

/** Lookups slower than this fail rather than stall an evaluation. */
export const LOOKUP_TIMEOUT_MS = 5_000;

function lookup(args: readonly Value[], ctx: BuiltinContext): Value {
  const name = str(args, 0);
  const literal = parseIP(name);
  if (literal !== undefined) return SetValue.from([name.includes(':') ? name : ipString(literal)]);
  if (ctx.network !== 'allow') throw networkRefused();
  const addrs = runSync<string[]>({ kind: 'lookup', host: name }, LOOKUP_TIMEOUT_MS);
  return SetValue.from(addrs);
}

export const lookupBuiltins: ImplTable = {
  // Not flagged `network`: IP literals need no lookup; real lookups check the context themselves.
  'net.lookup_ip_addr': { impl: lookup, nondeterministic: true },
};
