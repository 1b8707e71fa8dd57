// Accessibility checks run inside the page (evaluated as source text by support.ts):
// labelled controls, buttons with text, text contrast >= 4.5:1 (>= 3:1 for large text).
// Returns a list of failures.
(() => {
  const out = [];
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== "hidden" && cs.display !== "none";
  };
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (!visible(el) || el.type === "hidden") continue;
    const id = el.id;
    const byFor = id ? document.querySelector(`label[for="${CSS.escape(id)}"]`) : null;
    const wrapped = el.closest("label");
    if (!byFor && !wrapped && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby")) {
      out.push(`control without label: <${el.tagName.toLowerCase()} name="${el.getAttribute("name")}">`);
    }
  }
  for (const b of document.querySelectorAll("button")) {
    if (visible(b) && !(b.textContent ?? "").trim() && !b.getAttribute("aria-label"))
      out.push(`button without text: ${b.outerHTML.slice(0, 80)}`);
  }
  const parse = (c) => {
    const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(c);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : null;
  };
  const lum = ([r, g, b]) => {
    const f = (v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0.5) return c;
    }
    return [255, 255, 255, 1];
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || seen.has(el) || !(n.textContent ?? "").trim() || !visible(el)) continue;
    if (el.closest("svg") || el.closest(".visually-hidden") || el.closest("option")) continue;
    seen.add(el);
    const cs = getComputedStyle(el);
    const fg = parse(cs.color);
    if (!fg) continue;
    const bg = background(el);
    const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(cs.fontSize);
    const bold = Number(cs.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    const need = large ? 3 : 4.5;
    const disabled = el.closest("button:disabled");
    if (ratio < need && !disabled)
      out.push(
        `contrast ${ratio.toFixed(2)} < ${need}: "${(n.textContent ?? "").trim().slice(0, 40)}" (${cs.color} on rgb(${bg.slice(0, 3).join(",")}))`,
      );
  }
  return out;
})();
