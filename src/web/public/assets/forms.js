// A form for a case event, generated from the event's payload JSON Schema (from the machine
// definition): fen amounts typed in yuan, enums as selects, reasons as text areas, integers,
// booleans, plus an optional occurredOn date (a China date, not in the future).
import { h, listener } from "./dom.js";
import { t, label as pick } from "./i18n.js";
import { Fields } from "./ui.js";
import { parseYuan } from "./money.js";
import { chinaToday, isIsoDate } from "./dates.js";

/** A fen amount: an integer field whose name ends in "Fen". @param {string} name @param {any} schema */
export function isFenField(name, schema) {
  return schema?.type === "integer" && /Fen$/.test(name);
}

/** Field label in the current language (falls back to the field name). @param {string} name */
export function fieldLabel(name) {
  const key = `field.${name}`;
  const s = t(key);
  return s === key ? name : s;
}

/** Enum value label. @param {string} name @param {string} value */
export function enumLabel(name, value) {
  const key = `enum.${name}.${value}`;
  const s = t(key);
  return s === key ? value : s;
}

/**
 * The field of one payload property, by its schema: a fen amount typed in yuan, an integer, an
 * enum as a select, a boolean as a checkbox, or text (a reason or long text as a text area).
 * @param {Fields} fields @param {string} name @param {any} ps the property's schema @param {boolean} req
 */
function payloadField(fields, name, ps, req) {
  if (isFenField(name, ps)) {
    return fields.add({
      name,
      label: t("form.yuanLabel", { label: fieldLabel(name) }),
      hint: t("hint.yuan"),
      required: req,
      attrs: { inputmode: "decimal", autocomplete: "off" },
    });
  }
  if (ps.type === "integer") {
    const hint =
      typeof ps.maximum === "number" && ps.maximum < 1_000_000
        ? t("hint.integerRange", { min: ps.minimum ?? 0, max: ps.maximum })
        : t("hint.integer");
    return fields.add({
      name,
      label: fieldLabel(name),
      hint,
      required: req,
      attrs: { inputmode: "numeric", autocomplete: "off" },
    });
  }
  if (ps.type === "string" && Array.isArray(ps.enum)) {
    const options = [
      { value: "", label: t("form.choose") },
      ...ps.enum.map((/** @type {string} */ v) => ({ value: v, label: enumLabel(name, v) })),
    ];
    return fields.add({ name, label: fieldLabel(name), kind: "select", options, required: req });
  }
  if (ps.type === "boolean") return fields.add({ name, label: fieldLabel(name), kind: "checkbox" });
  const long = name === "reason" || (ps.maxLength ?? 0) > 100;
  return fields.add({
    name,
    label: fieldLabel(name),
    kind: long ? "textarea" : "text",
    hint: ps.maxLength ? t("hint.maxLength", { max: ps.maxLength }) : undefined,
    required: req,
    attrs: { maxlength: ps.maxLength ?? null },
  });
}

/** Every event's optional date (not in the future) and the reason for a backdated one. @param {Fields} fields */
function dateFields(fields) {
  const today = chinaToday();
  return [
    fields.add({
      name: "occurredOn",
      label: t("form.occurredOn"),
      kind: "date",
      hint: t("hint.occurredOn", { today }),
      attrs: { max: today },
    }),
    fields.add({
      name: "backdateReason",
      label: t("form.backdateReason"),
      kind: "text",
      hint: t("hint.backdateReason"),
      attrs: { maxlength: 500 },
    }),
  ];
}

/**
 * @param {any} def machine definition
 * @param {string} eventType
 * @param {{ onSubmit: (body: Record<string, unknown>, fields: Fields) => Promise<void> | void, onCancel: () => void }} handlers
 */
export function eventForm(def, eventType, handlers) {
  const spec = def.events[eventType];
  const schema = spec.payload ?? { properties: {} };
  const required = new Set(schema.required ?? []);
  const fields = new Fields(`ev-${eventType}`);
  /** @type {[string, any][]} */
  const props = Object.entries(schema.properties ?? {});
  const controls = [
    ...props.map(([name, ps]) => payloadField(fields, name, ps, required.has(name))),
    ...dateFields(fields),
  ];

  const submit = /** @type {HTMLButtonElement} */ (
    h("button", { type: "submit", class: "primary" }, t("form.recordEvent", { event: pick(spec.label) }))
  );
  const cancel = h("button", { type: "button", class: "secondary", onClick: handlers.onCancel }, t("common.cancel"));
  const messages = h("div", { class: "form-messages", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "event-form", novalidate: true, "data-event": eventType },
    h(
      "fieldset",
      null,
      h("legend", null, pick(spec.label)),
      props.length === 0 ? h("p", { class: "hint" }, t("form.noPayload")) : null,
      controls,
    ),
    messages,
    h("p", { class: "form-actions" }, submit, " ", cancel),
  );

  form.addEventListener(
    "submit",
    listener(async (e) => {
      e.preventDefault();
      fields.clearErrors();
      const body = collect(props, required, fields);
      if (!body) {
        fields.focusFirstError();
        return;
      }
      submit.disabled = true;
      submit.setAttribute("aria-busy", "true");
      try {
        await handlers.onSubmit({ type: eventType, ...body }, fields);
      } finally {
        submit.disabled = false;
        submit.removeAttribute("aria-busy");
      }
    }),
  );
  return { form, fields, messages };
}

/**
 * Reads and checks the fields; null when any is invalid (errors shown next to the fields).
 * @param {[string, any][]} props @param {Set<string>} required @param {Fields} fields
 * @returns {Record<string, unknown> | null}
 */
function collect(props, required, fields) {
  /** @type {Record<string, unknown>} */
  const out = {};
  let ok = true;
  const fail = (/** @type {string} */ name, /** @type {string} */ msg) => {
    fields.setError(name, msg);
    ok = false;
  };
  for (const [name, ps] of props) {
    const raw = fields.value(name);
    if (ps.type === "boolean") {
      out[name] = Boolean(raw);
      continue;
    }
    const text = String(raw ?? "").trim();
    if (text === "") {
      if (required.has(name)) fail(name, t("val.required"));
      continue;
    }
    if (isFenField(name, ps)) {
      const r = parseYuan(text);
      if (!r.ok) fail(name, t(r.reason === "tooLarge" ? "val.tooLarge" : "val.yuan"));
      else out[name] = r.fen;
    } else if (ps.type === "integer") {
      if (!/^\d{1,15}$/.test(text)) {
        fail(name, t("val.integer"));
        continue;
      }
      const n = Number(text);
      if ((ps.minimum !== undefined && n < ps.minimum) || (ps.maximum !== undefined && n > ps.maximum)) {
        fail(name, t("val.range", { min: ps.minimum ?? 0, max: ps.maximum ?? "∞" }));
      } else out[name] = n;
    } else if (Array.isArray(ps.enum)) {
      if (!ps.enum.includes(text)) fail(name, t("val.choose"));
      else out[name] = text;
    } else {
      if (ps.maxLength && text.length > ps.maxLength) fail(name, t("val.maxLength", { max: ps.maxLength }));
      else if (ps.minLength && text.length < ps.minLength) fail(name, t("val.required"));
      else out[name] = text;
    }
  }
  const occurredOn = String(fields.value("occurredOn") ?? "").trim();
  if (occurredOn) {
    if (!isIsoDate(occurredOn)) fail("occurredOn", t("val.date"));
    else if (occurredOn > chinaToday()) fail("occurredOn", t("val.dateFuture", { today: chinaToday() }));
    else out.occurredOn = occurredOn;
  }
  const backdateReason = String(fields.value("backdateReason") ?? "").trim();
  if (backdateReason) out.backdateReason = backdateReason;
  return ok ? out : null;
}
