-- The admin's presence report over the past year: every ORGANISATION
-- channel's weekly snapshots of the year, per platform.
local data = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local query = [[query Report($from: Date!, $to: Date!) { presenceReport(from: $from, to: $to) {
  platforms { platform { id name } contributors followersStart followersEnd followerGrowth posts
  interactions medianEngagementRate } } }]]
local today = os.date("!%Y-%m-%d")
local year_ago = os.date("!%Y-%m-%d", os.time() - 365 * 24 * 3600)
local variables = '{"from":"' .. year_ago .. '","to":"' .. today .. '"}'
function request()
  return graphql(data.admin.token, query, variables)
end
function response(status, headers, body) count_response(status, body) end
