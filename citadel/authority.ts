/**
 * @module The certificate authority at run time: loads and checks the CA state, then issues X.509-SVIDs in
 * fixed steps — verify CSR → authorise → clamp TTL → template → sign → re-validate → journal → event.
 * Also mints/verifies join tokens and follows rotations made by the CLI (reload). Identity layer, top.
 */
import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from '../lib/logger.js';
import type { TrustBundle } from './bundle.js';
import type { Certificate } from './certificate.js';
import { type Clock, systemClock } from './clock.js';
import type { CaPolicy } from './config.js';
import { verifyCsr } from './csr.js';
import { CitadelError } from './errors.js';
import { emitIdentityEvent } from './identity-events.js';
import { createJoinToken, type JoinToken, type VerifiedJoinToken, verifyJoinToken } from './join-token.js';
import { generatePrivateKey, signatureAlgorithmFor, spkiOf } from './keys.js';
import { signCertificate } from './signer.js';
import { parseSpiffeId, type SpiffeId } from './spiffe-id.js';
import { withCaLock } from './state/ca-lock.js';
import { type CaState, type LoadedIntermediate, type LoadedRoot, loadCaState } from './state/ca-store.js';
import { activeRootEntry } from './state/hierarchy.js';
import { IssuanceJournal } from './state/journal.js';
import { TokenLedger } from './state/token-ledger.js';
import { workloadSvidTemplate } from './template.js';
import type { Svid } from './tls-options.js';
import { validateIssuedSvid } from './validator.js';

/** SPIFFE ID paths under this prefix belong to Palisade itself (citadel's serving identity) and are never issued. */
export const RESERVED_PATH_PREFIX = '/palisade/';

/** Citadel's own serving identity in trust domain `td`. */
export function citadelServerId(trustDomain: string): SpiffeId {
  return parseSpiffeId(`spiffe://${trustDomain}/palisade/citadel`);
}

export interface AuthorityOptions {
  clock?: Clock;
  logger?: Logger;
  /** Compact the used-token ledger while loading: only for the token-consuming server, under the CA lock. */
  compactTokenLedger?: boolean;
  /**
   * After this many bytes appended to the issuance journal, compact it (drop expired SVID lines) in the
   * background under the CA lock. Default 64 MiB (some 250,000 SVIDs).
   */
  journalCompactBytes?: number;
}

const DEFAULT_JOURNAL_COMPACT_BYTES = 64 * 1024 * 1024;
/** After a compaction could not run (lock held, I/O error), wait this long before trying again. */
const COMPACTION_RETRY_MS = 30_000;

/** How a request was authenticated, for the journal and events. */
export type IssuanceVia = 'join-token' | 'renewal' | 'local';

export interface IssueRequest {
  /** PEM or DER PKCS#10 request, signed by the workload's own key. */
  csr: string | Buffer;
  /** Requested lifetime; default the policy's default, clamped to the maximum (never refused for being long). */
  ttlMs?: number | undefined;
  /** Who asked (SPIFFE ID, token id, or "local:<user>"), for the journal. */
  requester: string;
  via: IssuanceVia;
  /** When set, the CSR must name exactly this SPIFFE ID (the token's subject or the renewing SVID's ID). */
  requireSpiffeId?: SpiffeId | undefined;
  /**
   * Runs after the CSR is verified and authorised, before signing: e.g. consuming a join token, so requests
   * that fail earlier leave no trace. A throw aborts the issuance.
   */
  beforeSign?: (() => Promise<void>) | undefined;
}

export interface IssuedSvid {
  spiffeId: SpiffeId;
  /** Leaf first, then the issuing intermediate. */
  chain: Certificate[];
  bundle: TrustBundle;
  /** Lifetime granted (notAfter − now), and whether the request was clamped. */
  ttlMs: number;
  clamped: boolean;
}

/** The running CA. Open with `CertificateAuthority.open(stateDir)`. */
export class CertificateAuthority {
  readonly stateDir: string;
  readonly clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #events = new EventEmitter();
  #state: CaState;
  #journal: IssuanceJournal;
  #ledger: TokenLedger;
  #tokenPublicKey: KeyObject;
  readonly #journalCompactBytes: number;
  #compacting: Promise<void> | undefined;
  #nextCompactionAttempt = 0;

  private constructor(stateDir: string, state: CaState, ledger: TokenLedger, options: AuthorityOptions) {
    this.#ledger = ledger;
    this.stateDir = stateDir;
    this.clock = options.clock ?? systemClock;
    this.#logger = options.logger;
    this.#state = state;
    this.#journal = new IssuanceJournal(state.paths.journal);
    this.#tokenPublicKey = createPublicKey(state.tokenKey);
    this.#journalCompactBytes = options.journalCompactBytes ?? DEFAULT_JOURNAL_COMPACT_BYTES;
  }

  /** Load the CA from `<stateDir>/ca/`, running every startup check. */
  static async open(stateDir: string, options: AuthorityOptions = {}): Promise<CertificateAuthority> {
    const state = await loadCaState(stateDir);
    const ledger = await TokenLedger.open(state.paths.usedTokens, options.clock ?? systemClock, {
      compact: options.compactTokenLedger === true,
    });
    return new CertificateAuthority(stateDir, state, ledger, options);
  }

  get trustDomain(): string {
    return this.#state.manifest.trustDomain;
  }

  get policy(): CaPolicy {
    return this.#state.manifest.policy;
  }

  get bundle(): TrustBundle {
    return this.#state.bundle;
  }

  get journal(): IssuanceJournal {
    return this.#journal;
  }

  /** The root and intermediate new SVIDs are issued under right now. */
  activeHierarchy(): { root: LoadedRoot; intermediate: LoadedIntermediate } {
    const rootEntry = activeRootEntry(this.#state.manifest, this.clock.now());
    const root = this.#state.roots.find((r) => r.entry.id === rootEntry.id);
    const intermediate = this.#state.intermediates.find((i) => i.entry.rootId === rootEntry.id);
    if (root === undefined || intermediate === undefined) {
      throw new CitadelError(
        'ERR_CITADEL_STATE_CORRUPT',
        `${this.#state.paths.manifest}: active root ${rootEntry.id} has no intermediate`,
      );
    }
    return { root, intermediate };
  }

  /**
   * The hierarchy citadel's own serving certificate chains to: the oldest activated root, because during a
   * root rotation every client already trusts it, while some may not have received the new root yet.
   */
  servingHierarchy(): { root: LoadedRoot; intermediate: LoadedIntermediate } {
    const now = this.clock.now();
    // Manifest order is oldest generation first; keep it among activated roots.
    const activated = this.#state.roots.filter((r) => Date.parse(r.entry.activateAt) <= now);
    for (const root of activated) {
      const intermediate = this.#state.intermediates.find((i) => i.entry.rootId === root.entry.id);
      if (intermediate !== undefined && intermediate.cert.notAfter.getTime() > now)
        return { root, intermediate };
    }
    return this.activeHierarchy();
  }

  /** Listen for trust bundle changes (after `reload` picks up a root rotation or retirement). */
  onBundleChange(listener: (bundle: TrustBundle) => void): () => void {
    this.#events.on('bundle', listener);
    return () => this.#events.off('bundle', listener);
  }

  /**
   * Re-read the state directory (the CLI rotates while the server runs). The new state passes every startup
   * check before it replaces the old; on failure the CA keeps serving with what it had, and the error is
   * returned for logging. Emits a bundle change when the sequence moved.
   */
  async reload(
    hooks: { beforeBundlePublished?: (changed: boolean) => Promise<void> } = {},
  ): Promise<{ changed: boolean; error?: unknown }> {
    let next: CaState;
    try {
      next = await loadCaState(this.stateDir);
    } catch (error) {
      return { changed: false, error };
    }
    const prev = this.#state;
    this.#state = next;
    this.#tokenPublicKey = createPublicKey(next.tokenKey);
    const bundleChanged = next.manifest.bundleSequence !== prev.manifest.bundleSequence;
    const changed = bundleChanged || JSON.stringify(next.manifest) !== JSON.stringify(prev.manifest);
    // E.g. citadel's serving certificate moves to a root the new bundle still holds before anyone is told.
    await hooks.beforeBundlePublished?.(changed);
    if (bundleChanged) {
      emitIdentityEvent(
        {
          type: 'bundle.updated',
          trustDomain: this.trustDomain,
          sequence: next.bundle.sequence,
          roots: next.bundle.roots.map((r) => r.serial),
        },
        this.#logger,
      );
      this.#events.emit('bundle', next.bundle);
    }
    return { changed };
  }

  /** Issue an X.509-SVID for a verified CSR. Throws CitadelError; state is untouched on failure. */
  async issue(req: IssueRequest): Promise<IssuedSvid> {
    const csr = await verifyCsr(req.csr, this.trustDomain);
    if (csr.spiffeId.path.startsWith(RESERVED_PATH_PREFIX)) {
      throw new CitadelError(
        'ERR_CITADEL_PERMISSION_DENIED',
        `${csr.spiffeId} is reserved for Palisade's own components (paths under ${RESERVED_PATH_PREFIX})`,
      );
    }
    if (req.requireSpiffeId !== undefined && !csr.spiffeId.equals(req.requireSpiffeId)) {
      throw new CitadelError(
        'ERR_CITADEL_PERMISSION_DENIED',
        `CSR asks for ${csr.spiffeId} but the caller may only obtain ${req.requireSpiffeId}`,
      );
    }
    const policy = this.policy;
    const wanted = req.ttlMs ?? policy.svidDefaultTtlMs;
    if (!Number.isFinite(wanted) || wanted <= 0) {
      throw new CitadelError(
        'ERR_CITADEL_INVALID_ARGUMENT',
        `requested TTL must be positive (got ${wanted} ms)`,
      );
    }
    const ttlMs = Math.min(wanted, policy.svidMaxTtlMs);
    if (req.beforeSign !== undefined) await req.beforeSign();
    const { root, intermediate } = this.activeHierarchy();
    const now = this.clock.now();
    // Signing stays on this thread: an ECDSA P-256 signature costs about what a hand-off to the thread pool
    // and back does, unlike the CSR verification (three times dearer), which runs there.
    const leaf = signCertificate(
      workloadSvidTemplate(
        {
          spiffeId: csr.spiffeId,
          spki: csr.spki,
          ttlMs,
          parent: intermediate.cert,
          parentSignatureAlgorithm: signatureAlgorithmFor(intermediate.key),
        },
        this.clock,
      ),
      intermediate.key,
    );
    validateIssuedSvid(leaf, intermediate.cert, this.bundle, now);
    await this.#journal.record({
      ts: new Date(now).toISOString(),
      kind: 'svid',
      serial: leaf.serial,
      spiffe_id: csr.spiffeId.toString(),
      not_after: leaf.notAfter.toISOString(),
      requester: req.requester,
      root_id: root.entry.id,
      intermediate_id: intermediate.entry.id,
    });
    this.#maybeCompactJournal();
    const clamped = wanted > ttlMs || leaf.notAfter.getTime() < now + ttlMs;
    emitIdentityEvent(
      {
        type: 'svid.issued',
        spiffeId: csr.spiffeId.toString(),
        serial: leaf.serial,
        notAfter: leaf.notAfter.toISOString(),
        requester: req.requester,
        via: req.via,
        ttlClamped: clamped,
      },
      this.#logger,
    );
    return {
      spiffeId: csr.spiffeId,
      chain: [leaf, intermediate.cert],
      bundle: this.bundle,
      ttlMs: leaf.notAfter.getTime() - now,
      clamped,
    };
  }

  /** Resolves when a background journal compaction started by issuance (if any) has finished. */
  async journalCompaction(): Promise<void> {
    await this.#compacting;
  }

  /** Start a background compaction once enough was appended; never delays or fails an issuance. */
  #maybeCompactJournal(): void {
    if (this.#compacting !== undefined || this.#journal.appendedBytes < this.#journalCompactBytes) return;
    const now = this.clock.now();
    if (now < this.#nextCompactionAttempt) return;
    this.#compacting = (async () => {
      try {
        const dropped = await withCaLock(this.stateDir, 'citadel (journal compaction)', () =>
          this.#journal.compact(this.clock.now()),
        );
        this.#logger?.info({ path: this.#journal.path, dropped }, 'issuance journal compacted');
      } catch (err) {
        this.#nextCompactionAttempt = now + COMPACTION_RETRY_MS;
        this.#logger?.warn({ err, path: this.#journal.path }, 'issuance journal compaction postponed');
      } finally {
        this.#compacting = undefined;
      }
    })();
  }

  /**
   * Issue citadel's own serving certificate (SPIFFE ID `spiffe://<td>/palisade/citadel`, plus DNS/IP SANs so
   * ordinary TLS tools can reach it). The key is generated here, where it is used.
   */
  async issueServingSvid(sans: { dnsNames?: string[]; ipAddresses?: Buffer[] } = {}): Promise<Svid> {
    const key = await generatePrivateKey(this.#state.manifest.keyType);
    const { root, intermediate } = this.servingHierarchy();
    const id = citadelServerId(this.trustDomain);
    const leaf = signCertificate(
      workloadSvidTemplate(
        {
          spiffeId: id,
          spki: spkiOf(key),
          ttlMs: this.policy.svidDefaultTtlMs,
          parent: intermediate.cert,
          parentSignatureAlgorithm: signatureAlgorithmFor(intermediate.key),
          dnsNames: sans.dnsNames ?? [],
          ipAddresses: sans.ipAddresses ?? [],
        },
        this.clock,
      ),
      intermediate.key,
    );
    validateIssuedSvid(leaf, intermediate.cert, this.bundle, this.clock.now());
    await this.#journal.record({
      ts: new Date(this.clock.now()).toISOString(),
      kind: 'svid',
      serial: leaf.serial,
      spiffe_id: id.toString(),
      not_after: leaf.notAfter.toISOString(),
      requester: 'citadel',
      root_id: root.entry.id,
      intermediate_id: intermediate.entry.id,
    });
    return { key, chain: [leaf, intermediate.cert] };
  }

  /** Mint a join token for `spiffeId` (must be in this trust domain); TTL clamped to the policy maximum. */
  async createJoinToken(spiffeId: SpiffeId, ttlMs?: number): Promise<JoinToken> {
    if (!spiffeId.memberOf(this.trustDomain) || spiffeId.isTrustDomainId) {
      throw new CitadelError(
        'ERR_CITADEL_INVALID_ARGUMENT',
        `${spiffeId} is not a workload ID in trust domain "${this.trustDomain}"`,
      );
    }
    const ttl = Math.min(ttlMs ?? this.policy.joinTokenDefaultTtlMs, this.policy.joinTokenMaxTtlMs);
    return createJoinToken(this.#state.tokenKey, spiffeId, ttl, this.clock);
  }

  /**
   * Verify a join token (signature, algorithm, claims, lifetime) without using it up. Pass the result to
   * `consumeJoinToken` once the rest of the request has been checked, so a bad CSR does not burn the token.
   */
  async verifyJoinToken(token: string): Promise<VerifiedJoinToken> {
    const verified = await verifyJoinToken(
      token,
      this.#tokenPublicKey,
      this.trustDomain,
      this.policy.joinTokenMaxTtlMs,
      this.clock,
    );
    if (this.#ledger.has(verified.jti)) {
      throw new CitadelError(
        'ERR_CITADEL_TOKEN_REPLAYED',
        'join token was already used (tokens are single-use)',
      );
    }
    return verified;
  }

  /** Mark a verified join token used, durably; a second use (even concurrent) is refused. */
  consumeJoinToken(verified: VerifiedJoinToken): Promise<void> {
    return this.#ledger.consume(verified.jti, verified.exp);
  }
}
