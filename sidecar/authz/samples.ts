/**
 * @module Sample policy inputs a new policy must evaluate without error before it is swapped in.
 * Authz layer: one authenticated HTTP request, one gRPC call, one plaintext request, one TCP connection.
 */
import { httpInput, inputContext, type PolicyInput, sourceOf, tcpInput } from './input.js';

export function sampleInputs(): PolicyInput[] {
  const ctx = inputContext(
    { principal: 'spiffe://example.org/ns/demo/sa/sample', service: 'sample', port: 15006 },
    [],
  );
  const peer = {
    principal: 'spiffe://example.org/ns/demo/sa/client',
    trustDomain: 'example.org',
    namespace: 'demo',
    serviceAccount: 'client',
  };
  const mtls = sourceOf(peer, '127.0.0.1', 40000);
  const tls = { tls_version: 'TLSv1.3', alpn: 'http/1.1' };
  return [
    httpInput(ctx, mtls, tls, 'sample-1', 'http/1.1', 'GET', '/sample?x=1', 'sample', { accept: '*/*' }, 0),
    httpInput(
      ctx,
      mtls,
      { ...tls, alpn: 'h2' },
      'sample-2',
      'grpc',
      'POST',
      '/pkg.Service/Method',
      'sample',
      { 'content-type': 'application/grpc' },
      0,
    ),
    httpInput(
      ctx,
      sourceOf(undefined, '127.0.0.1', 40001),
      { tls_version: 'none', alpn: '' },
      'sample-3',
      'http/1.1',
      'POST',
      '/',
      '',
      {},
      0,
    ),
    tcpInput(ctx, mtls, { tls_version: 'TLSv1.3', alpn: '' }, 'sample-4', 0),
  ];
}
