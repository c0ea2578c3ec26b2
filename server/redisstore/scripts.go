package redisstore

import "github.com/redis/go-redis/v9"

// The scripts run atomically in Redis, each a whole Store operation, so
// that no other instance's request can land in the middle of one: above
// all, nothing lands between a logout's delete and a check that the
// record is still there.
//
// Keys, under the prefix P (Options.Prefix):
//
//	P session:ID   hash: user, data, events, created, last_seen, deadline;
//	               PEXPIREAT deadline + grace
//	P records      hash: ID → "cost:user" for every record the store counts
//	               (also one whose key Redis expired itself, until swept)
//	P deadlines    sorted set: ID by deadline (ms), for Sweep and room
//	P anonymous    sorted set: anonymous IDs by last_seen (ms): the LRU
//	P user:UID     set: the user's IDs (ByUser)
//	P bytes        the records' costs, summed
//	P evicted      anonymous sessions evicted to make room
//
// Every script takes P as ARGV[1] and builds its keys from it, so one
// Redis (not Redis Cluster) holds them all.

// common is shared by the scripts that write: drop forgets a record and
// every trace of it, room makes room for n more records and grow more
// bytes without evicting except.
const common = `
local P = ARGV[1]

local function meta(id)
  local m = redis.call('HGET', P .. 'records', id)
  if not m then return nil end
  local sep = string.find(m, ':', 1, true)
  return tonumber(string.sub(m, 1, sep - 1)), string.sub(m, sep + 1)
end

local function drop(id)
  local cost, user = meta(id)
  redis.call('ZREM', P .. 'deadlines', id)
  redis.call('ZREM', P .. 'anonymous', id)
  redis.call('DEL', P .. 'session:' .. id)
  if not cost then return 0 end
  redis.call('HDEL', P .. 'records', id)
  redis.call('DECRBY', P .. 'bytes', cost)
  if user ~= '' then redis.call('SREM', P .. 'user:' .. user, id) end
  return 1
end

local function first_other(list, except)
  for _, v in ipairs(list) do
    if v ~= except then return v end
  end
  return nil
end

local function room(except, now, max, max_bytes, n, grow)
  while true do
    local count = redis.call('HLEN', P .. 'records') + n
    local bytes = tonumber(redis.call('GET', P .. 'bytes') or '0') + grow
    if count <= max and bytes <= max_bytes then return true end
    local victim = first_other(redis.call('ZRANGEBYSCORE', P .. 'deadlines', '-inf', now, 'LIMIT', 0, 2), except)
    if victim then
      drop(victim)
    else
      victim = first_other(redis.call('ZRANGE', P .. 'anonymous', 0, 1), except)
      if not victim then return false end
      drop(victim)
      redis.call('INCR', P .. 'evicted')
    end
  end
end

local function write(id, cost, user, data, events, created, last_seen, deadline, expire_at)
  local key = P .. 'session:' .. id
  redis.call('HSET', key, 'user', user, 'data', data, 'events', events,
    'created', created, 'last_seen', last_seen, 'deadline', deadline)
  redis.call('PEXPIREAT', key, expire_at)
  redis.call('HSET', P .. 'records', id, cost .. ':' .. user)
  redis.call('ZADD', P .. 'deadlines', deadline, id)
  if user == '' then
    redis.call('ZADD', P .. 'anonymous', last_seen, id)
  else
    redis.call('ZREM', P .. 'anonymous', id)
    redis.call('SADD', P .. 'user:' .. user, id)
  end
end

-- live reports whether id is stored and unexpired at now.
local function live(id, now)
  local dl = redis.call('HGET', P .. 'session:' .. id, 'deadline')
  return dl and tonumber(dl) > now and meta(id) ~= nil
end
`

// ARGV of create and update: P, id, now, max, max_bytes, cost, user, data,
// events, created, last_seen, deadline, expire_at.
var createScript = redis.NewScript(common + `
local id, now = ARGV[2], tonumber(ARGV[3])
if redis.call('EXISTS', P .. 'session:' .. id) == 1 or meta(id) then return 'exists' end
local cost = tonumber(ARGV[6])
if not room(id, now, tonumber(ARGV[4]), tonumber(ARGV[5]), 1, cost) then return 'full' end
write(id, cost, ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13])
redis.call('INCRBY', P .. 'bytes', cost)
return 'ok'
`)

var updateScript = redis.NewScript(common + `
local id, now = ARGV[2], tonumber(ARGV[3])
if not live(id, now) then return 'notfound' end
local old_cost, old_user = meta(id)
local cost, user = tonumber(ARGV[6]), ARGV[7]
local grow = cost - old_cost
if grow > 0 and not room(id, now, tonumber(ARGV[4]), tonumber(ARGV[5]), 0, grow) then return 'full' end
if old_user ~= user and old_user ~= '' then redis.call('SREM', P .. 'user:' .. old_user, id) end
write(id, cost, user, ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13])
redis.call('INCRBY', P .. 'bytes', grow)
return 'ok'
`)

// ARGV: P, id, now, last_seen, deadline, expire_at.
var touchScript = redis.NewScript(common + `
local id, now = ARGV[2], tonumber(ARGV[3])
if not live(id, now) then return 'notfound' end
local key = P .. 'session:' .. id
redis.call('HSET', key, 'last_seen', ARGV[4], 'deadline', ARGV[5])
redis.call('PEXPIREAT', key, ARGV[6])
redis.call('ZADD', P .. 'deadlines', ARGV[5], id)
if redis.call('HGET', key, 'user') == '' then redis.call('ZADD', P .. 'anonymous', ARGV[4], id) end
return 'ok'
`)

// ARGV: P, id.
var deleteScript = redis.NewScript(common + `
drop(ARGV[2])
return 'ok'
`)

// ARGV: P, now, limit. Returns {removed, looked at}.
var sweepScript = redis.NewScript(common + `
local ids = redis.call('ZRANGEBYSCORE', P .. 'deadlines', '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
local n = 0
for _, id in ipairs(ids) do n = n + drop(id) end
return {n, #ids}
`)
