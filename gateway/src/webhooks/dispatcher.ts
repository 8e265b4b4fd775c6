import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DmsnetError } from '@dmsnet/formats/errors';
import { NotificationKind, type GatewayNode, type Notification } from '../node/index.js';
import { component, DateTime, Type, type Static } from '../shapes/kit.js';
import { postChecked, TargetPolicy } from './targets.js';

const WEBHOOK_FIELDS = {
  id: Type.String(),
  url: Type.String({ format: 'uri' }),
  events: Type.Array(NotificationKind),
  /** The last notification seq delivered (2xx) or skipped by the event filter. */
  cursor: Type.Integer({ minimum: 0, description: 'the last notification delivered or skipped' }),
  createdAt: DateTime(),
};

/** A webhook as listed: never with its secret. */
export const ListedWebhook = component(
  'Webhook',
  Type.Object(WEBHOOK_FIELDS, {
    description: 'A registered webhook. Its secret is shown once, at registration, and never listed.',
    additionalProperties: false,
  }),
);

/** A webhook as the node keeps it, and as its registration answers it, once. */
export const Webhook = component(
  'WebhookCreated',
  Type.Object(
    { ...WEBHOOK_FIELDS, secret: Type.String({ minLength: 16 }) },
    {
      description: 'The registered webhook with its signing secret (HMAC-SHA256 in X-Dmsnet-Signature).',
      additionalProperties: false,
    },
  ),
);
export type Webhook = Static<typeof Webhook>;

export const WebhookRegistration = component(
  'WebhookRegistration',
  Type.Object(
    {
      url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 }),
      secret: Type.Optional(Type.String({ minLength: 16, maxLength: 256 })),
      events: Type.Optional(Type.Array(NotificationKind, { uniqueItems: true })),
    },
    { additionalProperties: false },
  ),
);

export const Delivery = component(
  'Delivery',
  Type.Object(
    {
      webhookId: Type.String(),
      deliveryId: Type.String(),
      seq: Type.Integer({ minimum: 1 }),
      event: NotificationKind,
      attempt: Type.Integer({ minimum: 1 }),
      at: DateTime(),
      durationMs: Type.Number({ minimum: 0 }),
      statusCode: Type.Optional(Type.Integer()),
      error: Type.Optional(Type.String()),
    },
    { description: 'One delivery attempt of a notification to a webhook.', additionalProperties: false },
  ),
);
export type Delivery = Static<typeof Delivery>;

export interface DispatcherOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  timeoutMs?: number;
  logger?: Pick<Logger, 'warn'>;
  /** Where webhooks may post besides loopback (the node's configuration), and how names resolve. */
  targets?: TargetPolicy;
}

const ALL: NotificationKind[] = [
  'document.received',
  'document.rejected',
  'status.changed',
  'payment.changed',
  'prior-auth.changed',
];

export function signature(secret: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * At-least-once delivery of the node's durable notification log to each registered URL, in order per webhook.
 * A webhook's cursor moves only after a 2xx, so a restart resends what was not acknowledged.
 */
export class WebhookDispatcher {
  private readonly hooks;
  private readonly log;
  private stopped = false;
  private readonly loops = new Map<string, Promise<void>>();
  private readonly wakers = new Map<string, () => void>();
  private unsubscribe?: () => void;
  private deliverySeq = 0;

  private readonly targets: TargetPolicy;

  constructor(
    private readonly node: GatewayNode,
    private readonly options: DispatcherOptions = {},
  ) {
    this.targets = options.targets ?? new TargetPolicy();
    this.hooks = node.store.sublevel<Webhook>('webhooks');
    this.log = node.store.sublevel<Delivery>('webhook-deliveries');
  }

  async start(): Promise<void> {
    this.unsubscribe = this.node.notifications.subscribe(() => this.wakeAll());
    for await (const hook of this.hooks.values()) this.spawn(hook.id);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.wakeAll();
    await Promise.allSettled([...this.loops.values()]);
  }

  async register(input: Static<typeof WebhookRegistration>): Promise<Webhook> {
    let url: URL;
    try {
      url = await this.targets.check(input.url);
    } catch (err) {
      if (!(err instanceof DmsnetError)) throw err;
      throw new DmsnetError('WEBHOOK_URL_REFUSED', `webhook URL refused: ${err.message}`, err.errors);
    }
    const hook: Webhook = {
      id: 'wh-' + randomUUID(),
      url: url.toString(),
      secret: input.secret ?? randomBytes(32).toString('base64url'),
      events: input.events?.length ? input.events : ALL,
      // Starts at the present: a new subscriber is not flooded with history (SSE's Last-Event-ID serves that).
      cursor: await this.latestSeq(),
      createdAt: new Date().toISOString(),
    };
    await this.node.store.batch([{ type: 'put', sublevel: 'webhooks', key: hook.id, value: hook }]);
    this.spawn(hook.id);
    return hook;
  }

  async list(): Promise<Webhook[]> {
    const out: Webhook[] = [];
    for await (const h of this.hooks.values()) out.push(h);
    return out;
  }

  async remove(id: string): Promise<void> {
    if (!(await this.hooks.get(id))) throw new DmsnetError('NOT_FOUND', `no webhook ${id}`);
    await this.node.store.batch([{ type: 'del', sublevel: 'webhooks', key: id }]);
    this.wakers.get(id)?.();
  }

  async deliveries(id: string, limit = 200): Promise<Delivery[]> {
    if (!(await this.hooks.get(id))) throw new DmsnetError('NOT_FOUND', `no webhook ${id}`);
    const out: Delivery[] = [];
    for await (const d of this.log.values({ gt: id + '\u0000', lt: id + '\u0001', reverse: true, limit }))
      out.push(d);
    return out.reverse();
  }

  private async latestSeq(): Promise<number> {
    let seq = 0;
    for (let page = await this.node.notifications.list(0, 1000); page.length;) {
      seq = page[page.length - 1].seq;
      page = await this.node.notifications.list(seq, 1000);
    }
    return seq;
  }

  private wakeAll(): void {
    for (const w of this.wakers.values()) w();
  }

  private spawn(id: string): void {
    if (this.loops.has(id) || this.stopped) return;
    const loop = this.run(id).finally(() => this.loops.delete(id));
    this.loops.set(id, loop);
  }

  private sleep(id: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wakers.set(id, done);
    });
  }

  private async run(id: string): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      const hook = await this.hooks.get(id);
      if (!hook) return;
      const [next] = await this.node.notifications.list(hook.cursor, 1);
      if (!next) {
        await this.sleep(id, 5_000);
        continue;
      }
      if (!hook.events.includes(next.kind)) {
        await this.advance(hook, next.seq);
        continue;
      }
      attempt++;
      const ok = await this.deliver(hook, next, attempt);
      if (ok) {
        attempt = 0;
        await this.advance(hook, next.seq);
      } else {
        const initial = this.options.initialBackoffMs ?? 1000;
        const cap = this.options.maxBackoffMs ?? 300_000;
        const base = Math.min(cap, initial * 2 ** Math.min(attempt - 1, 20));
        await this.sleep(id, base / 2 + Math.random() * (base / 2));
      }
    }
  }

  private async advance(hook: Webhook, seq: number): Promise<void> {
    const current = await this.hooks.get(hook.id);
    if (!current) return;
    await this.node.store.batch([
      { type: 'put', sublevel: 'webhooks', key: hook.id, value: { ...current, cursor: seq } },
    ]);
  }

  private async deliver(hook: Webhook, n: Notification, attempt: number): Promise<boolean> {
    const body = JSON.stringify(n);
    const deliveryId = `${hook.id}:${n.seq}`;
    const started = Date.now();
    const record: Delivery = {
      webhookId: hook.id,
      deliveryId,
      seq: n.seq,
      event: n.kind,
      attempt,
      at: new Date(started).toISOString(),
      durationMs: 0,
    };
    try {
      // Checked again on every connection: the name may resolve elsewhere now; redirects are not followed.
      record.statusCode = await postChecked(
        new URL(hook.url),
        body,
        {
          'Content-Type': 'application/json',
          'X-Dmsnet-Signature': signature(hook.secret, body),
          'X-Dmsnet-Delivery': deliveryId,
          'X-Dmsnet-Event': n.kind,
        },
        this.targets,
        this.options.timeoutMs ?? 10_000,
      );
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
    }
    record.durationMs = Date.now() - started;
    const key = `${hook.id}\u0000${String(Date.now()).padStart(15, '0')}-${String(this.deliverySeq++).padStart(9, '0')}`;
    await this.node.store.batch([{ type: 'put', sublevel: 'webhook-deliveries', key, value: record }]);
    const ok = record.statusCode !== undefined && record.statusCode >= 200 && record.statusCode < 300;
    if (!ok)
      this.options.logger?.warn(
        { webhook: hook.id, seq: n.seq, status: record.statusCode },
        'webhook delivery failed',
      );
    return ok;
  }
}
