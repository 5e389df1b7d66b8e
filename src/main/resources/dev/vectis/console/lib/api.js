// The documented HTTP API, with the signed-in token in the Authorization header. The token lives
// in sessionStorage: it goes when the tab closes, and never appears in a URL.

const KEY = 'vectis.token';
let onSignedOut = () => {};

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (t) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

export function whenSignedOut(fn) {
  onSignedOut = fn;
}

export class ApiError extends Error {
  constructor(status, body, text) {
    super(messageOf(body, text, status));
    this.status = status;
    this.body = body;
  }
}

function messageOf(body, text, status) {
  if (body && typeof body === 'object') {
    const m = body.message || (typeof body.error === 'string' && body.error) || body.detail
      || (body.error && body.error.message);
    if (m) return String(m);
  }
  return text ? text.slice(0, 300) : `HTTP ${status}`;
}

/** Calls the API; answers the parsed body (or text); throws ApiError for any non-2xx. */
export async function api(path, {method = 'GET', body, headers = {}, raw = false} = {}) {
  const h = {Accept: 'application/json', ...headers};
  const t = token.get();
  if (t) h.Authorization = 'Bearer ' + t;
  let payload = body;
  if (body !== undefined && !(body instanceof FormData) && typeof body !== 'string') {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(path, {method, headers: h, body: payload, credentials: 'omit', cache: 'no-store'});
  const text = await res.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch (e) {
    parsed = null;
  }
  if (!res.ok) {
    if (res.status === 401 && t) {
      token.clear();
      onSignedOut('Your token was refused (401): sign in again.');
    }
    throw new ApiError(res.status, parsed, text);
  }
  if (raw) return text;
  return parsed;
}

/** The `data` of the /api/v1 envelope. */
export async function data(path, options) {
  const body = await api(path, options);
  return body && Object.prototype.hasOwnProperty.call(body, 'data') ? body.data : body;
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
    else q.append(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

/** An Idempotency-Key made by the page, so a retried adjustment is applied once. */
export function idempotencyKey() {
  // getRandomValues works on plain http too, where randomUUID does not exist.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'console-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
