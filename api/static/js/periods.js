// The eight reading windows and how each is cut into chart buckets.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// `step` is the bucket width in minutes; 0 means one local calendar day.
export const PERIODS = {
  "1h": { words: "hour", length: HOUR, step: 1 },
  "3h": { words: "3 hours", length: 3 * HOUR, step: 5 },
  "6h": { words: "6 hours", length: 6 * HOUR, step: 10 },
  "12h": { words: "12 hours", length: 12 * HOUR, step: 30 },
  "24h": { words: "24 hours", length: DAY, step: 60 },
  "3d": { words: "3 days", length: 3 * DAY, step: 120 },
  "7d": { words: "7 days", length: 7 * DAY, step: 360 },
  "1m": { words: "month", length: null, step: 0 },
};

export const DEFAULT_PERIOD = "24h";

export function isPeriod(value) {
  return Object.hasOwn(PERIODS, value);
}

// Where the server's window begins, as near as this clock can tell; 1m is a
// calendar month, clamped at month ends the way PostgreSQL does it.
export function windowStart(period, now) {
  const { length } = PERIODS[period];
  if (length !== null) return now - length;

  const d = new Date(now);
  const day = d.getDate();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  const lastDay = new Date(d.getFullYear(), d.getMonth() + 1, 0).getDate();
  d.setDate(Math.min(day, lastDay));
  return d.getTime();
}

// Buckets follow the local clock (whole minutes, hours, midnights), so a bar
// reads as "14:00-15:00" where the viewer lives.
export function bucketFloor(period, ms) {
  const { step } = PERIODS[period];
  const d = new Date(ms);
  if (step === 0) {
    return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  }
  const minutes = d.getHours() * 60 + d.getMinutes();
  const floored = Math.floor(minutes / step) * step;
  const hours = Math.floor(floored / 60);
  return new Date(
    d.getFullYear(),
    d.getMonth(),
    d.getDate(),
    hours,
    floored % 60,
  ).getTime();
}

export function bucketNext(period, start) {
  const { step } = PERIODS[period];
  if (step === 0) {
    const d = new Date(start);
    return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
  }
  const next = bucketFloor(period, start + step * MINUTE);
  // An hour that happens twice when clocks go back would floor onto itself.
  return next > start ? next : start + step * MINUTE;
}

export function isDaily(period) {
  return PERIODS[period].step === 0;
}
