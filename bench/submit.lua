-- wrk script: POST /api/v1/responses with new submission ids, and a share of deliberate retries.
-- Environment: EVALSYS_TOKEN, EVALSYS_LINK, EVALSYS_RETRY_SHARE (0.1), EVALSYS_ACK_DIR, and
-- EVALSYS_PACE_MS: when set, each connection waits that long on average between requests (a
-- paced load below capacity, to read latency without queueing; wrk's latency excludes the
-- wait), and
-- EVALSYS_CODE_PREFIX (B) so that runs against one database use different participant codes.
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local answers = '{"brs_1": 4, "brs_2": 2, "brs_3": 4, "brs_4": 2, "brs_5": 3, "brs_6": 2, ' ..
  '"gse_1": 3, "gse_2": 3, "gse_3": 3, "gse_4": 2, "gse_5": 3, "gse_6": 3, "gse_7": 4, ' ..
  '"gse_8": 3, "gse_9": 3, "gse_10": 3}'

function init(args)
  -- Seeded by the prefix too: two wrk processes started in the same second (two app servers)
  -- would otherwise send the same submission ids.
  local salt = 0
  for c in (os.getenv("EVALSYS_CODE_PREFIX") or "B"):gmatch(".") do
    salt = (salt * 31 + c:byte()) % 1000003
  end
  math.randomseed(os.time() * 1000 + id + salt * 7919)
  token = os.getenv("EVALSYS_TOKEN")
  link = os.getenv("EVALSYS_LINK")
  retry_share = tonumber(os.getenv("EVALSYS_RETRY_SHARE") or "0.1")
  ack = io.open(os.getenv("EVALSYS_ACK_DIR") .. "/acked-" .. id .. ".txt", "w")
  sent = {}
  made = 0
  retries = 0
  pace = tonumber(os.getenv("EVALSYS_PACE_MS") or "0")
  prefix = os.getenv("EVALSYS_CODE_PREFIX") or "B"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end

local function uuid4()
  local template = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (string.gsub(template, "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

-- Each wait is drawn between 0 and twice the pace (the mean is the pace): with a fixed wait,
-- the 64 connections, started together, stay in step and arrive as one burst every pace ms,
-- which measures queueing behind the burst instead of the latency of a request.
function delay()
  if pace == 0 then return 0 end
  return math.floor(2 * pace * math.random())
end

function request()
  local body
  if #sent > 0 and math.random() < retry_share then
    body = sent[math.random(1, #sent)]  -- a retry of an already-sent submission
    retries = retries + 1
  else
    made = made + 1
    local sid = uuid4()
    local code = prefix .. id .. "-" .. made .. "-" .. math.random(1000, 9999)
    body = '{"submission_id": "' .. sid .. '", "link": "' .. link .. '", "participant_code": "' ..
      code .. '", "language": "nl", "answers": ' .. answers .. '}'
    if #sent < 5000 then table.insert(sent, body) end
  end
  return wrk.format(nil, "/api/v1/responses", nil, body)
end

function response(status, headers, body)
  if status == 201 or status == 200 then
    local sid = string.match(body, '"submission_id": ?"([%x%-]+)"')
    if sid then ack:write(sid, " ", status, "\n"); ack:flush() end
  end
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local f = io.open(os.getenv("EVALSYS_ACK_DIR") .. "/done-" .. thread:get("id") .. ".txt", "w")
    f:write(thread:get("made") or 0, " ", thread:get("retries") or 0, "\n")
    f:close()
  end
end
