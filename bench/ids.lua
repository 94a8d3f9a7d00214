-- wrk script: POST to PATH<n>/ with n = FIRST + thread + k * THREADS, so that every
-- request of every thread names a different row.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  prefix = args[1]
  first = tonumber(args[2])
  stride = tonumber(args[3])
end

function request()
  local n = first + index + counter * stride
  counter = counter + 1
  return wrk.format("POST", prefix .. n .. "/")
end
