/**
 * @module The CA's issuance journal (`ca/journal.jsonl`): one durable JSON line per certificate issued
 * (serial, SPIFFE ID, not-after, requester, hierarchy). Read back by `ca status` and `ca retire-root`.
 */
import { type JournalRecord, journalRecordSchema } from '../config.js';
import { CitadelError } from '../errors.js';
import { AppendLog } from './append-log.js';

export class IssuanceJournal {
  readonly #log: AppendLog;

  constructor(path: string) {
    this.#log = new AppendLog(path);
  }

  get path(): string {
    return this.#log.path;
  }

  /** Bytes this process has appended since opening the journal or compacting it. */
  get appendedBytes(): number {
    return this.#log.appendedBytes;
  }

  /**
   * Growth control: drop `svid` lines whose certificate expired before `now`, keeping a running count of
   * them per root in one `expired-svids` line each (so `ca status` still reports the total). Every live SVID
   * line and every CA line stays, so `ca retire-root`'s check for SVIDs still chaining to a root is unchanged.
   * The caller holds the CA lock. A journal with a malformed line is left as it is (the error names it).
   * @returns how many lines were dropped.
   */
  async compact(now: number): Promise<number> {
    let dropped = 0;
    await this.#log.rewrite((lines) => {
      // Parsed here, from what the rewrite read after this process's writes drained: nothing appended
      // meanwhile is lost. A malformed line throws before anything is written.
      const records = lines.map(({ line, text }) => this.#parse(text, line));
      const expired = new Map<string, { count: number; notAfter: string }>();
      const kept: string[] = [];
      for (const r of records) {
        const isExpiredSvid = r.kind === 'svid' && Date.parse(r.not_after) <= now;
        if (!isExpiredSvid && r.kind !== 'expired-svids') {
          kept.push(JSON.stringify(r));
          continue;
        }
        const sum = expired.get(r.root_id) ?? { count: 0, notAfter: r.not_after };
        sum.count += r.kind === 'expired-svids' ? (r.count ?? 0) : 1;
        if (Date.parse(r.not_after) > Date.parse(sum.notAfter)) sum.notAfter = r.not_after;
        expired.set(r.root_id, sum);
        if (r.kind === 'svid') dropped++;
      }
      const summaries = [...expired].map(([rootId, sum]) =>
        JSON.stringify({
          ts: new Date(now).toISOString(),
          kind: 'expired-svids',
          serial: '',
          spiffe_id: '',
          not_after: sum.notAfter,
          requester: 'citadel:compaction',
          root_id: rootId,
          count: sum.count,
        } satisfies JournalRecord),
      );
      return [...summaries, ...kept].map((l) => `${l}\n`).join('');
    });
    return dropped;
  }

  /** Record an issuance; resolves once durable. */
  record(entry: JournalRecord): Promise<void> {
    return this.#log.append(entry);
  }

  /** Every record, validated. @throws `ERR_CITADEL_STATE_CORRUPT` naming file and line. */
  async readAll(): Promise<JournalRecord[]> {
    return (await this.#log.readLines()).map(({ line, text }) => this.#parse(text, line));
  }

  #parse(text: string, line: number): JournalRecord {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new CitadelError('ERR_CITADEL_STATE_CORRUPT', `${this.path}:${line}: not valid JSON`, {
        cause: err,
      });
    }
    const parsed = journalRecordSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CitadelError(
        'ERR_CITADEL_STATE_CORRUPT',
        `${this.path}:${line}: ${issue?.path.join('.') || '(record)'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    return parsed.data;
  }
}
