/**
 * @module What a builtin may know about the evaluation that calls it: the fixed clock reading, strict
 * mode, the print sink, a per-evaluation cache and the network permission. Builtins layer.
 */
import type { Value } from '../value/index.js';

/** Whether network builtins (`http.send`, `net.lookup_ip_addr`) may reach the network. */
export type NetworkPolicy = 'allow' | 'deny';

/** Options of an HTTP request made by `http.send`, and its answer; see http-send.ts. */
export interface HttpTransport {
  /**
   * Perform one request synchronously. Builtins are synchronous (as the Wasm host ABI requires), so a
   * transport blocks its caller; the default one runs the request in a worker thread (http-transport.ts).
   */
  request(req: HttpRequestSpec): HttpResponseSpec;
}

export interface HttpRequestSpec {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
  tls: {
    caPem?: string;
    certPem?: string;
    keyPem?: string;
    insecureSkipVerify: boolean;
    serverName?: string;
  };
  maxRedirects: number;
}

export interface HttpResponseSpec {
  status: number;
  statusText: string;
  headers: Record<string, string[]>;
  body: string;
}

export interface BuiltinContext {
  /** `time.now_ns()` for the whole evaluation, so every call in one query sees the same instant. */
  readonly nowNs: bigint;
  /** Strict builtin errors (`opa eval --strict-builtin-errors`); builtins themselves rarely look at it. */
  readonly strict: boolean;
  /** Where `print` output goes (one call = one line, without the trailing newline). */
  print(line: string): void;
  /** Memo shared by every builtin call of one evaluation (rand.intn, uuid.rfc4122, http.send caching). */
  readonly cache: Map<string, Value>;
  /** The proxy evaluates with `deny`: network builtins then fail with a halt error naming the refusal. */
  readonly network: NetworkPolicy;
  /** Transport for `http.send`; absent = the built-in worker-thread transport. */
  readonly http?: HttpTransport | undefined;
  /** `opa.runtime()`'s value. */
  readonly runtime: Value;
  /** Parse a Rego module to its AST as JSON (`rego.parse_module`); provided by the front end. */
  readonly parseModule?: ((filename: string, source: string) => Value) | undefined;
}

export interface BuiltinContextOptions {
  /** Clock in nanoseconds since the epoch, read once; tests inject a fixed one. */
  clock?: () => bigint;
  strict?: boolean;
  print?: (line: string) => void;
  network?: NetworkPolicy;
  http?: HttpTransport;
  runtime?: Value;
  parseModule?: (filename: string, source: string) => Value;
}

/** Wall clock with nanosecond resolution (ms from Date + sub-ms from hrtime, monotonic within a process). */
function systemClockNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
}

/**
 * A fresh context for one evaluation. Defaults: system clock, non-strict, print to stderr, network denied
 * (fail closed: a caller that wants `http.send` to work says so).
 */
export function createBuiltinContext(options: BuiltinContextOptions = {}): BuiltinContext {
  return {
    nowNs: (options.clock ?? systemClockNs)(),
    strict: options.strict ?? false,
    print: options.print ?? ((line) => process.stderr.write(`${line}\n`)),
    cache: new Map(),
    network: options.network ?? 'deny',
    http: options.http,
    runtime: options.runtime ?? null,
    parseModule: options.parseModule,
  };
}
