/**
 * @module The HTTP hop-by-hop rules the proxy and the policy input share (RFC 9110 §7.6.1): headers that
 * describe one hop's connection never cross the sidecar, and neither do the ones a `Connection` header names.
 * Kept in one place so the policy always sees exactly the headers the app will get.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Hop-by-hop headers, plus the mesh's own (`x-forwarded-client-cert`, `x-request-id`) that the peer may not set. */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'x-forwarded-client-cert',
  'x-request-id',
]);

/**
 * Header names the caller's `Connection` header nominates as hop-by-hop (lowercased), or undefined when it
 * names none beyond the usual `keep-alive`/`close` (the common case: no Set built). `host` is never nominated.
 */
export function connectionNominated(headers: IncomingHttpHeaders): ReadonlySet<string> | undefined {
  const value = headers.connection;
  if (typeof value !== 'string' || value === 'keep-alive' || value === 'close') return undefined;
  const names = new Set<string>();
  for (const token of value.split(',')) {
    const name = token.trim().toLowerCase();
    // `host` is never a connection option: it names the request's target, which the policy decided on; dropping
    // it would let an HTTP/1.1 app get the forwarder's default Host (the app's own address) instead.
    if (name !== '' && name !== 'keep-alive' && name !== 'close' && name !== 'host') names.add(name);
  }
  return names.size === 0 ? undefined : names;
}
