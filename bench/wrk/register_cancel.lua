-- Register for a clinic, then cancel that registration: each learner of this
-- thread is either free (registers next) or holds a registration (cancels
-- next). Responses name the user, so no request depends on connection order.
local data = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local register = [[mutation Register($id: ID!) { registerForClinic(clinicId: $id) { id status user { id } } }]]
local cancel = [[mutation Cancel($id: ID!) { cancelRegistration(registrationId: $id) { id status user { id } } }]]

local free, holding, token_of = {}, {}, {}
local clinic_i = 0

function init(args)
  -- `id` is this thread's number, set by setup() in common.lua.
  local me, n = id, tonumber(os.getenv("BENCH_THREADS"))
  for k, learner in ipairs(data.learners) do
    token_of[learner.id] = learner.token
    if (k - 1) % n == me then table.insert(free, learner.id) end
  end
end

function request()
  if #holding > 0 then
    local held = table.remove(holding, 1)
    return graphql(token_of[held.user], cancel, '{"id":"' .. held.registration .. '"}')
  end
  local user = table.remove(free, 1)
  if user == nil then
    -- Every learner of this thread is in flight: should not happen with more
    -- learners than connections, and counts as unclean if it does.
    return wrk.format("GET", "/no-free-learner")
  end
  clinic_i = clinic_i + 1
  local clinic = data.clinics[(clinic_i % #data.clinics) + 1]
  return graphql(token_of[user], register, '{"id":"' .. clinic .. '"}')
end

function response(status, headers, body)
  if not count_response(status, body) then return end
  local user = string.match(body, '"user":{"id":"([^"]+)"}')
  local id = string.match(body, '"registerForClinic":{"id":"([^"]+)"')
  if id ~= nil then
    table.insert(holding, { user = user, registration = id })
  elseif user ~= nil then
    table.insert(free, user)
  end
end
