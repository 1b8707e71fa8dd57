// Tiny DOM helpers: build elements without innerHTML (every text goes in as a text node).

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * h("button", { class: "primary", type: "button", onClick: fn, "aria-expanded": "false" }, "text", child)
 * Attributes whose value is null, undefined or false are left out; true gives an empty attribute.
 * @param {string} tag
 * @param {Record<string, any> | null} [props]
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  applyProps(el, props);
  append(el, children);
  return el;
}

/**
 * The same for SVG elements.
 * @param {string} tag
 * @param {Record<string, any> | null} [props]
 * @param {...any} children
 * @returns {SVGElement}
 */
export function s(tag, props, ...children) {
  const el = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, tag));
  applyProps(el, props);
  append(el, children);
  return el;
}

/** @param {any} el an HTML or SVG element @param {Record<string, any> | null | undefined} props */
function applyProps(el, props) {
  if (!props) return;
  for (const [k, v] of Object.entries(props)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") {
      el.addEventListener(k.slice(2).toLowerCase(), v);
    } else if (k === "text") {
      el.textContent = String(v);
    } else if (k === "value" && "value" in el) {
      el.value = String(v);
    } else if (k === "checked" && "checked" in el) {
      el.checked = Boolean(v);
    } else if (k === "selected" && "selected" in el) {
      el.selected = Boolean(v);
    } else {
      el.setAttribute(k, v === true ? "" : String(v));
    }
  }
}

/** @param {Node} el @param {any[]} children */
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replace an element's children. @param {Element} el @param {...any} children */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let uid = 0;
/** A page-unique id with a readable prefix. @param {string} prefix */
export function uniqueId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/**
 * An event listener from an async function. The browser does not wait for the promise; `void`
 * says so (a rejection still reaches the console as an unhandled one, as before).
 * @template {Event} E
 * @param {(e: E) => Promise<unknown>} fn
 * @returns {(e: E) => void}
 */
export function listener(fn) {
  return (e) => void fn(e);
}
