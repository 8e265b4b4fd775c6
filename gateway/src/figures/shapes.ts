// The shapes of the figures endpoints (http.ts), declared once for the route validator, the OpenAPI document and
// the handlers' types (decision record 0038).
import { component, ref, Type, type Static } from '../shapes/kit.js';

const Month = (description: string) =>
  Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', maxLength: 7, description });

export const FiguresQuery = Type.Object({
  from: Type.Optional(Month('the first month (YYYY-MM); default eleven months before `to`')),
  to: Type.Optional(Month('the last month (YYYY-MM); default this month')),
});
export type FiguresQuery = Static<typeof FiguresQuery>;

export const FigureTableId = Type.Enum(
  ['by-month', 'by-counterparty', 'defects', 'service-level', 'payment-days', 'turnaround'],
  {
    description:
      'by-month, by-counterparty: invoices, billed, withheld, paid (kopecks) in the months of the invoice dates; ' +
      'defects: withheld lines and amounts by defect code; service-level: requests answered within their respondBy; ' +
      'payment-days: payment orders by days from the invoice date; turnaround: sent lists and letters to acceptance',
  },
);
export type FigureTableId = Static<typeof FigureTableId>;

export const FigureColumn = Type.Object(
  {
    key: Type.String({ description: 'the column’s name in the table' }),
    type: Type.Enum(['text', 'month', 'count', 'money', 'days', 'hours', 'percent'], {
      description: 'money: kopecks; days and hours: averages; percent: 0–100',
    }),
  },
  { additionalProperties: false },
);

export const FigureTable = component(
  'FigureTable',
  Type.Object(
    {
      id: FigureTableId,
      columns: Type.Array(FigureColumn),
      rows: Type.Array(Type.Array(Type.Union([Type.String(), Type.Number()]))),
    },
    { additionalProperties: false, description: 'One chart’s figures as a table: the chart draws it' },
  ),
);
export type FigureTable = Static<typeof FigureTable>;

export const Dashboard = component(
  'Dashboard',
  Type.Object(
    {
      from: Month('the first month counted'),
      to: Month('the last month counted'),
      tables: Type.Array(ref(FigureTable)),
    },
    {
      additionalProperties: false,
      description:
        'The figures of this node’s own documents for the months asked, folded as they were stored',
    },
  ),
);
export type Dashboard = Static<typeof Dashboard>;

export const figuresComponents = [FigureTable, Dashboard];
