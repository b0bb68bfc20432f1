/**
 * @module Citadel's public API: SPIFFE IDs, X.509-SVID validation, mesh mTLS options, the workload-side
 * issuance client and SVID directories, the in-process server, and identity events. Re-exports only.
 */

// --- the CA and its server ---
export {
  CertificateAuthority,
  citadelServerId,
  type IssuedSvid,
  type IssueRequest,
  RESERVED_PATH_PREFIX,
} from './authority.js';
export { type SpiffeBundleDocument, TrustBundle } from './bundle.js';
export { type CaStatus, caStatus } from './ca-status.js';
// --- certificates, bundles, validation ---
export { Certificate } from './certificate.js';
export {
  type BundleWatch,
  CitadelClient,
  type CitadelClientOptions,
  CitadelRpcError,
  type CreateCertificateOptions,
  type IssuedChain,
} from './client/citadel-client.js';
export { type Clock, systemClock } from './clock.js';
export { createCsr, createCsrPem, type VerifiedCsr, verifyCsr } from './csr.js';
// --- errors ---
export { CitadelError, type CitadelErrorCode, isCitadelError } from './errors.js';
// --- identity events (for audit/) ---
export {
  emitIdentityEvent,
  IDENTITY_CHANNEL,
  type IdentityEvent,
  onIdentityEvent,
} from './identity-events.js';
// --- workload side: keys, CSRs, SVID directories, citadel client, renewal ---
export { DEFAULT_KEY_TYPE, generatePrivateKey, KEY_TYPES, type KeyType, parseKeyType } from './keys.js';
export {
  joinTokenSubject,
  type RequestSvidOptions,
  type RotateDirOptions,
  type RotateDirResult,
  renewalDueAt,
  requestSvid,
  rotateSvidDir,
  type SvidSource,
  type WatchOptions,
  watchSvidDir,
} from './renewal.js';
export {
  type InitOptions,
  initCa,
  retireRoot,
  rotateIntermediate,
  rotateRoot,
} from './rotation.js';
export {
  type CitadelServer,
  type CitadelServerOptions,
  DEFAULT_LISTEN,
  startCitadelServer,
} from './server/citadel-server.js';
export { DEFAULT_RATE_LIMITS, type RateLimitSettings } from './server/rate-limiter.js';
// --- SPIFFE IDs ---
export {
  MAX_SPIFFE_ID_BYTES,
  parseSpiffeId,
  parseTrustDomain,
  SpiffeId,
  trustDomainId,
  tryParseSpiffeId,
  workloadId,
} from './spiffe-id.js';
export { caExists } from './state/ca-store.js';
export { readSvidDir, SVID_FILES, type SvidDirContents, svidDirIsEmpty, writeSvidDir } from './svid-dir.js';
// --- mesh mTLS ---
export {
  createMeshSecureContext,
  meshClientOptions,
  meshSecureContextOptions,
  meshServerOptions,
  type PeerIdMatcher,
  peerChainDer,
  peerSpiffeId,
  type Svid,
  serverIdentityError,
} from './tls-options.js';
export { type BundleView, leafSpiffeId, type ValidateOptions, validateX509Svid } from './validator.js';
