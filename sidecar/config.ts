/**
 * @module The sidecar's configuration: one YAML file per sidecar, validated once at startup with zod and
 * frozen (lib/config.ts). Config layer: every other sidecar file receives the typed, validated value.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
// audit/'s config schema module, not its index: the index also loads the log writer, exporters and verifier
// (and jose), which a sidecar without an `audit:` section never uses; audit-sink.ts loads those on demand.
import { auditConfigSchema } from '../audit/config.js';
import { type LoadConfigOptions, loadConfigFile, validateConfig } from '../lib/config.js';
import { parseDuration } from '../lib/duration.js';
import { SidecarConfigError } from './errors.js';
import { quotaConfigSchema } from './quota/config.js';

/** Environment override prefix: `PALISADE_SIDECAR__ADMIN__PORT=15000`. */
export const SIDECAR_ENV_PREFIX = 'PALISADE_SIDECAR__';

const SPIFFE_ID = /^spiffe:\/\/[a-z0-9._-]+(\/[a-zA-Z0-9._-]+)*$/;

const spiffeId = z
  .string()
  .regex(SPIFFE_ID, 'must be a SPIFFE ID like spiffe://example.org/ns/NAMESPACE/sa/ACCOUNT');

const portOrZero = z.number().int().min(0).max(65535);

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      try {
        return parseDuration(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });

/** `host:port` with a literal IP (loopback for apps); the port is required. */
const hostPort = z.string().transform((text, ctx) => {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const host = m?.[1] ?? m?.[2];
  const portNumber = Number(m?.[3]);
  if (!m || host === undefined || !(portNumber >= 1 && portNumber <= 65535)) {
    ctx.addIssue({ code: 'custom', message: 'expected HOST:PORT, e.g. 127.0.0.1:8080' });
    return z.NEVER;
  }
  return { host, port: portNumber };
});

const bindAddress = z
  .string()
  .default('127.0.0.1')
  .refine((a) => isIP(a) !== 0, 'must be an IP address (e.g. 127.0.0.1 or 0.0.0.0)');

const inboundSchema = z.strictObject({
  /** Mesh port peers connect to. 0 picks a free port (tests). */
  port: portOrZero,
  bind: bindAddress,
  protocol: z.enum(['http', 'tcp']),
  /** Local application address; traffic is forwarded here over loopback after authorization. */
  app: hostPort,
  /** `http1` (default) or `h2c` (cleartext HTTP/2, what gRPC servers speak). */
  app_protocol: z.enum(['http1', 'h2c']).default('http1'),
  /** `strict` refuses anything but mutual TLS; `permissive` also accepts plaintext, marked unauthenticated. */
  mtls: z.enum(['strict', 'permissive']).default('strict'),
  /** TLS 1.3 only unless TLS 1.2 is explicitly allowed. */
  tls_min_version: z.enum(['TLSv1.3', 'TLSv1.2']).default('TLSv1.3'),
  /** Name of this service in the policy input's `destination.service`; defaults to the identity's account. */
  service: z.string().min(1).optional(),
});

const outboundSchema = z.strictObject({
  /** Local plaintext port the application connects to. 0 picks a free port (tests). */
  port: portOrZero,
  bind: bindAddress,
  /** Logical name of the upstream service (logs, metrics). */
  service: z.string().min(1),
  /** The upstream sidecar's mesh address. */
  address: hostPort,
  /** The SPIFFE ID the upstream must present (secure naming). */
  identity: spiffeId,
  /** `http` lets the sidecar answer a failed connection with a 502/503; `tcp` just closes. */
  protocol: z.enum(['http', 'tcp']).default('http'),
  /** TLS connections kept ready to the upstream, so a new application connection skips the handshake. */
  warm_connections: z.number().int().min(0).max(64).default(4),
  connect_timeout: duration('5s'),
});

const policySchema = z.strictObject({
  /** Bundle file (`.tar.gz`), bundle directory, or a bare `policy.wasm`. Reloaded when it changes. */
  bundle: z.string().min(1),
  /** Entrypoints in OPA's slash form. `reason` is optional in the policy. */
  entrypoints: z
    .strictObject({
      allow: z.string().min(1).default('palisade/authz/allow'),
      reason: z.string().min(1).default('palisade/authz/reason'),
    })
    .default({ allow: 'palisade/authz/allow', reason: 'palisade/authz/reason' }),
  /** A decision that takes longer is a denial. */
  timeout: duration('100ms'),
  /** `worker` evaluates in a worker thread that is replaced if a policy never returns; `inline` is faster. */
  isolation: z.enum(['worker', 'inline']).default('worker'),
  /** Credential headers are removed from the input unless listed here (lowercase names). */
  include_headers: z.array(z.string().regex(/^[a-z0-9-]+$/, 'lowercase header name')).default([]),
  /**
   * File holding the PEM public key (or HMAC secret) bundles are signed with: when set, only bundles whose
   * `.signatures.json` verifies over every file load (OPA's format; `policy build --signing-key`).
   */
  verification_key: z.string().min(1).optional(),
  /** How often the bundle path is checked for changes. */
  poll_interval: duration('2s'),
});

const adminSchema = z.strictObject({
  port: portOrZero.default(15000),
  bind: z.enum(['127.0.0.1', '::1']).default('127.0.0.1'),
});

const limitsSchema = z.strictObject({
  max_header_bytes: z.number().int().min(1024).max(1_048_576).default(16_384),
  headers_timeout: duration('10s'),
  request_timeout: duration('60s'),
  idle_timeout: duration('60s'),
  /** HTTP/2 streams a peer may reset per second before the connection is closed (rapid-reset defence). */
  h2_max_resets_per_second: z.number().int().min(1).default(200),
  h2_max_concurrent_streams: z.number().int().min(1).max(10_000).default(256),
  max_connections: z.number().int().min(1).default(10_000),
});

/** The whole file. */
export const sidecarConfigSchema = z.strictObject({
  identity: z.strictObject({
    spiffe_id: spiffeId,
    /** Holds `key.pem` (0600), `cert.pem` (leaf first) and `bundle.pem`. */
    dir: z.string().min(1),
  }),
  /** Without `citadel`, the SVID files in `identity.dir` are used as they are and watched for changes. */
  citadel: z
    .strictObject({
      address: hostPort,
      /** File holding a join token for the first issuance (unused once an SVID exists). */
      join_token_file: z.string().min(1).optional(),
      /** PEM roots to verify citadel's serving certificate on first contact. */
      bundle_file: z.string().min(1),
      ttl: duration('1h'),
    })
    .optional(),
  inbound: z.array(inboundSchema).default([]),
  outbound: z.array(outboundSchema).default([]),
  policy: policySchema.optional(),
  /** The decision log: audit/'s schema (directory, mode, checkpoints, rotation, masks). */
  audit: auditConfigSchema.optional(),
  /** Rate limits the policy chooses and the sidecar enforces (docs/quota.md); absent: no quota. */
  quota: quotaConfigSchema.optional(),
  admin: adminSchema.default({ port: 15000, bind: '127.0.0.1' }),
  limits: limitsSchema.default({
    max_header_bytes: 16_384,
    headers_timeout: 10_000,
    request_timeout: 60_000,
    idle_timeout: 60_000,
    h2_max_resets_per_second: 200,
    h2_max_concurrent_streams: 256,
    max_connections: 10_000,
  }),
});

export type SidecarConfig = z.infer<typeof sidecarConfigSchema>;
export type InboundConfig = SidecarConfig['inbound'][number];
export type OutboundConfig = SidecarConfig['outbound'][number];
export type PolicyConfig = NonNullable<SidecarConfig['policy']>;
export type LimitsConfig = SidecarConfig['limits'];

/** Read and validate a sidecar config file (exit 2 naming the field on error). */
export async function loadSidecarConfig(
  file: string,
  options: LoadConfigOptions = {},
): Promise<SidecarConfig> {
  const config = await loadConfigFile(file, sidecarConfigSchema, {
    envPrefix: SIDECAR_ENV_PREFIX,
    ...options,
  });
  checkPorts(config, file);
  return config;
}

/** Validate an in-memory config (tests, `palisade up`). */
export function parseSidecarConfig(value: unknown, source = 'sidecar config'): SidecarConfig {
  const config = validateConfig(value, source, sidecarConfigSchema);
  checkPorts(config, source);
  return config;
}

/** Cross-field rule the schema cannot express: a fixed port is used by one listener only. */
function checkPorts(config: SidecarConfig, source: string): void {
  const seen = new Map<string, string>();
  const claim = (bind: string, p: number, field: string) => {
    if (p === 0) return;
    const key = `${bind}:${p}`;
    const prior = seen.get(key);
    if (prior !== undefined) {
      throw new SidecarConfigError(`${source}: ${field}: port ${p} is already used by ${prior}`);
    }
    seen.set(key, field);
  };
  for (const [i, l] of config.inbound.entries()) claim(l.bind, l.port, `inbound[${i}].port`);
  for (const [i, l] of config.outbound.entries()) claim(l.bind, l.port, `outbound[${i}].port`);
  claim(config.admin.bind, config.admin.port, 'admin.port');
}
