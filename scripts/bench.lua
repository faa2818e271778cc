-- wrk script for `make bench` (scripts/bench.py): every request takes the next path from a file
-- of paths drawn from the data, signed in with the analyst's session cookie; each response's
-- X-SQL-Queries header is summed so the report can give SQL queries per request.
--
-- Environment: BENCH_PATHS (file, one path per line), BENCH_COOKIE (Cookie header value).

local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local cookie = os.getenv("BENCH_COOKIE") or ""

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  -- Threads start at different places in the list, so they do not ask for the same page.
  position = (id * 7919) % #paths
  queries = 0
  counted = 0
  failures = 0
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position], { ["Cookie"] = cookie })
end

function response(status, headers, body)
  if status >= 300 then failures = failures + 1 end
  local n = headers["X-SQL-Queries"] or headers["x-sql-queries"]
  if n then
    queries = queries + tonumber(n)
    counted = counted + 1
  end
end

function done(summary, latency, requests)
  local total_queries, total_counted, total_failures = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_queries = total_queries + thread:get("queries")
    total_counted = total_counted + thread:get("counted")
    total_failures = total_failures + thread:get("failures")
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"queries": %d, "counted": %d, "failures": %d, "socket_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    total_queries, total_counted, total_failures,
    errors.connect + errors.read + errors.write, errors.timeout))
end
