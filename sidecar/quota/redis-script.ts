/**
 * @module The Lua script that decides every global limit of one request atomically inside Redis, and
 * the encoding of its arguments and reply. Sidecar layer, quota. The arithmetic mirrors token-bucket.ts.
 *
 * One script call per request (EVALSHA, falling back to EVAL when Redis lost its script cache) covers
 * all of the request's global limits: either every bucket admits the request and all are charged, or
 * none is. Keys expire when their bucket would be full again, so idle keys cost Redis no memory.
 */

/**
 * KEYS[i] = the bucket of limit i. ARGV[1] = now in ms, or "" to read the Redis server's clock.
 * ARGV[2 + 3(i-1) .. 4 + 3(i-1)] = capacity, window in ms, cost of limit i.
 * Reply: { admitted (1|0), tokens_1 … tokens_n } — the tokens left after this request when admitted,
 * else the tokens available now — as strings in %.17g, which round-trips a double exactly.
 */
export const TAKE_SCRIPT = `
local EPS = 1e-9
local now = tonumber(ARGV[1])
if now == nil then
  if redis.replicate_commands then redis.replicate_commands() end
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local n = #KEYS
local tokens, updated, caps, wins, costs = {}, {}, {}, {}, {}
local admitted = 1
for i = 1, n do
  local b = 2 + (i - 1) * 3
  local cap, win, cost = tonumber(ARGV[b]), tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2])
  local st = redis.call('HMGET', KEYS[i], 't', 'u')
  local tk, up = tonumber(st[1]), tonumber(st[2])
  if tk == nil or up == nil then
    tk, up = cap, now
  elseif now > up then
    tk = tk + (now - up) * cap / win
    up = now
  end
  if tk > cap then tk = cap end
  if tk + EPS < cost then admitted = 0 end
  tokens[i], updated[i], caps[i], wins[i], costs[i] = tk, up, cap, win, cost
end
local out = { admitted }
for i = 1, n do
  local tk = tokens[i]
  if admitted == 1 then
    tk = tk - costs[i]
    if tk < 0 then tk = 0 end
    redis.call('HSET', KEYS[i], 't', string.format('%.17g', tk), 'u', string.format('%.17g', updated[i]))
    redis.call('PEXPIRE', KEYS[i], math.ceil((caps[i] - tk) * wins[i] / caps[i]) + 1)
  end
  out[i + 1] = string.format('%.17g', tk)
end
return out
`;

/** One global bucket to charge. */
export interface GlobalBucket {
  /** Full Redis key (prefix included). */
  readonly redisKey: string;
  readonly capacity: number;
  readonly windowMs: number;
  readonly cost: number;
}

/** What the script decided. */
export interface TakeReply {
  readonly admitted: boolean;
  /** Per bucket, in request order. */
  readonly tokens: readonly number[];
}

/** Arguments after the script: numkeys, keys…, now, (capacity, window, cost)…. */
export function encodeTakeArgs(
  buckets: readonly GlobalBucket[],
  nowMs: number | undefined,
): (string | number)[] {
  const args: (string | number)[] = [buckets.length];
  for (const b of buckets) args.push(b.redisKey);
  args.push(nowMs === undefined ? '' : nowMs);
  for (const b of buckets) args.push(b.capacity, b.windowMs, b.cost);
  return args;
}

/** Parse the script's reply; anything unexpected is an error (the caller treats Redis as unavailable). */
export function decodeTakeReply(reply: unknown, expected: number): TakeReply {
  if (!Array.isArray(reply) || reply.length !== expected + 1) {
    throw new TypeError(`unexpected quota script reply: ${JSON.stringify(reply)?.slice(0, 80)}`);
  }
  const tokens: number[] = [];
  for (let i = 1; i < reply.length; i++) {
    const t = Number(reply[i]);
    if (!Number.isFinite(t))
      throw new TypeError(`unexpected token count in quota script reply: ${String(reply[i])}`);
    tokens.push(t);
  }
  return { admitted: Number(reply[0]) === 1, tokens };
}
