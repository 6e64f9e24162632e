// The entries behind a clicked bar or group, as a sortable table.

import {
  formatDuration,
  formatFullTime,
  formatInt,
  formatMoney,
  formatMoneyExact,
} from "./format.js";

// A page of rows at a time: a month's biggest model can hold thousands, and
// building them all at once would stall the page for no reader's benefit.
const PAGE = 500;

const COLUMNS = [
  { key: "at", label: "Time", newestFirst: true, text: (e) => formatFullTime(e.at) },
  { key: "channel", label: "Channel", text: (e) => e.channel },
  { key: "model", label: "Model", text: (e) => e.model },
  { key: "domain", label: "Domain", text: (e) => e.domain },
  { key: "tokensIn", label: "Tokens in", num: true, text: (e) => formatInt(e.tokensIn) },
  {
    key: "tokensOut",
    label: "Tokens out",
    num: true,
    text: (e) => formatInt(e.tokensOut),
  },
  { key: "micros", label: "Cost", num: true, text: (e) => formatMoney(e.micros) },
  { key: "turns", label: "Turns", num: true, text: (e) => formatInt(e.turns) },
  {
    key: "durationMs",
    label: "Duration",
    num: true,
    text: (e) => formatDuration(e.durationMs),
  },
];

function compare(key, direction) {
  return (a, b) => {
    const x = a[key];
    const y = b[key];
    const order = typeof x === "string" ? x.localeCompare(y) : x - y;
    return direction * (order || a.at - b.at || a.index - b.index);
  };
}

function escapeHtml(text) {
  return String(text).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
  );
}

function rowHtml(e) {
  const cells = COLUMNS.map((c) => {
    const title = c.key === "micros" ? ` title="${formatMoneyExact(e.micros)}"` : "";
    const cls = c.num ? ' class="num"' : "";
    return `<td data-col="${c.key}"${cls}${title}>${escapeHtml(c.text(e))}</td>`;
  });
  const id = escapeHtml(e.eventId ?? "");
  return `<tr data-testid="drilldown-row" data-event-id="${id}">${cells.join("")}</tr>`;
}

export class Drilldown {
  constructor(root) {
    this.table = root.querySelector("table");
    this.head = this.table.querySelector("thead tr");
    this.body = this.table.querySelector("tbody");
    this.more = root.querySelector("[data-testid=drilldown-more]");
    this.sortKey = "at";
    this.direction = -1;
    this.entries = [];
    this.shown = 0;

    this.head.innerHTML = COLUMNS.map(
      (c) =>
        `<th scope="col"${c.num ? ' class="num"' : ""} data-col="${c.key}">` +
        `<button type="button" data-testid="sort-${c.key}">${c.label}</button></th>`,
    ).join("");
    this.head.addEventListener("click", (event) => {
      const th = event.target.closest("th");
      if (th) this.sortBy(th.dataset.col);
    });
    this.more.addEventListener("click", () => this.renderMore());
  }

  show(entries) {
    this.entries = entries.slice();
    this.sortKey = "at";
    this.direction = -1;
    this.render();
  }

  sortBy(key) {
    // A new column starts with the biggest, or A to Z; a second click flips.
    const column = COLUMNS.find((c) => c.key === key);
    if (key === this.sortKey) this.direction = -this.direction;
    else this.direction = column.num || column.newestFirst ? -1 : 1;
    this.sortKey = key;
    this.render();
  }

  render() {
    this.entries.sort(compare(this.sortKey, this.direction));
    for (const th of this.head.children) {
      const sorted = th.dataset.col === this.sortKey;
      const order = this.direction > 0 ? "ascending" : "descending";
      th.setAttribute("aria-sort", sorted ? order : "none");
    }
    this.body.innerHTML = "";
    this.shown = 0;
    this.renderMore();
  }

  renderMore() {
    const next = this.entries.slice(this.shown, this.shown + PAGE);
    this.body.insertAdjacentHTML("beforeend", next.map(rowHtml).join(""));
    this.shown += next.length;
    const left = this.entries.length - this.shown;
    this.more.hidden = left === 0;
    this.more.textContent = `Show ${formatInt(Math.min(left, PAGE))} more of ${formatInt(left)}`;
  }
}
