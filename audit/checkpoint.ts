/**
 * @module Checkpoint signatures: a JWS (compact, ES256) over the checkpoint's claims, so nobody without
 * the audit key can rewrite the chain and re-sign it. Record layer.
 */
import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import type { AuditSigningKey, VerificationKeys } from './audit-key.js';
import { ALG } from './audit-key.js';

/** JWS `typ` of checkpoint signatures, so they cannot be confused with other tokens. */
export const CHECKPOINT_TYP = 'palisade-audit-checkpoint';

/** What a checkpoint signs. Mirrors the checkpoint record's fields. */
export interface CheckpointClaims {
  /** Writer's SPIFFE ID. */
  iss: string;
  /** Sequence number of the checkpoint record itself. */
  seq: number;
  covers_seq: number;
  chain_hash: string;
  records: number;
  final: boolean;
  /** Same as the record's `ts`. */
  ts: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function signCheckpoint(claims: CheckpointClaims, key: AuditSigningKey): Promise<string> {
  return new CompactSign(encoder.encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: ALG, kid: key.keyId, typ: CHECKPOINT_TYP })
    .sign(key.privateKey);
}

export type CheckpointCheck =
  | { ok: true; claims: CheckpointClaims }
  | { ok: false; reason: 'unknown_key' | 'bad_signature' | 'malformed'; message: string };

/** Verify a checkpoint JWS against the trusted keys. Never throws. */
export async function verifyCheckpoint(jws: string, keys: VerificationKeys): Promise<CheckpointCheck> {
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(jws);
    if (header.alg !== ALG || header.typ !== CHECKPOINT_TYP) {
      return { ok: false, reason: 'malformed', message: `unexpected JWS header ${JSON.stringify(header)}` };
    }
    kid = header.kid;
  } catch (err) {
    return { ok: false, reason: 'malformed', message: `not a JWS: ${(err as Error).message}` };
  }
  const key = kid === undefined ? undefined : keys.get(kid);
  if (key === undefined) {
    return {
      ok: false,
      reason: 'unknown_key',
      message: `signed by key ${kid ?? '(none)'}, which is not trusted`,
    };
  }
  try {
    const { payload } = await compactVerify(jws, key, { algorithms: [ALG] });
    return { ok: true, claims: JSON.parse(decoder.decode(payload)) as CheckpointClaims };
  } catch (err) {
    return {
      ok: false,
      reason: 'bad_signature',
      message: `signature does not verify: ${(err as Error).message}`,
    };
  }
}
