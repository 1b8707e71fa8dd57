// Horizontal (grouped) bar charts as plain SVG. The chart is role="img" with a title and a
// description; the numbers themselves are also in the table the page shows under the charts.
import { h, s, uniqueId } from "./dom.js";
import { t } from "./i18n.js";

const LABEL_W = 260;
const PLOT_W = 400;
const VALUE_W = 64;
const BAR_H = 14;
const GROUP_GAP = 12;
const TOP = 8;
const AXIS_H = 24;

/**
 * @typedef {{ title: string, desc: string, categories: string[],
 *           series: { name: string, values: (number | null)[], className: string }[],
 *           max?: number, format: (v: number) => string }} ChartOpts
 */

/** The axis maximum: the one given, or a round one above every value. @param {ChartOpts} opts */
function axisMax(opts) {
  const all = opts.series.flatMap((se) => se.values).filter((v) => typeof v === "number" && Number.isFinite(v));
  let max = opts.max ?? niceMax(Math.max(1, ...all.map(Number)));
  // Four intervals: keep the ticks whole numbers when the values are counts or days.
  if (opts.max === undefined && max % 4 !== 0) max = Math.ceil(max / 4) * 4;
  return max;
}

/**
 * The axis and grid lines with their tick values (0, ¼, ½, ¾, max).
 * @param {number} max @param {number} plotBottom @param {(v: number) => string} format
 */
function gridLines(max, plotBottom, format) {
  const parts = [];
  for (let i = 0; i <= 4; i++) {
    const x = LABEL_W + (PLOT_W * i) / 4;
    parts.push(s("line", { x1: x, x2: x, y1: TOP - 4, y2: plotBottom, class: i === 0 ? "axis" : "grid" }));
    parts.push(s("text", { x, y: plotBottom + 16, "text-anchor": "middle", class: "tick" }, format((max * i) / 4)));
  }
  return parts;
}

/**
 * One category: its label (shortened, the full text as a tooltip), then one bar and value per series.
 * @param {ChartOpts} opts @param {string} cat @param {number} i its index @param {number} max
 */
function categoryGroup(opts, cat, i, max) {
  const groupH = opts.series.length * BAR_H + GROUP_GAP;
  const gy = TOP + i * groupH;
  const short = cat.length > 30 ? `${cat.slice(0, 29)}…` : cat;
  const parts = [
    s(
      "text",
      { x: LABEL_W - 8, y: gy + (opts.series.length * BAR_H) / 2 + 4, "text-anchor": "end", class: "cat" },
      s("title", null, cat),
      short,
    ),
  ];
  opts.series.forEach((se, j) => {
    const v = se.values[i];
    const y = gy + j * BAR_H;
    const has = typeof v === "number" && Number.isFinite(v);
    const w = has ? Math.max(0, Math.min(1, v / max)) * PLOT_W : 0;
    const text = has ? opts.format(v) : t("common.none");
    parts.push(
      s(
        "rect",
        {
          x: LABEL_W,
          y: y + 1,
          width: Math.max(w, has && v > 0 ? 1 : 0),
          height: BAR_H - 2,
          class: `bar ${se.className}`,
        },
        s("title", null, `${cat} — ${se.name}: ${text}`),
      ),
      s("text", { x: LABEL_W + w + 4, y: y + BAR_H - 3, class: "val" }, text),
    );
  });
  return parts;
}

/** @param {ChartOpts} opts */
export function barChart(opts) {
  const id = uniqueId("chart");
  const groupH = opts.series.length * BAR_H + GROUP_GAP;
  const width = LABEL_W + PLOT_W + VALUE_W;
  const height = TOP + opts.categories.length * groupH + AXIS_H;
  const max = axisMax(opts);
  const plotBottom = TOP + opts.categories.length * groupH;
  const svg = s(
    "svg",
    {
      class: "chart",
      role: "img",
      "aria-labelledby": `${id}-title ${id}-desc`,
      viewBox: `0 0 ${width} ${height}`,
      width: "100%",
      style: `max-width:${width}px`,
    },
    s("title", { id: `${id}-title` }, opts.title),
    s("desc", { id: `${id}-desc` }, opts.desc),
    gridLines(max, plotBottom, opts.format),
    opts.categories.map((cat, i) => categoryGroup(opts, cat, i, max)),
  );
  return h(
    "figure",
    { class: "chart-figure" },
    h("figcaption", null, h("strong", null, opts.title), " — ", opts.desc),
    opts.series.length > 1
      ? h(
          "ul",
          { class: "chart-legend", "aria-label": t("chart.legend") },
          opts.series.map((se) =>
            h("li", null, h("span", { class: `swatch ${se.className}`, "aria-hidden": "true" }), se.name),
          ),
        )
      : null,
    h("div", { class: "chart-scroll" }, svg),
  );
}

/** 7 → 8, 23 → 25, 130 → 150: a round axis maximum. @param {number} v */
function niceMax(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}
