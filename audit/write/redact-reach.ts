/**
 * @module Whether pino's redaction can change a record. Write layer. For every record, pino's redaction
 * clones each top-level member a redact path starts at, re-parses every path below it and walks it, even
 * when the path does not exist in the record: about a fifth of a sidecar record's serialization, spent on
 * `request.headers.*` paths while sidecar records carry no headers. A record that no path reaches can be
 * written by the same pino logger built without `redact`: redacting a path that is absent changes nothing.
 *
 * The answer errs towards redaction: it is "no" only when every path provably misses the record. Paths
 * outside the plain grammar below, wildcards that meet an object, objects that are not plain (their clone
 * could serialize differently), and a top-level member that is a scalar where a path goes deeper (pino then
 * serializes it through the redactor, not its own string escaper) all answer "yes".
 */

type Segments = readonly string[];

/** `name`, `name.name`, `name["quoted key"]`, `name['key']`, `name[key]`, `*`, `[*]`. */
const SEGMENT = /^(?:([^.[\]"'`]+)|\[(?:"([^"'`[\]]*)"|'([^"'`[\]]*)'|([^"'`[\].]+))\])/;

/**
 * The property names `path` walks, as pino reads them; null for a path outside the plain grammar (an
 * unusual quoting, an empty segment), which then always counts as reaching.
 */
export function parseRedactPath(path: string): Segments | null {
  const segments: string[] = [];
  let rest = path;
  while (rest !== '') {
    if (segments.length > 0 && rest[0] === '.') {
      rest = rest.slice(1);
      // A dot must introduce a plain name: `a.["b"]` and a trailing dot are not plain.
      if (rest === '' || rest[0] === '[') return null;
    }
    const m = SEGMENT.exec(rest);
    if (m === null) return null;
    const name = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (name === undefined || name === '') return null;
    segments.push(name);
    rest = rest.slice(m[0].length);
  }
  return segments.length === 0 ? null : segments;
}

/**
 * Objects pino's redactor clones member by member: their clone serializes exactly as they do. Not one with an
 * own `__proto__` member (JSON.parse makes them): the clone assigns it, which sets the clone's prototype
 * instead, so the member vanishes from the redacted output.
 */
function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  const plain = proto === Object.prototype || proto === null || Array.isArray(value);
  return plain && (value as { toJSON?: unknown }).toJSON === undefined && !Object.hasOwn(value, '__proto__');
}

const INDEX = /^(?:0|[1-9][0-9]*)$/;

/** Whether `name` is in `value` as pino's clone of it has it: a cloned array has every index below its length. */
function has(value: object, name: string): boolean {
  if (name in value) return true;
  return Array.isArray(value) && INDEX.test(name) && Number(name) < value.length;
}

function reaches(record: object, segments: Segments): boolean {
  let current: unknown = record;
  for (let i = 0; i < segments.length; i++) {
    if (typeof current !== 'object' || current === null) {
      // A scalar member at the top under a deeper path still goes through the redactor (see @module).
      return i === 1 && current !== undefined;
    }
    if (!isPlain(current)) return true;
    const name = segments[i] as string;
    if (name === '*') return true;
    // A hole in an array is censored too: the clone holds `undefined` there.
    if (!has(current, name)) return false;
    current = (current as Record<string, unknown>)[name];
  }
  return true;
}

/** A test of records against `paths`: false only when redaction by these paths cannot change the record. */
export type RedactReach = (record: object) => boolean;

export function redactReach(paths: readonly string[]): RedactReach {
  const parsed = paths.map(parseRedactPath);
  if (parsed.some((p) => p === null)) return () => true;
  const all = parsed as Segments[];
  return (record) => {
    for (const segments of all) if (reaches(record, segments)) return true;
    return false;
  };
}
