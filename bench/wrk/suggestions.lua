-- Ranked, explained mentor suggestions for open requests (as the admin).
local data = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local query = [[query Suggest($id: ID!) { mentorSuggestions(requestId: $id, first: 10) {
  score freeCapacity mentor { id displayName } reasons { skill { name } mentorLevel learnerLevel points } } }]]
local i = 0
function request()
  i = i + 1
  local id = data.requests[(i % #data.requests) + 1]
  return graphql(data.admin.token, query, '{"id":"' .. id .. '"}')
end
function response(status, headers, body) count_response(status, body) end
