-- wrk script of the benchmark kit (Benchmarks/run.sh). Configured through the environment:
--
--   BENCH_MODE     post (default): cycle through the body pool and the users
--                  get: GET BENCH_PATH (health check / ceiling)
--   BENCH_POOL     directory holding pool.bin and pool.idx (Benchmarks/gen_bodies.py)
--   BENCH_USERS    file with one user UUID per line
--   BENCH_THREADS  wrk's -t (each thread takes every BENCH_THREADS-th body of the pool)
--   BENCH_CYCLE    first cycle number (default 0); see below
--   BENCH_QUOTA    requests per thread, then the thread stops (0 or unset: run for -d)
--   BENCH_PATH     path for get mode
--   BENCH_RESULT   file the one-line JSON summary is written to (also printed)
--   BENCH_RATE     paced mode: aim at this many requests per second over all connections
--                  (BENCH_CONNECTIONS of them), each connection pausing a random,
--                  exponentially distributed time between an answer and its next request;
--                  unset or 0: closed loop, every connection sends as fast as it is answered
--   BENCH_CONNECTIONS  wrk's -c, for the paced mode
--
-- No two requests are the same batch: thread t sends bodies t, t+T, t+2T, ... of the pool;
-- when it has gone round its share it starts a new "cycle" and patches the cycle number into
-- every timestamp and request_id of the bodies (the patch sites listed in pool.idx), so the
-- receiver never sees a replay. Successive wrk runs against the same data directory pass a
-- higher BENCH_CYCLE (the summary reports the next free one).
--
-- Every answer is checked: non-200 statuses are counted by code, and a 200 whose body is
-- neither empty (protobuf) nor "{}" (JSON) is counted as a partial success (rejected data).

local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

local mode = os.getenv("BENCH_MODE") or "post"
local prefix = "/api/v1/integrations/claude/users/"
local bodies = {}
local users = {}
local position, user_position = 1, 1
local patches = {}
local get_request

responses = 0
non200 = 0
partial = 0
statuses = ""
cycle = 0
local status_counts = {}
local quota = tonumber(os.getenv("BENCH_QUOTA") or "0") or 0
local signalled = false
local rate = tonumber(os.getenv("BENCH_RATE") or "0") or 0

-- Paced mode: wrk measures latency from sending a request, so the pauses do not count; with
-- exponential pauses the arrivals at the server are close to a Poisson stream, as from many
-- independent exporters, and the latency is that of a machine not driven to saturation.
if rate > 0 then
   local connections = tonumber(os.getenv("BENCH_CONNECTIONS") or "1") or 1
   local mean_ms = connections / rate * 1000
   function delay()
      return math.floor(-math.log(1 - math.random()) * mean_ms + 0.5)
   end
end

-- wrk's main thread sleeps for the whole -d; to end a run at a request count, the first thread
-- that reaches its quota sends SIGINT to the main thread (wrk's handler sets its stop flag,
-- and every thread stops within ~100 ms).
local function end_run()
   local ffi = require("ffi")
   ffi.cdef("int getpid(void); int tgkill(int tgid, int tid, int sig);")
   local pid = ffi.C.getpid()
   ffi.C.tgkill(pid, pid, 2)
end

local function set_cycle(number)
   if number > 999999 then
      error("cycle " .. number .. " is beyond the 6 decimal digits the pool leaves free")
   end
   cycle = number
   patches.b = string.char(number % 256, math.floor(number / 256) % 256, math.floor(number / 65536) % 256)
   patches.d = string.format("%06d", number)
end

function init(args)
   math.randomseed(1 + (id or 0))
   if mode == "get" then
      get_request = wrk.format("GET", os.getenv("BENCH_PATH"))
      return
   end
   local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
   local pool = os.getenv("BENCH_POOL")
   local file = assert(io.open(pool .. "/pool.bin", "rb"))
   local data = file:read("*a")
   file:close()
   local index = 0
   for line in io.lines(pool .. "/pool.idx") do
      if index % nthreads == id then
         local signal, ctype, offset, length, sites = line:match("^(%S+) (%S+) (%d+) (%d+) (%S+)$")
         offset, length = tonumber(offset), tonumber(length)
         local body = data:sub(offset + 1, offset + length)
         -- parts: segment, patch, segment, patch, ..., segment; kinds[j] = kind of patch j.
         local parts, kinds, slots = {}, {}, {}
         local last = 1
         if sites ~= "-" then
            for at, kind in sites:gmatch("(%d+):(%a)") do
               at = tonumber(at) + 1
               table.insert(parts, body:sub(last, at - 1))
               table.insert(parts, "")
               table.insert(slots, #parts)
               table.insert(kinds, kind)
               last = at + (kind == "b" and 3 or 6)
            end
         end
         table.insert(parts, body:sub(last))
         table.insert(bodies, {
            suffix = "/v1/" .. signal,
            headers = { ["Content-Type"] = ctype },
            parts = parts, slots = slots, kinds = kinds, cycle = -1,
         })
      end
      index = index + 1
   end
   data = nil
   for line in io.lines(os.getenv("BENCH_USERS")) do
      if line:match("%S") then table.insert(users, line:match("%S+")) end
   end
   assert(#bodies > 0 and #users > 0, "empty pool or user list")
   user_position = (id % #users) + 1
   set_cycle(tonumber(os.getenv("BENCH_CYCLE") or "0") or 0)
end

function request()
   if get_request then return get_request end
   local b = bodies[position]
   if b.cycle ~= cycle then
      for j = 1, #b.slots do
         b.parts[b.slots[j]] = patches[b.kinds[j]]
      end
      b.cycle = cycle
   end
   local path = prefix .. users[user_position] .. b.suffix
   position = position + 1
   if position > #bodies then
      position = 1
      set_cycle(cycle + 1)
   end
   user_position = user_position + 1
   if user_position > #users then user_position = 1 end
   return wrk.format("POST", path, b.headers, table.concat(b.parts))
end

function response(status, headers, body)
   responses = responses + 1
   if status ~= 200 then
      non200 = non200 + 1
      status_counts[status] = (status_counts[status] or 0) + 1
      local list = {}
      for code, n in pairs(status_counts) do table.insert(list, code .. ":" .. n) end
      statuses = table.concat(list, ",")
   elseif not get_request and body ~= "" and body ~= "{}" then
      partial = partial + 1
   end
   if quota > 0 and responses >= quota and not signalled then
      signalled = true
      end_run()
   end
end

function done(summary, latency, requests)
   local total_responses, total_non200, total_partial, next_cycle = 0, 0, 0, 0
   local codes = {}
   for _, thread in ipairs(threads) do
      total_responses = total_responses + (thread:get("responses") or 0)
      total_non200 = total_non200 + (thread:get("non200") or 0)
      total_partial = total_partial + (thread:get("partial") or 0)
      local c = thread:get("cycle") or 0
      if c + 1 > next_cycle then next_cycle = c + 1 end
      local s = thread:get("statuses") or ""
      if s ~= "" then table.insert(codes, s) end
   end
   local seconds = summary.duration / 1e6
   local e = summary.errors
   local line = string.format(
      '{"requests": %d, "responses": %d, "seconds": %.3f, "rps": %.1f, "non200": %d, "statuses": "%s", '
      .. '"partial": %d, "socket_errors": %d, "timeouts": %d, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, '
      .. '"max_ms": %.3f, "mean_ms": %.3f, "next_cycle": %d, "bytes": %d}',
      summary.requests, total_responses, seconds, summary.requests / seconds, total_non200,
      table.concat(codes, ","), total_partial, e.connect + e.read + e.write, e.timeout,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, latency.mean / 1000, next_cycle, summary.bytes)
   print("RESULT " .. line)
   local out = os.getenv("BENCH_RESULT")
   if out and out ~= "" then
      local f = assert(io.open(out, "w"))
      f:write(line, "\n")
      f:close()
   end
end
