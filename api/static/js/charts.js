// Cost and tokens over time, drawn by the Plotly bundle this server ships.

import {
  formatDay,
  formatDayAndTime,
  formatMoney,
  formatRuns,
  formatTimeOfDay,
  localIso,
} from "./format.js";
import { isDaily } from "./periods.js";

const COLORS = { cost: "#2f6fde", tokensIn: "#13a37f", tokensOut: "#e0892b" };
const CONFIG = { displayModeBar: false, responsive: true };

const plotlyScript = document.getElementById("plotly-js");
// The bundle loads async so the data fetch need not wait for it to parse.
const plotlyReady = new Promise((resolve, reject) => {
  if (window.Plotly) return resolve(window.Plotly);
  plotlyScript.addEventListener("load", () => resolve(window.Plotly));
  plotlyScript.addEventListener("error", () =>
    reject(new Error("the chart library did not load")),
  );
});

export function bucketLabel(period, bucket) {
  if (isDaily(period)) return formatDay(bucket.start);
  const from = formatDayAndTime(bucket.start);
  return `${from}–${formatTimeOfDay(bucket.end)}`;
}

function layout(period, yaxis, extra = {}) {
  return {
    autosize: true,
    margin: { l: 56, r: 12, t: 8, b: 36 },
    bargap: 0.15,
    hovermode: "x",
    showlegend: false,
    font: { family: "system-ui, sans-serif", size: 12, color: "#34404f" },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    xaxis: {
      type: "date",
      fixedrange: true,
      gridcolor: "#eef1f5",
      tickformat: isDaily(period) ? "%b %-d" : undefined,
    },
    yaxis: {
      fixedrange: true,
      rangemode: "tozero",
      gridcolor: "#eef1f5",
      zeroline: false,
      automargin: true,
      ...yaxis,
    },
    ...extra,
  };
}

function shared(period, buckets) {
  return {
    x: buckets.map((b) => localIso((b.start + b.end) / 2)),
    width: buckets.map((b) => (b.end - b.start) * 0.85),
    customdata: buckets.map((b) => [
      bucketLabel(period, b),
      formatRuns(b.totals.runs),
      formatMoney(b.totals.micros),
    ]),
  };
}

function costTrace(period, buckets) {
  return {
    type: "bar",
    name: "cost",
    ...shared(period, buckets),
    y: buckets.map((b) => b.totals.micros / 1e6),
    marker: { color: COLORS.cost },
    hovertemplate:
      "%{customdata[0]}<br>%{customdata[2]} · %{customdata[1]}<extra></extra>",
  };
}

function tokenTraces(period, buckets) {
  const base = shared(period, buckets);
  return [
    {
      type: "bar",
      name: "tokens in",
      ...base,
      y: buckets.map((b) => b.totals.tokensIn),
      marker: { color: COLORS.tokensIn },
      hovertemplate: "%{customdata[0]}<br>in %{y:,}<extra></extra>",
    },
    {
      type: "bar",
      name: "tokens out",
      ...base,
      y: buckets.map((b) => b.totals.tokensOut),
      marker: { color: COLORS.tokensOut },
      hovertemplate: "out %{y:,}<extra></extra>",
    },
  ];
}

// TODO: Plotly's bars take no keyboard focus, so a keyboard-only reader can
// drill into a model, channel or domain but not into one bar of time.
function listenOnce(element, onBucket) {
  if (element.dataset.listening) return;
  element.dataset.listening = "yes";
  element.on("plotly_click", (event) => {
    const point = event.points && event.points[0];
    if (point) onBucket(point.pointNumber);
  });
}

// Resolves once both charts are drawn; `onBucket(i)` gets clicks on bar i.
export async function drawCharts(elements, period, buckets, onBucket) {
  const Plotly = await plotlyReady;
  const costLayout = layout(period, { tickprefix: "$" });
  const tokensLayout = layout(period, {}, {
    barmode: "stack",
    showlegend: true,
    legend: { orientation: "h", x: 0, y: 1.12, traceorder: "normal" },
    margin: { l: 56, r: 12, t: 24, b: 36 },
  });
  await Promise.all([
    Plotly.react(elements.cost, [costTrace(period, buckets)], costLayout, CONFIG),
    Plotly.react(elements.tokens, tokenTraces(period, buckets), tokensLayout, CONFIG),
  ]);
  listenOnce(elements.cost, onBucket);
  listenOnce(elements.tokens, onBucket);
}
