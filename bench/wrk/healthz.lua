-- GET /healthz: the HTTP ceiling of this machine for this server.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")
function response(status, headers, body) count_response(status, body) end
