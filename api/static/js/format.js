// How numbers, money, durations and times read: the viewer's locale and zone.

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const dollars = (digits) =>
  new Intl.NumberFormat(undefined, {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
const money2 = dollars(2);
const money3 = dollars(3);
const moneySmall = new Intl.NumberFormat(undefined, {
  style: "currency",
  currency: "USD",
  maximumSignificantDigits: 2,
});
const money6 = dollars(6);

export function formatInt(n) {
  return integer.format(n);
}

export function formatRuns(n) {
  return `${integer.format(n)} ${n === 1 ? "run" : "runs"}`;
}

// Costs travel as integer micro-dollars so that sums stay exact; only the
// final display divides, and rounds to what a person can read at a glance.
export function formatMoney(micros) {
  if (micros === 0) return money2.format(0);
  const value = micros / 1e6;
  if (micros >= 1_000_000) return money2.format(value);
  if (micros >= 10_000) return money3.format(value);
  return moneySmall.format(value);
}

// Every digit stored: for a tooltip, where exactness beats brevity.
export function formatMoneyExact(micros) {
  return money6.format(micros / 1e6);
}

export function formatDuration(ms) {
  const seconds = Math.round(ms / 1000);
  if (ms > 0 && seconds === 0) return "<1s";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${integer.format(h)}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

const timeOfDay = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
});
const dayAndTime = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});
const fullTime = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});
const dayOnly = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  month: "short",
  day: "numeric",
});

export const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function formatTimeOfDay(ms) {
  return timeOfDay.format(ms);
}

export function formatDayAndTime(ms) {
  return dayAndTime.format(ms);
}

export function formatFullTime(ms) {
  return fullTime.format(ms);
}

export function formatDay(ms) {
  return dayOnly.format(ms);
}

// A wall-clock string without a zone: Plotly draws such strings as they are,
// which puts the axis in the viewer's zone.
export function localIso(ms) {
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, "0");
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}
