-- wrk script for bench/emulator-soak.sh: each thread follows its own rotating
-- family (client `other`), using each new refresh token for the next refresh.
-- Run with as many connections as threads, so a thread's chain is sequential.
local n = 0
function setup(thread)
  n = n + 1
  thread:set("rt", os.getenv("RT_ROTATE" .. n))
end

local bad = 0
function request()
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Authorization"] = "Basic b3RoZXI6b3RoZXItc2VjcmV0",  -- other:other-secret
  }, "grant_type=refresh_token&refresh_token=" .. rt)
end

function response(status, headers, body)
  local next_rt = string.match(body, '"refresh_token":"([^"]+)"')
  if status == 200 and next_rt then
    rt = next_rt
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  io.write(string.format("rotating: %d refreshes, errors: connect %d read %d write %d status %d timeout %d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
