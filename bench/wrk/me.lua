-- `me` with the member's clinic registrations.
local data = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local query = [[query Me { me { id displayName role skills { level skill { id name } }
  clinicRegistrations(first: 20) { edges { node { id status waitlistPosition
  clinic { id title startsAt } } } } } }]]
local i = 0
function request()
  i = i + 1
  local learner = data.learners[(i % #data.learners) + 1]
  return graphql(learner.token, query, "{}")
end
function response(status, headers, body) count_response(status, body) end
