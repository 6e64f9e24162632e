"""The SQL our server sends for each benchmarked request, copied as it is sent.

Taken from PostgreSQL's own log (`log_statement = 'all'` on a benchmark
database) at the commit the baseline was measured on, so a floor runs exactly
the statements the app runs, casts and all, and gets the same plans. When
db/usage.py or db/summary.py change what they send, capture it again:

    ALTER DATABASE <bench db> SET log_statement = 'all'

What the floors leave out is everything around these statements: the pool's
pre-ping, BEGIN/COMMIT, the per-request login check and `set_config` of the
palace (a floor's connection is opened as the app role with its palace set,
so row-level security applies with no round trip of its own).
"""

READ_COLUMNS = (
    "usage.id, usage.event_id, usage.ts, usage.date, usage.time, usage.palace, "
    'usage.user_id, usage."user", usage.butler, usage.channel, usage.model, '
    "usage.domain, usage.duration_ms, usage.duration_min, usage.tokens_in, "
    "usage.tokens_out, usage.cost_usd, usage.num_turns"
)

# GET /api/usage?period=...: $1 palace, $2 interval text.
LIST_FOR_INTERVAL = (
    f"SELECT {READ_COLUMNS} \nFROM usage \n"
    "WHERE usage.palace = $1::VARCHAR AND usage.ts >= now() - "
    "CAST($2::VARCHAR AS INTERVAL) ORDER BY usage.ts, usage.id"
)

# GraphQL usage(period:): the window first, then the rows since its start.
WINDOW = (
    "SELECT now() AS now_1, now() - CAST($1::VARCHAR AS INTERVAL) AS anon_1, "
    "(now() - CAST($1::VARCHAR AS INTERVAL)) - CAST($1::VARCHAR AS INTERVAL) "
    "AS anon_2"
)
LIST_SINCE = (
    f"SELECT {READ_COLUMNS} \nFROM usage \n"
    "WHERE usage.palace = $1::VARCHAR AND usage.ts >= "
    "$2::TIMESTAMP WITH TIME ZONE ORDER BY usage.ts, usage.id"
)

_TOTALS = (
    "count(*) AS count, coalesce(sum(usage.tokens_in), {0}::INTEGER) AS tokens_in, "
    "coalesce(sum(usage.tokens_out), {1}::INTEGER) AS tokens_out, "
    "CAST(coalesce(sum(usage.cost_usd), {2}::INTEGER) AS NUMERIC(20, 6)) AS cost_usd, "
    "coalesce(sum(usage.duration_ms), {3}::INTEGER) AS duration_ms, "
    "coalesce(sum(usage.num_turns), {4}::INTEGER) AS num_turns"
)

# usageSummary: $1-$5 zeros, $6 palace, $7 since (and $8 until for previous).
TOTALS_SINCE = (
    f"SELECT {_TOTALS.format('$1', '$2', '$3', '$4', '$5')} \nFROM usage \n"
    "WHERE usage.palace = $6::VARCHAR AND usage.ts >= $7::TIMESTAMP WITH TIME ZONE"
)
TOTALS_BETWEEN = TOTALS_SINCE + " AND usage.ts < $8::TIMESTAMP WITH TIME ZONE"
GROUPS_SINCE = (
    "SELECT usage.model AS model, "
    f"{_TOTALS.format('$1', '$2', '$3', '$4', '$5')} \nFROM usage \n"
    "WHERE usage.palace = $6::VARCHAR AND usage.ts >= $7::TIMESTAMP WITH TIME ZONE "
    "GROUP BY usage.model ORDER BY sum(usage.cost_usd) DESC NULLS LAST, "
    "count(*) DESC, model ASC NULLS LAST"
)
# $1-$6 zeros, $7/$10/$17 unit, $8/$9/$11/$13/$18 zone, $12/$25 since,
# $14/$16 end, $15 step ('1 day'), $19-$23 zeros, $24 palace.
SERIES_SINCE = (
    "WITH filled AS \n"
    "(SELECT date_trunc($17::VARCHAR, usage.ts, $18::VARCHAR) AS start, "
    f"{_TOTALS.format('$19', '$20', '$21', '$22', '$23')} \nFROM usage \n"
    "WHERE usage.palace = $24::VARCHAR AND usage.ts >= $25::TIMESTAMP WITH TIME ZONE "
    "GROUP BY date_trunc($17::VARCHAR, usage.ts, $18::VARCHAR)), \n"
    "starts AS \n"
    "(SELECT date_trunc($7::VARCHAR, grid_points.point, $8::VARCHAR) AS start \n"
    "FROM (SELECT timezone($9::VARCHAR, generate_series(date_trunc($10::VARCHAR, "
    "timezone($11::VARCHAR, CAST($12::TIMESTAMP WITH TIME ZONE AS TIMESTAMP WITH "
    "TIME ZONE))), timezone($13::VARCHAR, CAST($14::TIMESTAMP WITH TIME ZONE AS "
    "TIMESTAMP WITH TIME ZONE)), CAST($15::VARCHAR AS INTERVAL))) AS point) AS "
    "grid_points \n"
    "WHERE grid_points.point < CAST($16::TIMESTAMP WITH TIME ZONE AS TIMESTAMP WITH "
    "TIME ZONE) UNION SELECT filled.start AS start \nFROM filled)\n"
    " SELECT starts.start, coalesce(filled.count, $1::INTEGER) AS count, "
    "coalesce(filled.tokens_in, $2::INTEGER) AS tokens_in, "
    "coalesce(filled.tokens_out, $3::INTEGER) AS tokens_out, "
    "coalesce(filled.duration_ms, $4::INTEGER) AS duration_ms, "
    "coalesce(filled.num_turns, $5::INTEGER) AS num_turns, "
    "coalesce(filled.cost_usd, CAST($6::NUMERIC(20, 6) AS NUMERIC(20, 6))) "
    "AS cost_usd \n"
    "FROM starts LEFT OUTER JOIN filled ON filled.start = starts.start "
    "ORDER BY starts.start"
)

# POST /api/usage/log's insert, one row: $1 palace, $2 event_id, $3 ts,
# $4 date, $5 time, $6 user_id, $7 user ... $17 num_turns, $18 extra.
INSERT_ONE = (
    'INSERT INTO usage (palace, event_id, ts, date, time, user_id, "user", '
    "butler, channel, model, domain, duration_ms, duration_min, tokens_in, "
    "tokens_out, cost_usd, num_turns, extra) VALUES ($1::VARCHAR, $2::UUID, "
    "$3::TIMESTAMP WITH TIME ZONE, $4::VARCHAR, $5::VARCHAR, $6::INTEGER, "
    "$7::VARCHAR, $8::VARCHAR, $9::VARCHAR, $10::VARCHAR, $11::VARCHAR, "
    "$12::INTEGER, $13::INTEGER, $14::INTEGER, $15::INTEGER, $16::NUMERIC(10, 6), "
    "$17::INTEGER, $18::JSONB) ON CONFLICT (palace, event_id) DO NOTHING "
    "RETURNING usage.event_id, usage.id"
)

# Not the app's: the floor of a batch, every row in one statement.
INSERT_MANY = (
    'INSERT INTO usage (palace, event_id, ts, date, time, user_id, "user", '
    "butler, channel, model, domain, duration_ms, duration_min, tokens_in, "
    "tokens_out, cost_usd, num_turns, extra) "
    "SELECT $1::VARCHAR, * FROM unnest($2::UUID[], $3::TIMESTAMPTZ[], "
    "$4::VARCHAR[], $5::VARCHAR[], $6::INTEGER[], $7::VARCHAR[], $8::VARCHAR[], "
    "$9::VARCHAR[], $10::VARCHAR[], $11::VARCHAR[], $12::INTEGER[], "
    "$13::INTEGER[], $14::INTEGER[], $15::INTEGER[], $16::NUMERIC[], "
    "$17::INTEGER[], $18::JSONB[]) "
    "ON CONFLICT (palace, event_id) DO NOTHING RETURNING usage.event_id, usage.id"
)
GET_EXISTING = (
    "SELECT usage.event_id, usage.id FROM usage "
    "WHERE usage.palace = $1::VARCHAR AND usage.event_id = ANY($2::UUID[])"
)

# Users are found or created once per (palace, name), then remembered.
ENSURE_USER = (
    "INSERT INTO users (palace, name) VALUES ($1::VARCHAR, $2::VARCHAR) "
    "ON CONFLICT (palace, name) DO NOTHING"
)
GET_USER = (
    "SELECT users.id FROM users WHERE users.palace = $1::VARCHAR "
    "AND users.name = $2::VARCHAR"
)
