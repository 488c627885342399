// Form fields that show their error next to them, in Japanese, and keep what was typed.
import { type Html, html } from './html.js';

export type FieldErrors = Partial<Record<string, string>>;
export type FormValues = Partial<Record<string, string>>;

interface FieldOptions {
  type?: 'text' | 'email' | 'password' | 'number';
  hint?: string;
  required?: boolean;
  autocomplete?: string;
}

export function inputField(
  name: string,
  label: string,
  values: FormValues,
  errors: FieldErrors,
  options: FieldOptions = {},
): Html {
  const error = errors[name];
  const type = options.type ?? 'text';
  // Passwords are never echoed back into the page.
  const value = type === 'password' ? '' : (values[name] ?? '');
  return html`<div class="${error ? 'field-error' : ''}">
    <label for="${name}">${label}${options.required ? requiredMark : ''}</label>
    ${options.hint ? html`<div class="hint">${options.hint}</div>` : ''}
    <input
      id="${name}"
      name="${name}"
      type="${type}"
      value="${value}"
      ${options.required ? html` required` : ''}${
        options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ''
      }${error ? html` aria-invalid="true" aria-describedby="${name}-error"` : ''}
    />
    ${error ? html`<p class="error" id="${name}-error">${error}</p>` : ''}
  </div>`;
}

/** The 必須 mark Japanese forms put after a required field's label. */
export const requiredMark = html`<span class="required">必須</span>`;

export function textareaField(
  name: string,
  label: string,
  values: FormValues,
  errors: FieldErrors,
  options: { hint?: string; required?: boolean; maxLength?: number } = {},
): Html {
  const error = errors[name];
  return html`<div class="${error ? 'field-error' : ''}">
    <label for="${name}">${label}${options.required ? requiredMark : ''}</label>
    ${options.hint ? html`<div class="hint">${options.hint}</div>` : ''}
    <textarea
      id="${name}"
      name="${name}"
      rows="4"
      ${options.maxLength ? html` maxlength="${options.maxLength}"` : ''}${
        options.required ? html` required` : ''
      }${error ? html` aria-invalid="true" aria-describedby="${name}-error"` : ''}
    >
${values[name] ?? ''}</textarea>
    ${error ? html`<p class="error" id="${name}-error">${error}</p>` : ''}
  </div>`;
}

/**
 * The list of a form's errors above it, each linking to its field. It takes focus when the page
 * loads (autofocus on a focusable element; the pages run no script), so a screen reader reads it
 * and the keyboard starts there.
 */
export function errorSummary(errors: FieldErrors): Html | '' {
  const entries = Object.entries(errors).filter((e): e is [string, string] => Boolean(e[1]));
  if (entries.length === 0) return '';
  return html`<div class="error-summary" id="error-summary" role="alert" tabindex="-1" autofocus>
    <h2>入力内容に誤りがあります（${entries.length}件）</h2>
    <ul>
      ${entries.map(([field, text]) => html`<li><a href="#${field}">${text}</a></li>`)}
    </ul>
  </div>`;
}

export function selectField(
  name: string,
  label: string,
  choices: ReadonlyArray<readonly [value: string, text: string]>,
  values: FormValues,
  errors: FieldErrors,
  hint?: string,
  required = false,
): Html {
  const error = errors[name];
  return html`<div class="${error ? 'field-error' : ''}">
    <label for="${name}">${label}${required ? requiredMark : ''}</label>
    ${hint ? html`<div class="hint">${hint}</div>` : ''}
    <select id="${name}" name="${name}" ${error ? html` aria-invalid="true"` : ''}>
      ${choices.map(
        ([value, text]) =>
          html`<option value="${value}" ${values[name] === value ? html` selected` : ''}>
            ${text}
          </option>`,
      )}
    </select>
    ${error ? html`<p class="error" id="${name}-error">${error}</p>` : ''}
  </div>`;
}

export function checkboxField(name: string, label: string, values: FormValues): Html {
  return html`<label
    ><input type="checkbox" name="${name}" value="1" ${values[name] ? html` checked` : ''} />
    ${label}</label
  >`;
}

/** Form bodies as flat string records (urlencoded forms give strings or string arrays). */
export function formValues(body: unknown): FormValues {
  const out: FormValues = {};
  if (!body || typeof body !== 'object') return out;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === '_csrf') continue;
    if (typeof value === 'string') out[key] = key.includes('password') ? value : value.trim();
    else if (Array.isArray(value) && typeof value[0] === 'string') out[key] = value[0].trim();
  }
  return out;
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.values(errors).some(Boolean);
}
