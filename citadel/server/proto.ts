/**
 * @module Loads citadel's gRPC service definition from citadel/proto/citadel.proto (read at run time from
 * the package root, so it works from source and from dist/). Shared by server and client.
 */
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PACKAGE_ROOT } from '../../lib/package-info.js';

export const PROTO_PATH = join(PACKAGE_ROOT, 'citadel', 'proto', 'citadel.proto');

/** Wire shapes (proto-loader with longs as numbers, defaults filled). */
export interface TrustBundleMessage {
  trust_domain: string;
  root_certificates: string[];
  sequence: number;
  refresh_hint_seconds: number;
  spiffe_bundle_json: string;
}
export interface CreateCertificateRequestMessage {
  csr_pem: string;
  validity_seconds: number;
}
export interface CreateCertificateResponseMessage {
  cert_chain: string[];
  trust_bundle: TrustBundleMessage;
}

let cached: grpc.ServiceClientConstructor | undefined;

/** The `palisade.citadel.v1.Citadel` service constructor (its `.service` is the server definition). */
export function citadelService(): grpc.ServiceClientConstructor {
  if (cached !== undefined) return cached;
  const def = loadSync(PROTO_PATH, { keepCase: true, longs: Number, defaults: true, arrays: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    palisade: { citadel: { v1: { Citadel: grpc.ServiceClientConstructor } } };
  };
  cached = pkg.palisade.citadel.v1.Citadel;
  return cached;
}
