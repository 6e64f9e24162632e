// The monitor: picks a period, loads its runs, and shows where they went.

import { NONE, breakdown, bucketize, prepare, sum } from "./aggregate.js";
import { bucketLabel, drawCharts } from "./charts.js";
import { Drilldown } from "./drilldown.js";
import {
  formatDayAndTime,
  formatDuration,
  formatInt,
  formatMoney,
  formatMoneyExact,
  formatRuns,
  localZone,
} from "./format.js";
import { DEFAULT_PERIOD, PERIODS, isPeriod, windowStart } from "./periods.js";

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);

const page = {
  main: document.querySelector("main"),
  tabs: [...document.querySelectorAll("[data-period]")],
  range: $("range"),
  empty: $("empty"),
  errorText: $("error-text"),
  overview: $("overview"),
  drilldown: $("drilldown"),
  drilldownTitle: $("drilldown-title"),
  drilldownSummary: $("drilldown-summary"),
  charts: { cost: $("chart-cost"), tokens: $("chart-tokens") },
  chartError: $("chart-error"),
};
const table = new Drilldown(page.drilldown);

// Each load gets a number; an answer to an older one is dropped, so a
// quick series of tab clicks ends on the last tab clicked.
let loadNumber = 0;
let view = null;
let scrollBeforeDrill = 0;

function setState(state) {
  page.main.dataset.state = state;
  page.main.setAttribute("aria-busy", state === "loading" ? "true" : "false");
}

function currentPeriod() {
  const hash = decodeURIComponent(location.hash.slice(1));
  return isPeriod(hash) ? hash : DEFAULT_PERIOD;
}

function selectTab(period) {
  for (const tab of page.tabs) {
    const chosen = tab.dataset.period === period;
    tab.setAttribute("aria-selected", String(chosen));
    tab.tabIndex = chosen ? 0 : -1;
  }
}

async function fetchRuns(tab) {
  const response = await fetch('/api/usage?period=' + tab + '&_=' + Date.now());
  if (!response.ok) {
    let detail = "";
    try {
      detail = (await response.json()).error ?? "";
    } catch {
      // A body that is not JSON says nothing more than the status does.
    }
    throw new LoadError(response.status, detail);
  }
  return response.json();
}

class LoadError extends Error {
  constructor(status, detail) {
    super(detail || `the server answered ${status}`);
    this.status = status;
  }
}

function explain(error) {
  if (error.status === 401 || error.status === 403) {
    return "This palace asks you to sign in before it shows its usage.";
  }
  if (error.status === 503) {
    return "The database is not answering right now. Try again in a few seconds.";
  }
  if (error instanceof LoadError) {
    return `The server could not load the usage (${error.status}: ${error.message}).`;
  }
  return "The server could not be reached. Is palace-usage still running?";
}

async function load() {
  const period = currentPeriod();
  const number = ++loadNumber;
  selectTab(period);
  closeDrilldown();
  // `settled` names the period once its answer is fully on screen, which is
  // what the browser tests and the benchmark wait for.
  delete page.main.dataset.settled;
  setState("loading");

  let rows;
  try {
    rows = await fetchRuns(period);
  } catch (error) {
    if (number !== loadNumber) return;
    page.errorText.textContent = explain(error);
    // A session that expired while the page was open: offer the way back in.
    $("login-link").hidden = error.status !== 401;
    setState("error");
    page.main.dataset.settled = period;
    return;
  }
  if (number !== loadNumber) return;
  performance.mark("monitor:data");
  await render(period, rows, number);
}

async function render(period, rows, number) {
  const now = Date.now();
  const entries = prepare(rows);
  const from = windowStart(period, now);
  page.range.textContent = `Since ${formatDayAndTime(from)} · times in ${localZone}`;

  if (entries.length === 0) {
    page.empty.textContent = `No runs in the last ${PERIODS[period].words}.`;
    setState("empty");
    page.main.dataset.settled = period;
    performance.mark("monitor:rendered");
    return;
  }

  const buckets = bucketize(entries, period, now);
  view = { period, entries, buckets };
  showTotals(sum(entries));
  for (const key of ["model", "channel", "domain"]) {
    showBreakdown(key, breakdown(entries, key));
  }
  setState("ready");

  try {
    page.chartError.hidden = true;
    await drawCharts(page.charts, period, buckets, drillIntoBucket);
  } catch (error) {
    page.chartError.hidden = false;
    page.chartError.textContent = `Charts unavailable: ${error.message}.`;
  }
  if (number !== loadNumber) return;
  page.main.dataset.settled = period;
  performance.mark("monitor:rendered");
}

function showTotals(totals) {
  const shown = {
    runs: [formatInt(totals.runs), totals.runs],
    "tokens-in": [formatInt(totals.tokensIn), totals.tokensIn],
    "tokens-out": [formatInt(totals.tokensOut), totals.tokensOut],
    cost: [formatMoney(totals.micros), totals.micros],
    duration: [formatDuration(totals.durationMs), totals.durationMs],
    turns: [formatInt(totals.turns), totals.turns],
  };
  for (const [name, [text, value]] of Object.entries(shown)) {
    const element = $(`total-${name}`);
    element.textContent = text;
    element.dataset.value = String(value);
  }
  $("total-cost").title = formatMoneyExact(totals.micros);
}

function showBreakdown(key, groups) {
  const list = $(`breakdown-${key}`);
  const total = groups.reduce((n, g) => n + g.totals.micros, 0);
  const runs = groups.reduce((n, g) => n + g.totals.runs, 0);
  list.replaceChildren(
    ...groups.map((group) => {
      // Shares by cost, or by runs when nothing cost anything.
      const share = total > 0 ? group.totals.micros / total : group.totals.runs / runs;
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.testid = "breakdown-item";
      button.dataset.key = group.name;
      button.style.setProperty("--share", `${(share * 100).toFixed(1)}%`);
      const name = document.createElement("span");
      name.className = group.name === NONE ? "name none" : "name";
      name.textContent = group.name;
      const figures = document.createElement("span");
      figures.className = "figures";
      figures.textContent =
        `${formatRuns(group.totals.runs)} · ${formatMoney(group.totals.micros)}` +
        ` · ${Math.round(share * 100)}%`;
      button.append(name, figures);
      button.addEventListener("click", () => drillIntoGroup(key, group));
      item.append(button);
      return item;
    }),
  );
}

function drillIntoBucket(index) {
  const bucket = view && view.buckets[index];
  if (!bucket || bucket.entries.length === 0) return;
  openDrilldown(bucketLabel(view.period, bucket), bucket.entries);
}

const GROUP_WORDS = { model: "Model", channel: "Channel", domain: "Domain" };

function drillIntoGroup(key, group) {
  openDrilldown(`${GROUP_WORDS[key]}: ${group.name}`, group.entries);
}

function openDrilldown(title, entries) {
  const totals = sum(entries);
  scrollBeforeDrill = window.scrollY;
  page.drilldownTitle.textContent = title;
  page.drilldownSummary.textContent =
    `${formatRuns(totals.runs)} · ${formatMoney(totals.micros)} · ` +
    `${formatInt(totals.tokensIn)} tokens in · ${formatInt(totals.tokensOut)} out`;
  table.show(entries);
  page.overview.hidden = true;
  page.drilldown.hidden = false;
  page.drilldown.focus({ preventScroll: true });
  // Just below the sticky header, which would otherwise hide the way back.
  const header = document.querySelector("header").offsetHeight;
  const top = page.drilldown.getBoundingClientRect().top + window.scrollY;
  window.scrollTo(0, Math.max(0, top - header - 12));
}

function closeDrilldown() {
  if (page.drilldown.hidden) return;
  page.drilldown.hidden = true;
  page.overview.hidden = false;
  // Charts resized while hidden would keep a width of zero.
  if (window.Plotly) {
    for (const chart of Object.values(page.charts)) {
      if (chart.data) window.Plotly.Plots.resize(chart);
    }
  }
  window.scrollTo(0, scrollBeforeDrill);
}

function wireTabs() {
  for (const tab of page.tabs) {
    tab.addEventListener("click", () => {
      const period = tab.dataset.period;
      // The same tab again means "refresh"; hashchange would not fire.
      if (location.hash === `#${period}`) load();
      else location.hash = period;
    });
  }
  // Arrow keys move between tabs, as in any tab list.
  page.tabs[0].parentElement.addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const at = page.tabs.findIndex((t) => t.dataset.period === currentPeriod());
    const next = page.tabs[(at + step + page.tabs.length) % page.tabs.length];
    next.focus();
    next.click();
  });
}

async function showAccount() {
  // Only a logged-in person has someone to name and a session to end.
  const response = await fetch("/api/me").catch(() => null);
  if (!response || !response.ok) return;
  const me = await response.json();
  if (me.kind !== "session") return;
  $("account-name").textContent = `${me.user} · ${me.palace}`;
  $("account").hidden = false;
}

$("logout").addEventListener("click", async () => {
  await fetch("/api/logout", { method: "POST" }).catch(() => null);
  location.assign("/login");
});

wireTabs();
showAccount();
$("drilldown-back").addEventListener("click", closeDrilldown);
$("retry").addEventListener("click", load);
$("refresh").addEventListener("click", load);
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") closeDrilldown();
});
window.addEventListener("hashchange", load);
// TODO: the page loads once per tab choice and on Refresh; it does not poll,
// so a monitor left open goes stale until someone clicks.
load();
