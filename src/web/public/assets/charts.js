// Horizontal (grouped) bar charts as plain SVG. The chart is role="img" with a title and a
// description; the numbers themselves are also in the table the page shows under the charts.
import { h, s, uniqueId } from "./dom.js";
import { t } from "./i18n.js";

/**
 * @param {{ title: string, desc: string, categories: string[],
 *           series: { name: string, values: (number | null)[], className: string }[],
 *           max?: number, format: (v: number) => string }} opts
 */
export function barChart(opts) {
  const id = uniqueId("chart");
  const labelW = 260;
  const plotW = 400;
  const valueW = 64;
  const barH = 14;
  const groupGap = 12;
  const top = 8;
  const axisH = 24;
  const groupH = opts.series.length * barH + groupGap;
  const width = labelW + plotW + valueW;
  const height = top + opts.categories.length * groupH + axisH;
  const all = opts.series.flatMap((se) => se.values).filter((v) => typeof v === "number" && Number.isFinite(v));
  let max = opts.max ?? niceMax(Math.max(1, ...all.map(Number)));
  // Four intervals: keep the ticks whole numbers when the values are counts or days.
  if (opts.max === undefined && max % 4 !== 0) max = Math.ceil(max / 4) * 4;

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
  );
  const plotBottom = top + opts.categories.length * groupH;
  for (let i = 0; i <= 4; i++) {
    const x = labelW + (plotW * i) / 4;
    svg.append(s("line", { x1: x, x2: x, y1: top - 4, y2: plotBottom, class: i === 0 ? "axis" : "grid" }));
    svg.append(
      s("text", { x, y: plotBottom + 16, "text-anchor": "middle", class: "tick" }, opts.format((max * i) / 4)),
    );
  }
  opts.categories.forEach((cat, i) => {
    const gy = top + i * groupH;
    const short = cat.length > 30 ? `${cat.slice(0, 29)}…` : cat;
    svg.append(
      s(
        "text",
        { x: labelW - 8, y: gy + (opts.series.length * barH) / 2 + 4, "text-anchor": "end", class: "cat" },
        s("title", null, cat),
        short,
      ),
    );
    opts.series.forEach((se, j) => {
      const v = se.values[i];
      const y = gy + j * barH;
      const has = typeof v === "number" && Number.isFinite(v);
      const w = has ? Math.max(0, Math.min(1, v / max)) * plotW : 0;
      svg.append(
        s(
          "rect",
          {
            x: labelW,
            y: y + 1,
            width: Math.max(w, has && v > 0 ? 1 : 0),
            height: barH - 2,
            class: `bar ${se.className}`,
          },
          s("title", null, `${cat} — ${se.name}: ${has ? opts.format(v) : t("common.none")}`),
        ),
      );
      svg.append(
        s("text", { x: labelW + w + 4, y: y + barH - 3, class: "val" }, has ? opts.format(v) : t("common.none")),
      );
    });
  });

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
