// From the API's rows to what the page shows: totals, buckets, breakdowns.

import { bucketFloor, bucketNext, windowStart } from "./periods.js";

export const NONE = "(none)";

// cost_usd has at most six decimals, so rounding its micro-dollars is exact;
// summing integers then keeps a month of runs free of float drift.
export function toMicros(cost) {
  return cost == null ? 0 : Math.round(Number(cost) * 1e6);
}

function durationMs(row) {
  if (row.duration_ms != null) return row.duration_ms;
  return row.duration_min != null ? row.duration_min * 60_000 : 0;
}

export function prepare(rows) {
  const entries = rows.map((row, index) => ({
    index,
    eventId: row.event_id,
    at: Date.parse(row.ts),
    channel: row.channel ?? NONE,
    model: row.model ?? NONE,
    domain: row.domain ?? NONE,
    tokensIn: row.tokens_in ?? 0,
    tokensOut: row.tokens_out ?? 0,
    micros: toMicros(row.cost_usd),
    turns: row.num_turns ?? 0,
    durationMs: durationMs(row),
  }));
  // The API answers oldest first; sorting again costs little and lets the
  // bucket walk below rely on it.
  return entries.sort((a, b) => a.at - b.at || a.index - b.index);
}

export function sum(entries) {
  const totals = {
    runs: entries.length,
    tokensIn: 0,
    tokensOut: 0,
    micros: 0,
    durationMs: 0,
    turns: 0,
  };
  for (const e of entries) {
    totals.tokensIn += e.tokensIn;
    totals.tokensOut += e.tokensOut;
    totals.micros += e.micros;
    totals.durationMs += e.durationMs;
    totals.turns += e.turns;
  }
  return totals;
}

// The buckets cover the window and any row outside it (clock skew between
// this browser and the database), so every row lands in exactly one bar.
export function bucketize(entries, period, now) {
  let first = windowStart(period, now);
  let last = now;
  if (entries.length) {
    first = Math.min(first, entries[0].at);
    last = Math.max(last, entries[entries.length - 1].at);
  }

  const buckets = [];
  for (let start = bucketFloor(period, first); start <= last; ) {
    const end = bucketNext(period, start);
    buckets.push({ start, end, entries: [] });
    start = end;
  }

  // Rows come oldest first, so one forward walk places them all.
  let i = 0;
  for (const e of entries) {
    while (i < buckets.length - 1 && e.at >= buckets[i].end) i += 1;
    buckets[i].entries.push(e);
  }
  for (const b of buckets) b.totals = sum(b.entries);
  return buckets;
}

export function breakdown(entries, key) {
  const groups = new Map();
  for (const e of entries) {
    const name = e[key];
    let group = groups.get(name);
    if (!group) {
      group = { name, entries: [] };
      groups.set(name, group);
    }
    group.entries.push(e);
  }
  const list = [...groups.values()];
  for (const g of list) g.totals = sum(g.entries);
  return list.sort(
    (a, b) =>
      b.totals.micros - a.totals.micros ||
      b.totals.runs - a.totals.runs ||
      a.name.localeCompare(b.name),
  );
}
