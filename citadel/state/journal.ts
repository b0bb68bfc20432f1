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

  /** Record an issuance; resolves once durable. */
  record(entry: JournalRecord): Promise<void> {
    return this.#log.append(entry);
  }

  /** Every record, validated. @throws `ERR_CITADEL_STATE_CORRUPT` naming file and line. */
  async readAll(): Promise<JournalRecord[]> {
    const out: JournalRecord[] = [];
    for (const { line, text } of await this.#log.readLines()) {
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
      out.push(parsed.data);
    }
    return out;
  }
}
