/**
 * @module Human durations for flags and config (`90s`, `10m`, `1h30m`, `60d`). Foundation layer.
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;

/** Parse `1h30m`-style durations to milliseconds. Throws RangeError naming the bad text. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '') throw new RangeError('empty duration');
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let m = PART.exec(trimmed); m !== null; m = PART.exec(trimmed)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    consumed = PART.lastIndex;
  }
  if (consumed !== trimmed.length) {
    throw new RangeError(`invalid duration "${text}" (expected e.g. 90s, 10m, 1h30m, 60d)`);
  }
  return Math.round(total);
}

/** Render milliseconds compactly for people: `59d 23h`, `9m 58s`, `850ms`. Negative values get a minus. */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let rest = Math.floor(ms / 1000);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}
