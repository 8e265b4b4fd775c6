import type { RequestHandler } from 'express';
import type { GatewayNode, Notification } from '../node/index.js';
import { ApiError } from '../http/errors.js';

/**
 * Server-sent events: replays from the durable log after Last-Event-ID, then streams live, without gaps. An id
 * beyond the log is refused (400 EVENT_ID_BEYOND_LOG): the client holds ids of another node, or of this node
 * before its store was replaced, and resuming silently would skip every event up to that id. `?since=now` (the
 * console) streams only what happens from now on.
 */
export function eventStream(node: GatewayNode): RequestHandler {
  return (req, res, next) => {
    const header = Number(req.headers['last-event-id'] ?? 0) || 0;
    const newest = node.notifications.lastSeq();
    if (header > newest) {
      next(
        new ApiError(
          400,
          'EVENT_ID_BEYOND_LOG',
          `event ${header} is beyond this node's log (newest ${newest})`,
          [
            {
              pointer: '/headers/last-event-id',
              code: 'EVENT_ID_BEYOND_LOG',
              message: `at most ${newest}; reconnect without Last-Event-ID to replay the whole log`,
            },
          ],
        ),
      );
      return;
    }
    const last = req.query.since === 'now' && !header ? newest : header;
    // Once the stream has started, a failure can only end it; the client reconnects with its Last-Event-ID.
    stream(node, last, req, res).catch((err: unknown) => (res.headersSent ? res.end() : next(err)));
  };
}

async function stream(
  node: GatewayNode,
  last: number,
  req: Parameters<RequestHandler>[0],
  res: Parameters<RequestHandler>[1],
): Promise<void> {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
  });
  res.write(': dmsnet notifications\n\n');
  let sent = last;
  const write = (n: Notification) => {
    if (n.seq <= sent) return;
    sent = n.seq;
    res.write(`id: ${n.seq}\nevent: ${n.kind}\ndata: ${JSON.stringify(n)}\n\n`);
  };
  // Subscribe first and buffer, so that nothing committed between the replay and going live is missed.
  const buffered: Notification[] = [];
  let live = false;
  const unsubscribe = node.notifications.subscribe((n) => (live ? write(n) : buffered.push(n)));
  const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
  // Nothing above awaits, so a client that already left is cleaned up at once rather than leaking its timer.
  const stop = () => {
    clearInterval(ping);
    unsubscribe();
  };
  res.on('close', stop);
  if (res.destroyed || req.socket.destroyed) {
    stop();
    return;
  }
  for (;;) {
    const page = await node.notifications.list(sent, 500);
    page.forEach(write);
    if (page.length < 500) break;
  }
  buffered.forEach(write);
  live = true;
}
