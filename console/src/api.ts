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
export const setCsrf = (t: string) => {
  csrfToken = t;
};

/** Called when the API says the session is over, so the console shows the login page again. */
let onLoggedOut: () => void = () => undefined;
export const whenLoggedOut = (fn: () => void) => {
  onLoggedOut = fn;
};

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const e = (parsed ?? {}) as { code?: string; message?: string; errors?: FieldError[] };
    if (res.status === 401 && path !== '/v1/session') onLoggedOut();
    throw new ApiFailure(
      res.status,
      e.code ?? 'HTTP_' + res.status,
      e.message ?? res.statusText,
      e.errors ?? [],
    );
  }
  return parsed as T;
}

export const qs = (o: Record<string, string | number | undefined>) => {
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
  for (const kind of ['document.received', 'document.rejected', 'status.changed']) {
    es.addEventListener(kind, handler as EventListener);
  }
  es.onopen = () => onState(true);
  es.onerror = () => onState(false);
  return () => es.close();
}
