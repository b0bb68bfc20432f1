/**
 * @module Protocol detection for PERMISSIVE ports: is the first byte a TLS handshake, an HTTP/2 preface, or
 * something else (plaintext HTTP/1.x or opaque TCP)? Listener layer; runs once per connection.
 */
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

export type Detected = 'tls' | 'h2c' | 'plaintext';

const TLS_HANDSHAKE = 0x16;
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n');

/** Classify the first chunk a client sent. */
export function classify(first: Buffer): Detected {
  if (first[0] === TLS_HANDSHAKE) return 'tls';
  const n = Math.min(first.length, H2_PREFACE.length);
  if (n >= 4 && first.subarray(0, n).equals(H2_PREFACE.subarray(0, n))) return 'h2c';
  return 'plaintext';
}

/**
 * A duplex that replays `first` and then relays `socket`. Used to hand an already-read TLS ClientHello to a
 * TLS socket: Node's TLS reads straight from a socket's handle and would miss bytes put back with unshift.
 */
export function replayStream(socket: Socket, first: Buffer): Duplex {
  const duplex = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      socket.write(chunk, cb);
    },
    final(cb) {
      socket.end();
      cb();
    },
    destroy(err, cb) {
      socket.destroy();
      cb(err);
    },
  });
  duplex.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.once('end', () => duplex.push(null));
  socket.once('close', () => duplex.destroy());
  socket.on('error', (err) => duplex.destroy(err));
  return duplex;
}

/**
 * Wait for the first bytes, put them back, and report what they look like. Gives up (`undefined`) when
 * the client sends nothing within `timeoutMs` or goes away.
 */
export function detect(
  socket: Socket,
  timeoutMs: number,
  done: (kind: Detected | undefined, first: Buffer | undefined) => void,
): void {
  const timer = setTimeout(() => finish(undefined, undefined), timeoutMs);
  const onData = (chunk: Buffer) => {
    socket.pause();
    const kind = classify(chunk);
    // Plaintext parsers read from the JS stream, so putting the bytes back works for them; TLS gets a replay.
    if (kind !== 'tls') socket.unshift(chunk);
    finish(kind, chunk);
  };
  const onGone = () => finish(undefined, undefined);
  function finish(kind: Detected | undefined, first: Buffer | undefined) {
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('close', onGone);
    socket.off('error', onGone);
    done(kind, first);
  }
  socket.on('data', onData);
  socket.once('close', onGone);
  socket.once('error', onGone);
}
