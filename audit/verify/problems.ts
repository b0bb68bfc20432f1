/**
 * @module What `audit verify` can find wrong with a log, and the result it reports. Verify layer.
 */

/** Every way a log can fail verification. Stable strings: scripts match on them. */
export const PROBLEM_KINDS = [
  /** A record's content no longer matches its hash, or a checkpoint's signed chain hash. */
  'edited',
  /** Records are absent (a gap in sequence numbers, or a file cut short). */
  'missing',
  /** Records are present but out of order. */
  'reordered',
  /** A record that does not belong (duplicate or forged) sits in the chain. */
  'inserted',
  /** A checkpoint's signature does not verify under its key. */
  'bad_signature',
  /** A checkpoint is signed by a key the verifier does not trust (e.g. another writer's key). */
  'unknown_key',
  /** The log ends after its last checkpoint without a closing checkpoint and no writer is running. */
  'truncated_tail',
  /** A line that is not a sealed audit record. */
  'garbage_line',
  /** The file ends in the middle of a line (a crash mid-write) and nothing acknowledged it. */
  'half_written_line',
  /** A whole file of the log is absent. */
  'missing_file',
  /** A compressed file cannot be decompressed. */
  'bad_gzip',
  /** A file does not start with a valid header record. */
  'bad_header',
  /** A file could not be read at all. */
  'unreadable',
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

/** The first thing found wrong. */
export interface Problem {
  kind: ProblemKind;
  /** File name (with extension) where the break is. */
  file: string;
  /** 1-based line in the (decompressed) file, when known. */
  line: number | null;
  /** Sequence number at which the chain breaks: the first record that cannot be trusted. */
  seq: number | null;
  message: string;
}

/** Outcome of verifying one log directory. */
export interface VerifyResult {
  ok: boolean;
  dir: string;
  files: number;
  /** Records checked (all kinds). */
  records: number;
  /** Decision records among them. */
  decisions: number;
  checkpoints: number;
  /** Last sequence number read. */
  lastSeq: number;
  /** Everything up to this seq is covered by a verified checkpoint signature. */
  signedThrough: number;
  /** Records after the last checkpoint (expected while a writer is running). */
  unsignedTail: number;
  /** The log's last file ends with a closing checkpoint. */
  closed: boolean;
  /** A writer process is currently holding the directory. */
  liveWriter: boolean;
  /** Records reported lost by gap records (drop mode, refusals). */
  gaps: number;
  /** Files removed by retention, as recorded in the log. */
  removedFiles: string[];
  problem: Problem | null;
}
