-- wrk script of the redis-sessions load benchmark (benchmarks/run.sh load).
-- wrk -s rotate-cookies.lua <url> -- <cookie file>: each request carries the next cookie of the
-- file (one "JSESSIONID=..." per line), so the load is spread over every session; each wrk thread
-- starts at its own offset. done() prints one WRK_RESULT line for the Java side.

local threads = {}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("tid", count)
  table.insert(threads, thread)
end

function init(args)
  cookies = {}
  for line in io.lines(args[1]) do
    if #line > 0 then cookies[#cookies + 1] = line end
  end
  if #cookies == 0 then error("no cookies in " .. args[1]) end
  idx = (tid * 7919) % #cookies
end

function request()
  idx = idx % #cookies + 1
  return wrk.format("GET", nil, { ["Cookie"] = cookies[idx] })
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d status=%d connect=%d read=%d write=%d timeout=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
