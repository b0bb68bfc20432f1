/**
 * @module Join tokens: short-lived JWTs (ES256, signed by citadel) that each authorise one first issuance
 * for exactly one SPIFFE ID. Identity layer, built on jose; single use is enforced by state/token-ledger.ts.
 */

import type { KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from './clock.js';
import { CitadelError } from './errors.js';
import { parseSpiffeId, type SpiffeId, trustDomainId } from './spiffe-id.js';

export const JOIN_TOKEN_AUDIENCE = 'palisade-citadel';
export const JOIN_TOKEN_TYPE = 'palisade-join+jwt';
/** Allowed clock difference between the token's minter and citadel. */
const CLOCK_TOLERANCE_S = 5;

export interface JoinToken {
  token: string;
  jti: string;
  spiffeId: SpiffeId;
  expiresAt: Date;
}

export interface VerifiedJoinToken {
  spiffeId: SpiffeId;
  jti: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

/** Mint a join token for `spiffeId`, valid `ttlMs`. */
export async function createJoinToken(
  signingKey: KeyObject,
  spiffeId: SpiffeId,
  ttlMs: number,
  clock: Clock,
): Promise<JoinToken> {
  const now = Math.floor(clock.now() / 1000);
  const exp = now + Math.max(1, Math.round(ttlMs / 1000));
  const jti = randomUUID();
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', typ: JOIN_TOKEN_TYPE })
    .setIssuer(trustDomainId(spiffeId.trustDomain).toString())
    .setAudience(JOIN_TOKEN_AUDIENCE)
    .setSubject(spiffeId.toString())
    .setJti(jti)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(exp)
    .sign(signingKey);
  return { token, jti, spiffeId, expiresAt: new Date(exp * 1000) };
}

function invalid(reason: string, cause?: unknown): CitadelError {
  return new CitadelError('ERR_CITADEL_TOKEN_INVALID', `join token rejected: ${reason}`, { cause });
}

/**
 * Verify a join token's signature (ES256 only: `none`, HS256 and every other algorithm are refused), type,
 * issuer, audience, lifetime and subject. Does not mark it used.
 * @throws CitadelError `ERR_CITADEL_TOKEN_INVALID` with the reason.
 */
export async function verifyJoinToken(
  token: string,
  publicKey: KeyObject,
  trustDomain: string,
  maxTtlMs: number,
  clock: Clock,
): Promise<VerifiedJoinToken> {
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
  try {
    ({ payload } = await jwtVerify(token, publicKey, {
      algorithms: ['ES256'],
      typ: JOIN_TOKEN_TYPE,
      issuer: trustDomainId(trustDomain).toString(),
      audience: JOIN_TOKEN_AUDIENCE,
      requiredClaims: ['sub', 'jti', 'exp', 'iat'],
      currentDate: new Date(clock.now()),
      clockTolerance: CLOCK_TOLERANCE_S,
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw invalid('expired', err);
    if (err instanceof joseErrors.JOSEAlgNotAllowed || err instanceof joseErrors.JOSENotSupported) {
      throw invalid('algorithm not allowed (only ES256)', err);
    }
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
      throw invalid('signature does not verify (not minted by this citadel)', err);
    }
    if (err instanceof joseErrors.JWTClaimValidationFailed)
      throw invalid(`claim "${err.claim}" ${err.reason}`, err);
    throw invalid((err as Error).message, err);
  }
  const exp = payload.exp as number;
  const iat = payload.iat as number;
  if ((exp - iat) * 1000 > maxTtlMs) throw invalid('lifetime exceeds the maximum join-token TTL');
  let spiffeId: SpiffeId;
  try {
    spiffeId = parseSpiffeId(payload.sub as string);
  } catch (err) {
    throw invalid(`subject: ${(err as Error).message}`, err);
  }
  if (!spiffeId.memberOf(trustDomain))
    throw invalid(`subject ${spiffeId} is outside trust domain "${trustDomain}"`);
  return { spiffeId, jti: payload.jti as string, exp };
}
