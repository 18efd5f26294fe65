-- wrk script: every request asks for an import no request has asked for before, so no
-- proxy can share or keep an answer: what is measured is forwarding alone. The mock
-- answers each with its 404 (in Prolific's error shape). The URL wrk is given is the
-- dataset route (bench/proxy.mjs): each import path is built under it (`wrk.path`).
local counter = 0
local next_thread = 0
-- `thread_id` is a global set in each thread's own state by `setup`.
thread_id = 0

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

function request()
  counter = counter + 1
  local path = string.format("%s/imports/00000000-0000-4000-8%03d-%012d", wrk.path, thread_id, counter)
  return wrk.format("GET", path)
end
