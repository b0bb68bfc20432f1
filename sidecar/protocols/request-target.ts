/**
 * @module Settles, before the policy runs, which path and host a request names, so that the policy decides
 * on exactly what the application will route on. Protocols layer, on the hot path (a few character checks
 * for an ordinary request).
 *
 * - HTTP/1.1 absolute-form (`GET http://orders/admin HTTP/1.1`, what clients send to a forward proxy): the
 *   target's authority is the host (RFC 9112 §3.2.2) and the app gets the origin-form path; the request is
 *   rewritten in place so the forwarders send what the policy saw.
 * - HTTP/2: the host is `:authority`, else `host`; both present and different is malformed (RFC 9113
 *   §8.3.1), since the policy would check one and an HTTP/1.1 app route on the other.
 * - A path with a `.` or `..` segment (also as `%2e`, between backslashes, or with `;` parameters) is refused: the policy sees the
 *   path as sent, while many applications resolve such segments (WHATWG URL parsing does) and would route
 *   `/public/../admin` as `/admin`. Ordinary clients never send them; they resolve them first. A path
 *   starting with `//` is refused for the same reason: such parsers read `//evil/admin` as host and path.
 */
import type { IncomingMessage } from 'node:http';
import type { InboundRequest } from './forward.js';

/** The request target the policy decides on and the app receives, or why the request is malformed. */
export type RequestTarget = { url: string; host: string; problem?: undefined } | { problem: string };

const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)([^#]*)$/;

/** Resolve (and, for HTTP/1.1 absolute-form, rewrite) the target of `req`. */
export function resolveTarget(req: InboundRequest): RequestTarget {
  let url = req.url ?? '/';
  let host: string;
  if (req.httpVersionMajor === 2) {
    const authority = req.headers[':authority'];
    const named = req.headers.host;
    if (typeof authority === 'string' && typeof named === 'string' && authority !== named)
      return { problem: `host "${named}" differs from :authority "${authority}"` };
    host = typeof authority === 'string' ? authority : typeof named === 'string' ? named : '';
  } else {
    const named = req.headers.host;
    host = typeof named === 'string' ? named : '';
    if (url.charCodeAt(0) !== 47 /* / */ && url !== '*') {
      const absolute = ABSOLUTE_FORM.exec(url);
      const authority = absolute?.[1];
      if (authority === undefined || authority === '' || authority.includes('@'))
        return { problem: 'request target is neither a path nor an absolute http URL without userinfo' };
      const rest = absolute?.[2] ?? '';
      url = rest === '' ? '/' : rest.charCodeAt(0) === 63 /* ? */ ? `/${rest}` : rest;
      host = authority;
      (req as IncomingMessage).url = url;
      req.headers.host = authority;
    }
  }
  if (hasDotSegment(url)) return { problem: 'request path has a "." or ".." segment' };
  if (hasAuthorityPrefix(url))
    return { problem: 'request path starts with "//", which URL parsers read as a host' };
  return { url, host };
}

/**
 * Whether `url` starts with two slashes (a backslash counts as one): resolved against a base, as apps do with
 * `new URL(req.url, base)`, `//evil/admin` is host `evil` and path `/admin`, while the policy saw the path
 * `//evil/admin`. A client that joins a base URL and a path carelessly can send one too: it gets a 400 that
 * says why, rather than a decision on a path the app reads differently.
 */
export function hasAuthorityPrefix(url: string): boolean {
  const second = url.charCodeAt(1);
  return url.charCodeAt(0) === 47 /* / */ && (second === 47 || second === 92) /* / or \ */;
}

/** Whether the path part of `url` (before any `?` or `#`) has a `.` or `..` segment, literally or percent-encoded. */
export function hasDotSegment(url: string): boolean {
  // The path ends at a query or a fragment: an app's URL parser drops `#…`, so `/public/..#` is `/public/..`.
  const end = url.search(/[?#]/);
  const path = end === -1 ? url : url.slice(0, end);
  if (path.indexOf('.') === -1 && path.indexOf('%') === -1) return false;
  // Backslashes separate segments too for WHATWG URL parsers (special schemes).
  for (const raw of path.split(/[/\\]/)) {
    // `..;x` counts too: servlet containers drop a segment's `;` parameters before resolving it.
    const semi = raw.indexOf(';');
    const bare = semi === -1 ? raw : raw.slice(0, semi);
    if (bare.length === 0 || bare.length > 6) continue;
    const segment = bare.replace(/%2e/gi, '.');
    if (segment === '.' || segment === '..') return true;
  }
  return false;
}
