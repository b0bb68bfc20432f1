// @module Fatal errors: NUL-terminated messages to the host's opa_abort. Runtime layer.
// Messages are assembled in a static buffer, never through AssemblyScript's managed strings (whose
// allocator would write over the policy heap).
// @ts-ignore: decorator
@external('env', 'opa_abort')
declare function opa_abort(addr: usize): void;

const ABORT_BUF: usize = memory.data(1024);
let at: u32 = 0;

export function abort_begin(): void {
  at = 0;
}

export function abort_str(s: string): void {
  const n = s.length;
  for (let i = 0; i < n && at < 1000; i++) store<u8>(ABORT_BUF + at++, <u8>s.charCodeAt(i));
}

export function abort_bytes(ptr: usize, len: u32): void {
  for (let i: u32 = 0; i < len && at < 1000; i++) store<u8>(ABORT_BUF + at++, load<u8>(ptr + i));
}

export function abort_int(n: i32): void {
  if (n < 0) {
    abort_str('-');
    n = -n;
  }
  if (n >= 10) abort_int(n / 10);
  store<u8>(ABORT_BUF + at++, <u8>(0x30 + (n % 10)));
}

export function abort_end(): void {
  store<u8>(ABORT_BUF + at, 0);
  opa_abort(ABORT_BUF);
  unreachable();
}

/** Abort with an ASCII message from a string literal. */
export function opa_abort_msg(msg: string): void {
  abort_begin();
  abort_str(msg);
  abort_end();
}

/** Codegen's abort: a message stored in the policy's static data. */
export function rt_abort(ptr: usize, len: u32): void {
  abort_begin();
  abort_bytes(ptr, len);
  abort_end();
}
