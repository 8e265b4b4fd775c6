export interface ObservedResponse {
  method: string;
  path: string;
  status: number;
  contentType: string;
  body: unknown;
}

/** A small HTTP client for one gateway: what a back office or clinic MIS would call. */
export class GatewayClient {
  constructor(
    readonly url: string,
    readonly token: string,
    /** Sees every request and response body (the privacy scan collects the personal data the story used). */
    private readonly observe?: (body: unknown) => void,
    /** Sees every exchange whole (the HTTP tests check each response against the API contract). */
    private readonly onResponse?: (r: ObservedResponse) => void,
  ) {}

  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const res = await fetch(this.url + path, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    const parsed = (text && contentType.includes('json') ? JSON.parse(text) : text || undefined) as T;
    this.onResponse?.({ method, path, status: res.status, contentType, body: parsed });
    if (this.observe) {
      if (body !== undefined) this.observe(body);
      if (parsed !== undefined) this.observe(parsed);
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** Polls until `check` is satisfied; long steps must not hang silently. */
  async waitFor<T>(
    path: string,
    check: (status: number, body: T) => boolean,
    timeoutMs = 30_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.call<T>('GET', path);
      if (check(r.status, r.body)) return r.body;
      if (Date.now() > deadline) throw new Error(`timed out waiting on ${path} (last status ${r.status})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
