/**
 * @module The trust bundle: the roots a trust domain trusts, published as PEM and as a SPIFFE bundle (a JWK
 * set with `spiffe_sequence` and `spiffe_refresh_hint`). Identity layer; parsing validates with zod.
 */
import { z } from 'zod';
import { Certificate } from './certificate.js';
import { CitadelError } from './errors.js';
import { parseTrustDomain } from './spiffe-id.js';
import type { BundleView } from './validator.js';

/** Default refresh hint sent to bundle consumers, in seconds. */
export const DEFAULT_REFRESH_HINT_SECONDS = 300;

/** An immutable trust bundle for one trust domain. */
export class TrustBundle implements BundleView {
  readonly trustDomain: string;
  readonly roots: readonly Certificate[];
  /** Incremented by citadel on every change; consumers keep the highest they have seen. */
  readonly sequence: number;
  readonly refreshHintSeconds: number;

  constructor(init: {
    trustDomain: string;
    roots: readonly Certificate[];
    sequence: number;
    refreshHintSeconds?: number;
  }) {
    this.trustDomain = parseTrustDomain(init.trustDomain);
    this.roots = Object.freeze([...init.roots]);
    this.sequence = init.sequence;
    this.refreshHintSeconds = init.refreshHintSeconds ?? DEFAULT_REFRESH_HINT_SECONDS;
  }

  /** Every root, concatenated PEM (what `bundle.pem` holds and TLS `ca` options take). */
  toPem(): string {
    return this.roots.map((r) => r.toPem()).join('');
  }

  /** True when the bundle contains this exact root certificate. */
  hasRoot(cert: Certificate): boolean {
    return this.roots.some((r) => r.der.equals(cert.der));
  }

  /** The SPIFFE bundle format: a JWK set whose X.509 authorities carry `use: "x509-svid"` and `x5c`. */
  toSpiffeBundle(): SpiffeBundleDocument {
    return {
      keys: this.roots.map((root) => {
        const jwk = root.publicKey.export({ format: 'jwk' }) as Record<string, string>;
        return { ...jwk, use: 'x509-svid', x5c: [root.der.toString('base64')] } as SpiffeBundleKey;
      }),
      spiffe_sequence: this.sequence,
      spiffe_refresh_hint: this.refreshHintSeconds,
    };
  }

  /** Parse a PEM bundle (one or more root certificates); `source` names the file in errors. */
  static fromPem(text: string, trustDomain: string, source: string, sequence = 0): TrustBundle {
    let roots: Certificate[];
    try {
      roots = Certificate.fromPem(text, source);
    } catch (err) {
      throw new CitadelError('ERR_CITADEL_BUNDLE_INVALID', (err as Error).message, { cause: err });
    }
    for (const [i, r] of roots.entries()) {
      if (!r.isCa) {
        throw new CitadelError(
          'ERR_CITADEL_BUNDLE_INVALID',
          `${source}: certificate ${i + 1} is not a CA certificate`,
        );
      }
    }
    return new TrustBundle({ trustDomain, roots, sequence });
  }

  /** Parse a SPIFFE bundle JSON document, validating its shape at the edge. */
  static fromSpiffeBundle(json: unknown, trustDomain: string, source: string): TrustBundle {
    const parsed = spiffeBundleSchema.safeParse(json);
    if (!parsed.success) {
      throw new CitadelError(
        'ERR_CITADEL_BUNDLE_INVALID',
        `${source}: not a SPIFFE bundle: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`,
      );
    }
    const roots = parsed.data.keys
      .filter((k) => k.use === 'x509-svid')
      .map((k, i) => {
        try {
          return Certificate.fromDer(Buffer.from(k.x5c[0] as string, 'base64'));
        } catch (err) {
          throw new CitadelError(
            'ERR_CITADEL_BUNDLE_INVALID',
            `${source}: keys[${i}].x5c[0]: ${(err as Error).message}`,
            {
              cause: err,
            },
          );
        }
      });
    return new TrustBundle({
      trustDomain,
      roots,
      sequence: parsed.data.spiffe_sequence ?? 0,
      refreshHintSeconds: parsed.data.spiffe_refresh_hint,
    });
  }
}

const spiffeBundleKeySchema = z.looseObject({
  kty: z.string(),
  use: z.string(),
  x5c: z.array(z.string()).min(1),
});

const spiffeBundleSchema = z.looseObject({
  keys: z.array(spiffeBundleKeySchema),
  spiffe_sequence: z.number().int().nonnegative().optional(),
  spiffe_refresh_hint: z.number().int().positive().optional(),
});

export type SpiffeBundleKey = { kty: string; use: 'x509-svid'; x5c: string[] } & Record<
  string,
  string | string[]
>;

/** The JSON shape of a SPIFFE bundle. */
export interface SpiffeBundleDocument {
  keys: SpiffeBundleKey[];
  spiffe_sequence: number;
  spiffe_refresh_hint: number;
}
