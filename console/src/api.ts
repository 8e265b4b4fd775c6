// The console's only way to the gateway: the documented REST API (same origin, session cookie, CSRF header on every
// state-changing call) and the SSE stream.

export interface FieldError {
  pointer: string;
  code: string;
  message: string;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
    /** Seconds the gateway asks to wait (Retry-After), when it says. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export interface Me {
  username: string;
  fullName: string;
  role: string;
  participantRole: string;
  participantId: string;
  participantName?: string;
  operations: string[];
  csrfToken: string;
}

let csrfToken = '';
let sessionUser = '';
/** The session this page acts in: its CSRF token, and whose it is. */
export const setSession = (me: Pick<Me, 'csrfToken' | 'username'>) => {
  csrfToken = me.csrfToken;
  sessionUser = me.username;
};

/** Called when the API says the session is over, so the console shows the login page again. */
let onLoggedOut: () => void = () => undefined;
export const whenLoggedOut = (fn: () => void) => {
  onLoggedOut = fn;
};

/**
 * A fresh Idempotency-Key: 128 random bits. getRandomValues, not randomUUID, which browsers offer only on https and
 * localhost, and a gateway may be reached by its host name over plain http inside a clinic's network.
 */
export function newIdempotencyKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Waits before the retries of one request: a lost connection or the gateway still finishing the first try. */
const RETRY_DELAYS_MS = [500, 1500];

/**
 * One call of the API. A state-changing call carries an Idempotency-Key made here, once per call, so each click's
 * request has its own; the call's own retries (the connection dropped, or 409 IDEMPOTENCY_IN_FLIGHT) send the same
 * key, and the gateway answers them with the first try's answer instead of acting twice.
 */
export async function api<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  options: CallOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  // Logging in and out take no key (the gateway has no principal to scope it by yet).
  const keyed = method !== 'GET' && path !== '/v1/session';
  if (keyed) headers['Idempotency-Key'] = newIdempotencyKey();
  let res = await send(method, path, headers, body, keyed);
  if (keyed && (await codeOf(res)) === 'CSRF_TOKEN_INVALID' && (await sameUserFreshToken())) {
    // The same person logged in again in another tab, which gave the session a new token: this tab takes it and
    // makes the same request once more. The refusal came before anything was done, so it is a new request with a
    // new Idempotency-Key. Another person's session is never acted in.
    headers['Idempotency-Key'] = newIdempotencyKey();
    res = await send(method, path, headers, body, keyed);
  }
  return answer<T>(res, path, options.onDownload);
}

export interface CallOptions {
  /** Bytes of the answer received so far, and of how many when the gateway says (a 20 MB act takes a while). */
  onDownload?: (received: number, total?: number) => void;
}

const codeOf = async (r: Response) =>
  r.status === 403 || r.status === 409
    ? (
        (await r
          .clone()
          .json()
          .catch(() => ({}))) as { code?: string }
      ).code
    : undefined;

/** Reads the session again; true when it is still this page's user, whose token this page now holds. */
async function sameUserFreshToken(): Promise<boolean> {
  const r = await fetch('/v1/session', {
    headers: { Accept: 'application/json' },
    credentials: 'same-origin',
  });
  if (!r.ok) return false;
  const me = (await r.json()) as Me;
  if (me.username !== sessionUser) return false;
  csrfToken = me.csrfToken;
  return true;
}

async function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: unknown,
  keyed: boolean,
): Promise<Response> {
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  const attempt = () =>
    fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const stillRunning = async (r: Response) => (await codeOf(r)) === 'IDEMPOTENCY_IN_FLIGHT';
  let res: Response | undefined;
  for (let i = 0; !res; i++) {
    const canRetry = keyed && i < RETRY_DELAYS_MS.length;
    try {
      const r = await attempt();
      if (!canRetry || !(await stillRunning(r))) res = r;
    } catch (err) {
      // The connection failed: the gateway may or may not have acted; only a keyed request is safe to repeat.
      if (!canRetry) throw err;
    }
    if (!res) await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[i]));
  }
  return res;
}

async function answer<T>(res: Response, path: string, onDownload?: CallOptions['onDownload']): Promise<T> {
  const text = onDownload && res.body ? await readCounting(res, onDownload) : await res.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const e = (parsed ?? {}) as { code?: string; message?: string; errors?: FieldError[] };
    if (res.status === 401 && path !== '/v1/session') onLoggedOut();
    throw new ApiFailure(
      res.status,
      e.code ?? 'HTTP_' + res.status,
      e.message ?? res.statusText,
      e.errors ?? [],
      Number(res.headers.get('Retry-After')) || undefined,
    );
  }
  return parsed as T;
}

/** The answer's text, read chunk by chunk so that its progress can be shown. */
async function readCounting(
  res: Response,
  onDownload: NonNullable<CallOptions['onDownload']>,
): Promise<string> {
  const total = Number(res.headers.get('Content-Length')) || undefined;
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let received = 0;
  let told = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    parts.push(decoder.decode(value, { stream: true }));
    // A few times a second is enough for a person; every chunk would only keep the page re-rendering.
    if (performance.now() - told > 100) {
      told = performance.now();
      onDownload(received, total);
    }
  }
  onDownload(received, total);
  parts.push(decoder.decode());
  return parts.join('');
}

export const queryString = (o: Record<string, string | number | undefined>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

export interface Notification {
  seq: number;
  kind: string;
  messageId: string;
  documentType: string;
  status: string;
}

/** Live notifications over SSE; EventSource reconnects by itself and resumes after the last event id. */
export function subscribe(onEvent: (n: Notification) => void, onState: (live: boolean) => void): () => void {
  const es = new EventSource('/v1/events?since=now');
  const handler = (e: MessageEvent<string>) => onEvent(JSON.parse(e.data) as Notification);
  for (const kind of ['document.received', 'document.rejected', 'status.changed', 'payment.changed']) {
    es.addEventListener(kind, handler as EventListener);
  }
  es.onopen = () => onState(true);
  es.onerror = () => onState(false);
  return () => es.close();
}

/**
 * A multipart upload (medical documentation's files): XMLHttpRequest, because fetch tells nothing of an upload's
 * progress. It carries the session's CSRF token and an Idempotency-Key like every state-changing call.
 */
export function upload<T>(
  path: string,
  form: FormData,
  onProgress: (sent: number, total?: number) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.setRequestHeader('Idempotency-Key', newIdempotencyKey());
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : undefined);
    xhr.onerror = () => reject(new TypeError('the gateway could not be reached'));
    xhr.onload = () => {
      const res = new Response(xhr.responseText || null, {
        status: xhr.status,
        statusText: xhr.statusText,
        headers: { 'Retry-After': xhr.getResponseHeader('Retry-After') ?? '' },
      });
      answer<T>(res, path).then(resolve, reject);
    };
    xhr.send(form);
  });
}

/** A file the gateway streams (an attachment), as a Blob; a refusal is the API's error like any call's. */
export async function download(path: string): Promise<Blob> {
  const res = await fetch(path, { credentials: 'same-origin' });
  if (!res.ok) return answer<never>(res, path);
  return res.blob();
}
