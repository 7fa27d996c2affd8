-- The clinic board as a member sees it: 20 clinics with facilitator, skills,
-- seats left, waitlist length and the member's own registration.
local data = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local query = [[query Board { clinics(first: 20) { edges { node { id title startsAt endsAt
  seatsLeft waitlistLength facilitator { id displayName } skills { id name }
  myRegistration { id status waitlistPosition } } } pageInfo { hasNextPage endCursor } } }]]
local i = 0
function request()
  i = i + 1
  local learner = data.learners[(i % #data.learners) + 1]
  return graphql(learner.token, query, "{}")
end
function response(status, headers, body) count_response(status, body) end
