// The one place that decides which routers a node's API mounts. The demo (`npm start`), `dmsnet-node start` and the
// console's end-to-end network each assembled it by hand and drifted apart (the demo's association answered
// "no route" on the format registry its console screen needs); they all start a node's API here now.
import type { Router } from 'express';
import type { GatewayNode } from '../node/index.js';
import type { LedgerClient } from '../ledger/types.js';
import { governanceRouter } from '../governance/http.js';
import { directoryRouter } from '../governance/directory-http.js';
import { delegationRouter } from '../governance/delegation-http.js';
import { paymentRouter, workflowRouter, type Workflows } from '../workflows/index.js';
import { figuresRouter } from '../figures/http.js';
import type { ImportCompletion } from '../adapters/conversion.js';
import { startGatewayServer, type RunningServer } from './server.js';
import { validateRequest } from './validate.js';
import type { MailBridge } from '../mail/bridge.js';
import { mailRouter, mailUnconfiguredRouter } from '../mail/http.js';
import { mailLetterRouter } from '../mail/letter-http.js';

/** What a running node is made of, as far as its API is concerned. */
export interface NodeApiParts {
  node: GatewayNode;
  /** The node's own ledger identity: the format registry's endpoints submit proposals and votes with it. */
  ledger: LedgerClient;
  /** The edge workflows, when the node runs them (a network started without them has only the core API). */
  workflows?: Workflows;
  /** The mail bridge, when the node's configuration has one. */
  mail?: MailBridge;
}

/**
 * The routers beside the core API. Every role mounts the format registry: any participant reads the proposals and
 * the chaincode decides who may propose or vote, so the gateway does not second-guess roles here. The edge workflows
 * hold their own role checks (a clinic's roster, an insurer's letters).
 */
export function nodeApiRouters(parts: NodeApiParts): {
  routers: Router[];
  publicRouters: Router[];
  importCompletion?: ImportCompletion;
} {
  return {
    routers: [
      ...(parts.workflows
        ? [
            workflowRouter(parts.workflows, validateRequest),
            paymentRouter(parts.workflows, validateRequest),
            figuresRouter(parts.workflows.figures, parts.node, validateRequest),
          ]
        : []),
      governanceRouter(parts.ledger, validateRequest),
      directoryRouter(parts.ledger, parts.node, validateRequest),
      delegationRouter(parts.ledger, parts.node.participantId, validateRequest),
      parts.mail ? mailRouter(parts.mail) : mailUnconfiguredRouter(),
    ],
    publicRouters: parts.mail ? [mailLetterRouter(parts.mail.outbound)] : [],
    ...(parts.workflows ? { importCompletion: parts.workflows.importCompletion() } : {}),
  };
}

export type NodeServerOptions = Omit<
  Parameters<typeof startGatewayServer>[1],
  'routers' | 'publicRouters' | 'importCompletion'
>;

/** Serves a node's whole API (core, edge workflows, format registry) and, when given, its web console. */
export function startNodeApi(parts: NodeApiParts, options: NodeServerOptions): Promise<RunningServer> {
  return startGatewayServer(parts.node, { ...options, ...nodeApiRouters(parts) });
}
