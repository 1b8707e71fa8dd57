// The case machine as an SVG diagram: one column per step, the happy path on the first row,
// side branches (refusal, withdrawal, cancelled records…) below, arrows for transitions, the
// current state highlighted (colour, a thicker border and a "current" tag: not colour alone).
// role="img" with a title and description, plus a text list of every state and transition.
import { h, s, uniqueId } from "./dom.js";
import { t, label as pick, lang } from "./i18n.js";
import { edgesFrom, layout, selfEvents } from "./machines.js";

const W = 150;
const H = 64;
const COL_GAP = 46;
const ROW_GAP = 48;
const M = 14;
const TOP = 30;

/** Split a label into at most 3 lines that fit a node. @param {string} text */
function wrap(text) {
  const cjk = /[\u3000-\u9fff\uff00-\uffef]/.test(text);
  const max = cjk ? 10 : 19;
  const lines = [];
  if (cjk) {
    // Balanced lines: 11 characters become 6 + 5, not 10 + 1.
    const size = Math.ceil(text.length / Math.ceil(text.length / max));
    for (let i = 0; i < text.length; i += size) lines.push(text.slice(i, i + size));
  } else {
    let line = "";
    for (const word of text.split(/\s+/)) {
      if (line && (line + " " + word).length > max) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
  }
  if (lines.length > 3) {
    lines.length = 3;
    lines[2] = lines[2].slice(0, Math.max(0, lines[2].length - 1)) + "…";
  }
  return lines;
}

/**
 * An SVG path through the points with rounded corners.
 * @param {number[][]} pts @param {number} r
 */
function roundedPath(pts, r) {
  let d = `M${pts[0][0]},${pts[0][1]}`;
  for (let i = 1; i < pts.length - 1; i++) {
    const [px, py] = pts[i - 1];
    const [cx, cy] = pts[i];
    const [nx, ny] = pts[i + 1];
    const len1 = Math.hypot(cx - px, cy - py);
    const len2 = Math.hypot(nx - cx, ny - cy);
    const k = Math.min(r, len1 / 2, len2 / 2);
    if (k === 0) continue;
    const ax = cx - ((cx - px) / len1) * k;
    const ay = cy - ((cy - py) / len1) * k;
    const bx = cx + ((nx - cx) / len2) * k;
    const by = cy + ((ny - cy) / len2) * k;
    d += ` L${ax},${ay} Q${cx},${cy} ${bx},${by}`;
  }
  const last = pts[pts.length - 1];
  return `${d} L${last[0]},${last[1]}`;
}

/** Left edge of a column. @param {number} col */
const x = (col) => M + col * (W + COL_GAP);
/** Top edge of a row. @param {number} row */
const y = (row) => TOP + row * (H + ROW_GAP);

/** An arrowhead marker. @param {string} id @param {string} cls */
function arrowMarker(id, cls) {
  return s(
    "marker",
    {
      id,
      viewBox: "0 0 10 10",
      refX: "9",
      refY: "5",
      markerWidth: "7",
      markerHeight: "7",
      orient: "auto-start-reverse",
    },
    s("path", { d: "M0,0 L10,5 L0,10 z", class: cls }),
  );
}

/**
 * The transitions between two different states, each pair once with every event that takes it.
 * @param {any} def @returns {Map<string, { from: string, to: string, events: string[] }>}
 */
function transitionPairs(def) {
  const pairs = new Map();
  for (const name of Object.keys(def.states)) {
    for (const e of edgesFrom(def, name)) {
      const key = `${name}→${e.target}`;
      if (!pairs.has(key)) pairs.set(key, { from: name, to: e.target, events: [] });
      pairs.get(key).events.push(e.event);
    }
  }
  return pairs;
}

/**
 * The path of an arrow from box `a` to box `b`, and the lowest point it reaches.
 * @param {{ col: number, row: number }} a @param {{ col: number, row: number }} b
 */
function edgePath(a, b) {
  if (a.col === b.col) {
    const down = b.row > a.row;
    const dx = down ? W / 2 - 14 : W / 2 + 14;
    const y1 = down ? y(a.row) + H : y(a.row);
    const y2 = down ? y(b.row) : y(b.row) + H;
    return { d: `M${x(a.col) + dx},${y1} L${x(b.col) + dx},${y2}`, lowest: 0 };
  }
  if (a.row === b.row && Math.abs(b.col - a.col) === 1) {
    const fwd = b.col > a.col;
    return {
      d: `M${x(a.col) + (fwd ? W : 0)},${y(a.row) + H / 2} L${x(b.col) + (fwd ? 0 : W)},${y(b.row) + H / 2}`,
      lowest: 0,
    };
  }
  if (b.col > a.col) {
    // Orthogonal route that never crosses a box: out of the source's bottom (or top) into
    // the gap between rows, along it to the gap before the target's column, then into the
    // target's left side.
    const down = b.row >= a.row;
    const sx = x(a.col) + W - 26;
    const sy = down ? y(a.row) + H : y(a.row);
    const laneY = down ? y(a.row) + H + ROW_GAP / 2 : y(a.row) - ROW_GAP / 2;
    const gx = x(b.col) - COL_GAP / 2;
    const ty = y(b.row) + H / 2;
    const pts = [
      [sx, sy],
      [sx, laneY],
      [gx, laneY],
      [gx, ty],
      [x(b.col), ty],
    ];
    return { d: roundedPath(pts, 8), lowest: laneY };
  }
  const sx = x(a.col);
  const sy = y(a.row) + H / 2;
  const tx = x(b.col) + W;
  const ty = y(b.row) + H / 2;
  return { d: `M${sx},${sy} C${sx - 30},${sy} ${tx + 30},${ty} ${tx},${ty}`, lowest: 0 };
}

/**
 * The arrows (the happy path's in its own style), each titled with its events; and the lowest
 * point a route reaches.
 * @param {any} def @param {Map<string, any>} pos @param {{ marker: string, markerMain: string }} markers
 */
function edgesGroup(def, pos, markers) {
  const group = s("g", { class: "edges" });
  let lowest = 0;
  for (const { from, to, events } of transitionPairs(def).values()) {
    const a = pos.get(from);
    const b = pos.get(to);
    if (!a || !b) continue;
    const main = a.main && b.main && b.col === a.col + 1;
    const route = edgePath(a, b);
    lowest = Math.max(lowest, route.lowest);
    const names = events.map((ev) => pick(def.events[ev]?.label) || ev).join(" / ");
    group.append(
      s(
        "path",
        {
          d: route.d,
          class: main ? "edge edge-main" : "edge",
          "marker-end": `url(#${main ? markers.markerMain : markers.marker})`,
          "data-from": from,
          "data-to": to,
        },
        s("title", null, `${pick(def.states[from].label)} → ${pick(def.states[to].label)}: ${names}`),
      ),
    );
  }
  return { group, lowest };
}

/**
 * One state's box: label in up to three lines, a double border when final, ↻ when events keep
 * it where it is, and the "current" tag.
 * @param {any} def @param {string} name @param {{ col: number, row: number, main: boolean }} p
 * @param {string} current @param {Set<string>} visited
 */
function stateNode(def, name, p, current, visited) {
  const st = def.states[name];
  const isCurrent = name === current;
  const classes = [
    "node",
    p.main ? "node-main" : "node-branch",
    st.final ? "node-final" : "",
    isCurrent ? "node-current" : "",
    visited.has(name) && !isCurrent ? "node-visited" : "",
  ]
    .filter(Boolean)
    .join(" ");
  const g = s("g", { class: classes, "data-state": name, transform: `translate(${x(p.col)},${y(p.row)})` });
  g.append(s("title", null, `${pick(st.label)} (${t(`side.${st.side}`)})`));
  g.append(s("rect", { width: W, height: H, rx: 8, ry: 8, class: "node-box" }));
  if (st.final) g.append(s("rect", { x: 4, y: 4, width: W - 8, height: H - 8, rx: 5, ry: 5, class: "node-inner" }));
  const lines = wrap(pick(st.label));
  const lh = 15;
  const startY = H / 2 - ((lines.length - 1) * lh) / 2 + 4;
  const text = s("text", { class: "node-text", x: W / 2, "text-anchor": "middle" });
  lines.forEach((line, i) => text.append(s("tspan", { x: W / 2, y: startY + i * lh }, line)));
  g.append(text);
  if (selfEvents(def, name).length > 0) {
    g.append(s("text", { class: "node-self", x: W - 8, y: 14, "text-anchor": "end", "aria-hidden": "true" }, "↻"));
  }
  if (isCurrent) {
    g.append(s("text", { class: "current-tag", x: 0, y: -8 }, `▼ ${t("diagram.current")}`));
  }
  return g;
}

/**
 * Text alternative: every state (by step, then row), who acts, and where each event leads.
 * @param {any} def @param {Map<string, any>} pos @param {string} current
 */
function textAlternative(def, pos, current) {
  const order = [...pos.entries()].sort((a, b) => a[1].col - b[1].col || a[1].row - b[1].row).map(([n]) => n);
  return h(
    "ul",
    { class: "diagram-list" },
    order.map((name) => {
      const st = def.states[name];
      const outs = edgesFrom(def, name).map((e) =>
        t("diagram.edge", {
          event: pick(def.events[e.event]?.label) || e.event,
          target: pick(def.states[e.target].label),
        }),
      );
      const selfs = selfEvents(def, name).map((ev) =>
        t("diagram.selfEdge", { event: pick(def.events[ev]?.label) || ev }),
      );
      return h(
        "li",
        { "data-state": name, "aria-current": name === current ? "step" : null },
        h("strong", null, pick(st.label)),
        name === current ? ` (${t("diagram.current")})` : "",
        ` — ${t("diagram.stepOf", { step: st.step, steps: def.steps })}, ${t(`side.${st.side}`)}${st.final ? `, ${t("diagram.final")}` : ""}`,
        outs.length + selfs.length
          ? h(
              "ul",
              null,
              [...outs, ...selfs].map((o) => h("li", null, o)),
            )
          : null,
      );
    }),
  );
}

/**
 * @param {any} def machine definition (GET /api/machines/:type)
 * @param {string} current current state name
 * @param {Set<string>} [visited] states the case has been in (from its events)
 */
export function renderDiagram(def, current, visited = new Set()) {
  const pos = layout(def);
  const cols = def.steps;
  const rows = Math.max(...[...pos.values()].map((p) => p.row)) + 1;
  const width = 2 * M + cols * W + (cols - 1) * COL_GAP;
  const height = TOP + rows * H + (rows - 1) * ROW_GAP + M;

  const id = uniqueId("diagram");
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const markers = { marker: `${id}-arrow`, markerMain: `${id}-arrow-main` };
  const curLabel = pick(def.states[current]?.label);

  const svg = s(
    "svg",
    {
      class: "diagram",
      role: "img",
      "aria-labelledby": `${titleId} ${descId}`,
      viewBox: `0 0 ${width} ${height}`,
      width: "100%",
      preserveAspectRatio: "xMinYMin meet",
      style: `max-width:${width}px`,
    },
    s("title", { id: titleId }, t("diagram.title", { type: t(`type.${def.type}`), version: def.version })),
    s("desc", { id: descId }, t("diagram.desc", { state: curLabel })),
    s("defs", null, arrowMarker(markers.marker, "arrowhead"), arrowMarker(markers.markerMain, "arrowhead-main")),
  );

  // Edges first, so that nodes are drawn over them.
  const edges = edgesGroup(def, pos, markers);
  svg.append(edges.group);
  // A route below the last row of boxes needs room.
  if (edges.lowest + M > height) svg.setAttribute("viewBox", `0 0 ${width} ${edges.lowest + M}`);
  svg.append(
    s(
      "g",
      { class: "nodes" },
      [...pos].map(([name, p]) => stateNode(def, name, p, current, visited)),
    ),
  );

  return h(
    "figure",
    { class: "diagram-figure", lang: lang() },
    h("div", { class: "diagram-scroll", tabindex: "0", role: "group", "aria-label": t("diagram.scrollLabel") }, svg),
    h("figcaption", null, t("diagram.caption")),
    h(
      "details",
      { class: "diagram-details" },
      h("summary", null, t("diagram.textAlternative")),
      textAlternative(def, pos, current),
    ),
  );
}
