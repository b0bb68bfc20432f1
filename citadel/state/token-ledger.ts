/**
 * @module The durable set of join-token IDs already used (`ca/used-tokens.jsonl`), so a token is accepted
 * once and a restart does not re-open replay. Entries past their token's expiry are dropped on load.
 */
import { z } from 'zod';
import { FileMode, writeFileDurable } from '../../lib/durable-write.js';
import type { Clock } from '../clock.js';
import { CitadelError } from '../errors.js';
import { AppendLog } from './append-log.js';

const COMPACT_AFTER = 1000;

const entrySchema = z.strictObject({ jti: z.string().min(1), exp: z.number().int() });

export class TokenLedger {
  readonly #log: AppendLog;
  readonly #used = new Map<string, number>();

  private constructor(path: string) {
    this.#log = new AppendLog(path);
  }

  /**
   * Load the ledger at `path` (absent means empty). With `compact`, rewrite it without expired entries once
   * they dominate: only the process that consumes tokens (`citadel serve`, holding the CA lock while it
   * starts) may do that, since a rewrite could drop a line another process appends meanwhile.
   * @throws `ERR_CITADEL_STATE_CORRUPT`
   */
  static async open(path: string, clock: Clock, options: { compact?: boolean } = {}): Promise<TokenLedger> {
    const ledger = new TokenLedger(path);
    const nowSec = Math.floor(clock.now() / 1000);
    let expired = 0;
    for (const { line, text } of await ledger.#log.readLines()) {
      let parsed: z.infer<typeof entrySchema>;
      try {
        parsed = entrySchema.parse(JSON.parse(text));
      } catch (err) {
        throw new CitadelError('ERR_CITADEL_STATE_CORRUPT', `${path}:${line}: not a used-token record`, {
          cause: err,
        });
      }
      if (parsed.exp >= nowSec) ledger.#used.set(parsed.jti, parsed.exp);
      else expired++;
    }
    // Expired tokens can never be replayed (verification refuses them first), so their IDs may go. Compact
    // atomically once they dominate, so the file does not grow without bound.
    if (options.compact === true && expired >= COMPACT_AFTER && expired > ledger.#used.size) {
      const live = [...ledger.#used].map(([jti, exp]) => `${JSON.stringify({ jti, exp })}\n`).join('');
      await writeFileDurable(path, live, { mode: FileMode.public });
    }
    return ledger;
  }

  /**
   * Mark a token ID used. The in-memory mark is synchronous, so two concurrent uses cannot both pass; the
   * call resolves once the mark is durable (the caller issues only after that).
   * @throws `ERR_CITADEL_TOKEN_REPLAYED` when the token was used before.
   */
  async consume(jti: string, expSeconds: number): Promise<void> {
    if (this.#used.has(jti)) {
      throw new CitadelError(
        'ERR_CITADEL_TOKEN_REPLAYED',
        'join token was already used (tokens are single-use)',
      );
    }
    this.#used.set(jti, expSeconds);
    await this.#log.append({ jti, exp: expSeconds });
  }

  has(jti: string): boolean {
    return this.#used.has(jti);
  }
}
