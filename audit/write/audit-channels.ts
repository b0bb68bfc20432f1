/**
 * @module Tracing the writer without logging on its hot path (diagnostics_channel). Write layer.
 * `palisade:audit:refused` gets `{dir, reason, mode}` for each record not accepted;
 * `palisade:audit:batch` gets `{dir, records, bytes}` after each write.
 */
import { channel } from 'node:diagnostics_channel';

const refusedChannel = channel('palisade:audit:refused');
const batchChannel = channel('palisade:audit:batch');

export function publishRefused(dir: string, reason: string, mode: string): void {
  if (refusedChannel.hasSubscribers) refusedChannel.publish({ dir, reason, mode });
}

export function publishBatch(dir: string, records: number, bytes: number): void {
  if (batchChannel.hasSubscribers) batchChannel.publish({ dir, records, bytes });
}
