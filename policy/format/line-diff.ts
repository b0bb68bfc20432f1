/**
 * @module A minimal unified line diff for `policy fmt --diff` (LCS over lines, whole-file hunk
 * context of 3 lines). Format layer.
 */

/** `--- a/file` / `+++ b/file` followed by the changed lines with 3 lines of context. */
export function lineDiff(file: string, before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const n = a.length;
  const m = b.length;
  // LCS table from the end; fine for source files (a few thousand lines at most).
  const dp: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  const ops: { t: ' ' | '-' | '+'; s: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ t: ' ', s: a[i]! });
      i++;
      j++;
    } else if (j < m && (i >= n || dp[i]![j + 1]! >= dp[i + 1]![j]!)) ops.push({ t: '+', s: b[j++]! });
    else ops.push({ t: '-', s: a[i++]! });
  }
  const keep = ops.map((_o, k) => ops.slice(Math.max(0, k - 3), k + 4).some((x) => x.t !== ' '));
  const out = [`--- ${file}`, `+++ ${file} (formatted)`];
  let gap = false;
  ops.forEach((o, k) => {
    if (keep[k]) {
      if (gap) out.push('@@');
      gap = false;
      out.push(`${o.t}${o.s}`);
    } else gap = true;
  });
  return out.join('\n');
}
