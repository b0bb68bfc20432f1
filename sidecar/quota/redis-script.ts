/**
 * @module The Lua script that decides the global limits of a batch of requests atomically inside Redis,
 * and the encoding of its arguments and reply. Sidecar layer, quota. The arithmetic mirrors token-bucket.ts.
 *
 * Requests that reach the backend in the same tick go to Redis in one script call (EVALSHA, falling back
 * to EVAL when Redis lost its script cache): one round trip each, as before, but one command and one script
 * run for the lot instead of one per request, which is most of what a global check costs the sidecar and
 * Redis. Inside the script the requests are decided one after the other, each seeing the charges of those
 * before it, and each all or nothing: either every bucket of the request admits it and all are charged, or
 * none is. Keys expire when their bucket would be full again, so idle keys cost Redis no memory.
 */

/**
 * KEYS = the buckets of request 1, then of request 2, …
 * ARGV[1] = number of requests m. Then per request j: now in ms (or "" to read the Redis server's clock),
 * number of buckets n_j, and per bucket: capacity, window in ms, cost.
 * Reply: per request j, { admitted (1|0), tokens_1 … tokens_n_j } flattened in order — the tokens left
 * after the request when admitted, else the tokens available then — as strings in %.17g, which round-trips
 * a double exactly.
 */
export const TAKE_BATCH_SCRIPT = `
local EPS = 1e-9
local serverNow = nil
local function clock()
  if serverNow == nil then
    if redis.replicate_commands then redis.replicate_commands() end
    local t = redis.call('TIME')
    serverNow = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
  end
  return serverNow
end
local state = {}
local m = tonumber(ARGV[1])
local a, k = 2, 1
local out = {}
for j = 1, m do
  local now = tonumber(ARGV[a])
  if now == nil then now = clock() end
  local n = tonumber(ARGV[a + 1])
  a = a + 2
  local buckets = {}
  local admitted = 1
  for i = 1, n do
    local cap, win, cost = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
    a = a + 3
    local key = KEYS[k]
    k = k + 1
    -- A key's state is read once per batch; later requests see the charges of earlier ones.
    local s = state[key]
    if s == nil then
      local st = redis.call('HMGET', key, 't', 'u')
      s = { tk = tonumber(st[1]), up = tonumber(st[2]), dirty = false }
      state[key] = s
    end
    if s.tk == nil or s.up == nil then
      s.tk, s.up = cap, now
    elseif now > s.up then
      s.tk = s.tk + (now - s.up) * cap / win
      s.up = now
    end
    if s.tk > cap then s.tk = cap end
    if s.tk + EPS < cost then admitted = 0 end
    buckets[i] = { s = s, key = key, cap = cap, win = win, cost = cost }
  end
  out[#out + 1] = admitted
  for i = 1, n do
    local b = buckets[i]
    if admitted == 1 then
      b.s.tk = b.s.tk - b.cost
      if b.s.tk < 0 then b.s.tk = 0 end
      b.s.dirty = true
      b.s.cap, b.s.win = b.cap, b.win
    end
    out[#out + 1] = string.format('%.17g', b.s.tk)
  end
end
for key, s in pairs(state) do
  if s.dirty then
    redis.call('HSET', key, 't', string.format('%.17g', s.tk), 'u', string.format('%.17g', s.up))
    redis.call('PEXPIRE', key, math.ceil((s.cap - s.tk) * s.win / s.cap) + 1)
  end
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

/** One request's global buckets, and its time when the sidecar's clock is used. */
export interface TakeRequest {
  readonly buckets: readonly GlobalBucket[];
  /** Undefined: the script reads the Redis server's clock. */
  readonly nowMs: number | undefined;
}

/** What the script decided for one request. */
export interface TakeReply {
  readonly admitted: boolean;
  /** Per bucket, in request order. */
  readonly tokens: readonly number[];
}

/** Arguments after the script: numkeys, keys…, m, then per request now, n, (capacity, window, cost)…. */
export function encodeTakeBatch(requests: readonly TakeRequest[]): (string | number)[] {
  let keys = 0;
  for (const r of requests) keys += r.buckets.length;
  const args: (string | number)[] = [keys];
  for (const r of requests) for (const b of r.buckets) args.push(b.redisKey);
  args.push(requests.length);
  for (const r of requests) {
    args.push(r.nowMs === undefined ? '' : r.nowMs, r.buckets.length);
    for (const b of r.buckets) args.push(b.capacity, b.windowMs, b.cost);
  }
  return args;
}

/** Parse the script's reply; anything unexpected is an error (the caller treats Redis as unavailable). */
export function decodeTakeBatch(reply: unknown, requests: readonly TakeRequest[]): TakeReply[] {
  let expected = 0;
  for (const r of requests) expected += r.buckets.length + 1;
  if (!Array.isArray(reply) || reply.length !== expected) {
    throw new TypeError(`unexpected quota script reply: ${JSON.stringify(reply)?.slice(0, 80)}`);
  }
  const out: TakeReply[] = [];
  let at = 0;
  for (const r of requests) {
    const admitted = Number(reply[at++]) === 1;
    const tokens: number[] = [];
    for (let i = 0; i < r.buckets.length; i++) {
      const t = Number(reply[at++]);
      if (!Number.isFinite(t))
        throw new TypeError(`unexpected token count in quota script reply: ${String(reply[at - 1])}`);
      tokens.push(t);
    }
    out.push({ admitted, tokens });
  }
  return out;
}
