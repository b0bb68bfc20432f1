/**
 * @module Identity events (issuance, denial, rotation, bundle changes): published on the diagnostics
 * channel `palisade:citadel:identity` for the audit log to subscribe to, and logged through pino meanwhile.
 * Events carry serials and fingerprints, never keys or whole certificates.
 */
import diagnostics from 'node:diagnostics_channel';
import type { Logger } from '../lib/logger.js';

export const IDENTITY_CHANNEL = 'palisade:citadel:identity';

export type IdentityEvent =
  | { type: 'ca.initialized'; trustDomain: string; rootSerial: string; intermediateSerial: string }
  | {
      type: 'ca.intermediate.rotated';
      intermediateSerial: string;
      previousSerial: string;
      rootSerial: string;
    }
  | { type: 'ca.root.rotated'; newRootSerial: string; activateAt: string; previousRootRetireAfter: string }
  | { type: 'ca.root.retired'; rootSerial: string; forced: boolean; liveSvids: number }
  | { type: 'bundle.updated'; trustDomain: string; sequence: number; roots: string[] }
  | {
      type: 'svid.issued';
      spiffeId: string;
      serial: string;
      notAfter: string;
      requester: string;
      via: 'join-token' | 'renewal' | 'local';
      ttlClamped: boolean;
    }
  | { type: 'svid.denied'; requester: string; code: string; reason: string };

const channel = diagnostics.channel(IDENTITY_CHANNEL);

/**
 * Subscribe to identity events; returns the unsubscribe function.
 * @example
 * const off = onIdentityEvent((e) => auditLog.write(e));
 */
export function onIdentityEvent(listener: (event: IdentityEvent) => void): () => void {
  const handler = (message: unknown) => listener(message as IdentityEvent);
  diagnostics.subscribe(IDENTITY_CHANNEL, handler);
  return () => diagnostics.unsubscribe(IDENTITY_CHANNEL, handler);
}

/** Publish an event to subscribers and the operational log (issuances at debug: they are the bulk). */
export function emitIdentityEvent(event: IdentityEvent, logger?: Logger): void {
  if (channel.hasSubscribers) channel.publish(event);
  if (logger === undefined) return;
  if (event.type === 'svid.issued') logger.debug({ event }, 'identity event');
  else if (event.type === 'svid.denied') logger.warn({ event }, 'identity event');
  else logger.info({ event }, 'identity event');
}
