// Shared page parts: language switch, messages (aria-live), problem details → readable text,
// labelled form fields with error slots, small formatters.
import { h, replace, uniqueId } from "./dom.js";
import { t, lang, setLang, onLangChange, applyI18n, label as pick } from "./i18n.js";
import { weekday } from "./dates.js";
import { caseTypeInfo } from "./case-types.js";

/**
 * Translate the static page, wire the language switch, re-render dynamic parts on change.
 * @param {() => void} render
 */
export function initPage(render) {
  applyI18n(document);
  const btn = document.getElementById("lang-switch");
  if (btn) {
    const sync = () => {
      const other = lang() === "zh-CN" ? "en" : "zh-CN";
      btn.textContent = other === "en" ? "English" : "中文";
      btn.setAttribute("lang", other);
    };
    sync();
    btn.addEventListener("click", () => setLang(lang() === "zh-CN" ? "en" : "zh-CN"));
    onLangChange(sync);
  }
  onLangChange(render);
}

// ------------------------------------------------------------------ messages

/**
 * Show one message in a live region (replacing what was there).
 * @param {Element} region
 * @param {{ kind: "error" | "success" | "info" | "warning", title?: string, text?: string,
 *           details?: string[], actions?: { label: string, onClick: () => void, primary?: boolean }[], focus?: boolean }} msg
 */
export function showMessage(region, msg) {
  const box = h(
    "div",
    {
      class: `msg msg-${msg.kind}`,
      role: msg.kind === "error" || msg.kind === "warning" ? "alert" : "status",
      tabindex: "-1",
    },
    msg.title ? h("p", { class: "msg-title" }, msg.title) : null,
    msg.text ? h("p", null, msg.text) : null,
    msg.details?.length
      ? h(
          "ul",
          { class: "msg-details" },
          msg.details.map((d) => h("li", null, d)),
        )
      : null,
    msg.actions?.length
      ? h(
          "p",
          { class: "msg-actions" },
          msg.actions.map((a) =>
            h("button", { type: "button", class: a.primary ? "primary" : "secondary", onClick: a.onClick }, a.label),
          ),
        )
      : null,
  );
  replace(region, box);
  if (msg.focus) {
    box.focus();
    box.scrollIntoView({ block: "nearest" });
  }
  return box;
}

/** @param {Element} region */
export function clearMessage(region) {
  replace(region);
}

/**
 * A readable message for a failed API reply (problem details).
 * @param {{ status: number, body: any, headers: Headers | null }} r
 */
export function problemMessage(r) {
  const p = r.body && typeof r.body === "object" ? r.body : {};
  const details = [];
  if (p.detail) details.push(t("msg.serverSaid", { detail: p.detail }));
  const ref = r.headers?.get("x-request-id");
  let title;
  switch (r.status) {
    case 0:
      title = t("err.network");
      break;
    case 400:
      title = t("err.badRequest");
      break;
    case 401:
      title = t("err.unauthorized");
      break;
    case 403:
      title = t("err.forbidden");
      break;
    case 404:
      title = t("err.notFound");
      break;
    case 409:
      title = t("err.conflict");
      break;
    case 412:
      title = t("err.stale", { version: p.currentVersion ?? "?" });
      break;
    case 413:
      title = t("err.tooLarge");
      break;
    case 422:
      title = t("err.invalid");
      for (const e of p.errors ?? []) details.push(`${e.path}: ${e.message}`);
      break;
    case 429:
      title = t("err.tooMany");
      break;
    default:
      title = r.status >= 500 ? t("err.server") : t("err.unexpected", { status: r.status });
      if (r.status >= 500 && ref) details.push(t("msg.reference", { id: ref }));
  }
  return { kind: /** @type {const} */ ("error"), title, details };
}

// ------------------------------------------------------------------ fields

/**
 * Labelled form fields with hint and error slots; maps server field errors (by path) to them.
 */
export class Fields {
  /** @param {string} prefix id prefix, unique per form */
  constructor(prefix) {
    this.prefix = uniqueId(prefix);
    /** @type {Map<string, { control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, error: HTMLElement, wrap: HTMLElement, hintId: string | null }>} */
    this.map = new Map();
  }

  /**
   * @param {{ name: string, label: string, kind?: "text" | "textarea" | "select" | "checkbox" | "date" | "password" | "number",
   *           hint?: string, required?: boolean, value?: any, options?: { value: string, label: string }[],
   *           attrs?: Record<string, any> }} spec
   */
  add(spec) {
    const id = `${this.prefix}-${spec.name.replace(/[^A-Za-z0-9_-]/g, "_")}`;
    const hintId = spec.hint ? `${id}-hint` : null;
    const errId = `${id}-err`;
    const kind = spec.kind ?? "text";
    const common = {
      id,
      name: spec.name,
      "aria-describedby": [hintId, errId].filter(Boolean).join(" "),
      required: spec.required ? true : null,
      "aria-required": spec.required ? "true" : null,
      ...spec.attrs,
    };
    let control;
    if (kind === "textarea") control = h("textarea", { ...common, rows: 3 });
    else if (kind === "select")
      control = h(
        "select",
        common,
        (spec.options ?? []).map((o) =>
          h("option", { value: o.value, selected: String(spec.value ?? "") === o.value }, o.label),
        ),
      );
    else
      control = h("input", {
        ...common,
        type: kind === "checkbox" ? "checkbox" : kind === "date" ? "date" : kind === "password" ? "password" : "text",
      });
    if (kind === "checkbox") /** @type {HTMLInputElement} */ (control).checked = Boolean(spec.value);
    else if (kind !== "select" && spec.value !== undefined && spec.value !== null)
      /** @type {any} */ (control).value = String(spec.value);
    const labelEl = h(
      "label",
      { for: id },
      spec.label,
      spec.required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null,
    );
    const hint = spec.hint ? h("p", { class: "hint", id: hintId }, spec.hint) : null;
    const error = h("p", { class: "field-error", id: errId, hidden: true });
    const wrap =
      kind === "checkbox"
        ? h("div", { class: "field field-check" }, control, labelEl, hint, error)
        : h("div", { class: "field" }, labelEl, hint, control, error);
    this.map.set(spec.name, { control: /** @type {any} */ (control), error, wrap, hintId });
    return wrap;
  }

  /** @param {string} name */
  control(name) {
    return this.map.get(name)?.control;
  }

  /** @param {string} name */
  value(name) {
    const c = this.control(name);
    if (!c) return undefined;
    return c instanceof HTMLInputElement && c.type === "checkbox" ? c.checked : c.value;
  }

  /** @param {string} name @param {string} message */
  setError(name, message) {
    const f = this.map.get(name);
    if (!f) return false;
    f.error.textContent = message;
    f.error.hidden = false;
    f.control.setAttribute("aria-invalid", "true");
    f.wrap.classList.add("has-error");
    return true;
  }

  clearErrors() {
    for (const f of this.map.values()) {
      f.error.textContent = "";
      f.error.hidden = true;
      f.control.removeAttribute("aria-invalid");
      f.wrap.classList.remove("has-error");
    }
  }

  focusFirstError() {
    for (const f of this.map.values()) {
      if (f.control.getAttribute("aria-invalid") === "true") {
        f.control.focus();
        return true;
      }
    }
    return false;
  }

  /**
   * Put server field errors (422 `errors: [{ path, message }]`) next to their fields.
   * @param {{ path: string, message: string }[]} errors
   * @returns {{ path: string, message: string }[]} the errors that match no field
   */
  applyServerErrors(errors) {
    const unmatched = [];
    for (const e of errors ?? []) {
      const path = String(e.path ?? "");
      const candidates = [path, path.replace(/^(body|query)\./, ""), path.split(".")[0]];
      const hit = candidates.find((c) => this.map.has(c));
      if (hit) this.setError(hit, serverFieldMessage(String(e.message ?? "")));
      else unmatched.push(e);
    }
    return unmatched;
  }
}

/**
 * The server's field messages are in English; the ones a person meets in normal use are
 * translated, anything else is shown as the server wrote it.
 * @param {string} message
 */
export function serverFieldMessage(message) {
  let m = /must not be before the case's previous event \((\d{4}-\d{2}-\d{2})\)/.exec(message);
  if (m) return t("val.dateBeforePrevious", { date: m[1] });
  m = /must not be in the future \(today is (\d{4}-\d{2}-\d{2})/.exec(message);
  if (m) return t("val.dateFuture", { today: m[1] });
  if (/must be a date as YYYY-MM-DD/.test(message)) return t("val.date");
  return t("msg.serverField", { message });
}

// ------------------------------------------------------------------ formatting

/** "2026-11-23（周一）" / "2026-11-23 (Mon)"; "—" for null. @param {string | null | undefined} iso */
export function formatDate(iso) {
  if (!iso) return t("common.none");
  return t("common.dateWithWeekday", { date: iso, weekday: t(`weekday.${weekday(iso)}`) });
}

/** A zh/en label object in the current language. @param {{ zh: string, en: string } | null | undefined} l */
export function L(l) {
  return pick(l);
}

/** Type label. @param {string} type */
export function typeLabel(type) {
  const fromServer = caseTypeInfo.get(type)?.label;
  return fromServer ? pick(fromServer) : t(`type.${type}`);
}

/** Who acts next. @param {string} side */
export function sideLabel(side) {
  return t(`side.${side}`);
}

/** A timestamp (ISO instant) shown in China time. @param {string} iso */
export function formatInstant(iso) {
  try {
    return new Intl.DateTimeFormat(lang() === "zh-CN" ? "zh-CN" : "en-GB", {
      timeZone: "Asia/Shanghai",
      dateStyle: "medium",
      timeStyle: "short",
    }).format(new Date(iso));
  } catch {
    return iso;
  }
}

export { h, replace, t, lang };
