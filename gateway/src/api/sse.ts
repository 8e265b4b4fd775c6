import type { RequestHandler } from 'express';
import type { GatewayNode, Notification } from '../node/index.js';

/** Server-sent events: replays from the durable log after Last-Event-ID, then streams live, without gaps. */
export function eventStream(node: GatewayNode): RequestHandler {
  return async (req, res) => {
    // `?since=now` (the console): only what happens from now on; otherwise replay after Last-Event-ID.
    const header = Number(req.headers['last-event-id'] ?? 0) || 0;
    const last = req.query.since === 'now' && !header ? node.notifications.latestSeq() : header;
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
    // Nothing above awaits, so a client that already left still gets here and is cleaned up at once.
    const stop = () => {
      clearInterval(ping);
      unsubscribe();
    };
    res.on('close', stop);
    if (res.destroyed || req.socket.destroyed) stop();
    for (;;) {
      const page = await node.notifications.list(sent, 500);
      page.forEach(write);
      if (page.length < 500) break;
    }
    buffered.forEach(write);
    live = true;
  };
}
