/**
 * @module One human-readable line per record for `audit tail` on a terminal. CLI layer.
 */

interface Shown {
  ts?: string;
  seq?: number;
  kind?: string;
  decision?: string;
  reason?: string;
  status?: number;
  source?: { principal?: string | null; address?: string };
  destination?: { service?: string };
  request?: { method?: string; path?: string; protocol?: string };
  action?: string;
  svid?: { subject?: string };
  quota?: { name?: string; remaining?: number; limit?: number };
  dropped?: number;
}

/** Render one raw record line; unparseable lines are shown as they are. */
export function renderLine(line: string): string {
  let r: Shown;
  try {
    r = JSON.parse(line) as Shown;
  } catch {
    return line;
  }
  const head = `${r.ts ?? '?'} #${r.seq ?? '?'}`;
  if (r.kind === 'gap') return `${head} !! ${r.dropped} records lost: ${r.reason ?? ''}`;
  const decision = (r.decision ?? '?').toUpperCase().padEnd(5);
  const who =
    r.source?.principal ?? (r.source?.address ? `(no identity) ${r.source.address}` : '(no identity)');
  let what: string;
  if (r.kind === 'identity') what = `svid ${r.action ?? '?'} ${r.svid?.subject ?? '?'}`;
  else {
    const req =
      r.request === undefined
        ? ''
        : ` ${r.request.method ?? r.request.protocol ?? ''} ${r.request.path ?? ''}`;
    what = `${who} -> ${r.destination?.service ?? '?'}${req}`;
    if (r.kind === 'quota')
      what += ` quota ${r.quota?.name ?? '?'} ${r.quota?.remaining ?? '?'}/${r.quota?.limit ?? '?'}`;
  }
  const status = r.status === undefined ? '' : ` ${r.status}`;
  const reason = r.reason === undefined ? '' : ` (${r.reason})`;
  return `${head} ${decision} ${(r.kind ?? '?').padEnd(8)} ${what.trim()}${status}${reason}`;
}
