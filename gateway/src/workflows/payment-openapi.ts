// The payment operations (payment-http.ts) for the gateway's OpenAPI document (api/openapi.ts).
import { errors, idParam, json, jsonBody, type OpenApiFragment } from '../http/openapi-kit.js';
import { componentSchemas, queryParameters, ref } from '../shapes/kit.js';
import {
  OneCQuery,
  ReconcileRequest,
  Reconciliation,
  ReconciliationSent,
  reconciliationComponents,
  PaymentQuery,
  PaymentRequest,
  PaymentSent,
  PaymentState,
  PaymentStateList,
  paymentComponents,
} from './payment-shapes.js';

const invoiceParam = {
  name: 'invoiceId',
  in: 'path',
  required: true,
  description: 'the invoice’s ledger id, or the clinic’s documentId while unique here',
  schema: { type: 'string', minLength: 1, maxLength: 160 },
} as const;

export const paymentsApi = {
  tags: [
    { name: 'payments', description: 'Payment notices and each invoice’s payment state' },
    { name: 'reconciliations', description: 'Reconciliation statements (акт сверки) and their differences' },
  ],
  schemas: componentSchemas(...paymentComponents, ...reconciliationComponents),
  paths: {
    '/v1/payments': {
      get: {
        operationId: 'listPaymentStates',
        tags: ['payments'],
        summary: 'Each payable invoice’s payment state (a clinic’s sent, a payer’s received)',
        parameters: queryParameters(PaymentQuery),
        responses: { '200': json('the states', ref(PaymentStateList)), ...errors(400, 401) },
      },
      post: {
        operationId: 'recordPayment',
        tags: ['payments'],
        summary: 'Record a payment order against a received invoice and send the clinic its payment notice',
        description:
          'Refused with 422 PAYMENT_INVOICE_UNKNOWN (pointer /body/invoiceId) for an invoice this payer did not ' +
          'receive or will not pay, and with DOCUMENT_INVALID PAYMENT_EXCEEDS_INVOICE when the payments and the ' +
          'withheld amount would add up to more than the invoice total.',
        requestBody: jsonBody(ref(PaymentRequest)),
        responses: {
          '202': json('the notice is on its way', ref(PaymentSent)),
          ...errors(400, 401, 403, 404, 409, 422),
        },
      },
    },
    '/v1/payments/{invoiceId}': {
      get: {
        operationId: 'getPaymentState',
        tags: ['payments'],
        summary: 'One invoice’s payment state with its payments',
        parameters: [invoiceParam],
        responses: { '200': json('the state', ref(PaymentState)), ...errors(400, 401, 404, 422) },
      },
    },
    '/v1/exports/payments-1c': {
      get: {
        operationId: 'exportPayments1C',
        tags: ['payments'],
        summary: 'The payment orders of a period as a 1CClientBankExchange 1.03 file (Windows-1251), for 1С',
        parameters: queryParameters(OneCQuery),
        responses: {
          '200': {
            description: 'the file (decision record 0048)',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...errors(400, 401),
        },
      },
    },
    '/v1/reconciliations': {
      post: {
        operationId: 'sendReconciliation',
        tags: ['reconciliations'],
        summary:
          'Compute this side’s figures with a counterparty for a period and send them as an акт сверки',
        requestBody: jsonBody(ref(ReconcileRequest)),
        responses: {
          '202': json('the statement is on its way', ref(ReconciliationSent)),
          ...errors(400, 401, 404, 422),
        },
      },
    },
    '/v1/reconciliations/{id}': {
      get: {
        operationId: 'getReconciliation',
        tags: ['reconciliations'],
        summary: 'A statement sent or received; a received one with our own figures and the differences',
        parameters: [idParam],
        responses: { '200': json('the reconciliation', ref(Reconciliation)), ...errors(400, 401, 404, 422) },
      },
    },
    '/v1/reconciliations/{id}/xlsx': {
      get: {
        operationId: 'exportReconciliationXlsx',
        tags: ['reconciliations'],
        summary: 'The reconciliation as a workbook in the two-sided layout of an акт сверки',
        parameters: [idParam],
        responses: {
          '200': {
            description: 'the workbook',
            content: {
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
                schema: { type: 'string', format: 'binary' },
              },
            },
          },
          ...errors(400, 401, 404, 422),
        },
      },
    },
  },
} as const satisfies OpenApiFragment;
