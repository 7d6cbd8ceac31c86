-- wrk script: every request refreshes the same token (legal under the load
-- profile) as client `main` with client_secret_basic; scope includes openid,
-- so each answer carries a new refresh token, access token and id_token.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic bWFpbjptYWluLXNlY3JldA=="  -- main:main-secret
wrk.body = "grant_type=refresh_token&refresh_token=" .. os.getenv("RT")

local bad = 0
response = function(status, headers, body)
  if status ~= 200 or not string.find(body, "id_token", 1, true) then
    bad = bad + 1
  end
end

done = function(summary, latency, requests)
  io.write(string.format("refreshes/s: %.0f  non-200 or no id_token: %d (in one thread's count)  errors: connect %d read %d write %d status %d timeout %d\n",
    summary.requests / (summary.duration / 1e6), bad,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
