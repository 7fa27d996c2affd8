-- Shared by every scenario: the seeded ids and tokens, counting responses
-- that are not clean (a non-200 status or an "errors" array), and a one-line
-- JSON result that run.sh reads.
local data = dofile(os.getenv("BENCH_DATA"))

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

failed = 0

function count_response(status, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    failed = failed + 1
    if failed <= 3 then
      io.stderr:write("unclean response " .. status .. ": " .. string.sub(body, 1, 300) .. "\n")
    end
    return false
  end
  return true
end

local function json_string(s)
  s = s:gsub('\\', '\\\\')
  s = s:gsub('"', '\\"')
  s = s:gsub('\n', '\\n')
  return '"' .. s .. '"'
end

function graphql(token, query, variables)
  local body = '{"query":' .. json_string(query) .. ',"variables":' .. variables .. '}'
  return wrk.format("POST", "/graphql", {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/graphql-response+json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end

function done(summary, latency, requests)
  local unclean = 0
  for _, t in ipairs(threads) do
    unclean = unclean + (t:get("failed") or 0)
  end
  local seconds = summary.duration / 1e6
  local socket = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"failed":%d,"socket_errors":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, unclean + socket, socket))
end

return data
