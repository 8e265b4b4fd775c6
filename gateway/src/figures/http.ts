import { Router } from 'express';
import { DmsnetError } from '@dmsnet/formats/errors';
import type { RouteValidator } from '../http/request-validation.js';
import { wrap } from '../http/wrap.js';
import { checkedQuery } from '../shapes/kit.js';
import type { GatewayNode } from '../node/index.js';
import type { Figures } from './figures.js';
import { FiguresQuery } from './shapes.js';
import { figureTableXlsx } from './xlsx.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The dashboard's figures and each chart's table as XLSX, mounted under /v1 behind the gateway's token. */
export function figuresRouter(figures: Figures, node: GatewayNode, validate: RouteValidator): Router {
  const r = Router();
  r.get(
    '/figures',
    validate('/v1/figures', 'get'),
    wrap(async (req, res) => {
      res.json(await figures.dashboard(checkedQuery(req, FiguresQuery)));
    }),
  );
  r.get(
    '/figures/:table/xlsx',
    validate('/v1/figures/{table}/xlsx', 'get'),
    wrap(async (req, res) => {
      const d = await figures.dashboard(checkedQuery(req, FiguresQuery));
      const t = d.tables.find((x) => x.id === req.params.table);
      if (!t)
        throw new DmsnetError('NOT_FOUND', `no table ${String(req.params.table)} on this node's dashboard`);
      const names = new Map<string, string>();
      if (t.columns[0]?.key === 'counterparty')
        for (const row of t.rows) {
          const id = String(row[0]);
          const p = await node.participant(id).catch(() => undefined);
          names.set(id, p?.name ?? id);
        }
      res
        .type(XLSX_TYPE)
        .attachment(`figures-${t.id}-${d.from}-${d.to}.xlsx`)
        .send(await figureTableXlsx(t, d, (id) => names.get(id) ?? id));
    }),
  );
  return r;
}
