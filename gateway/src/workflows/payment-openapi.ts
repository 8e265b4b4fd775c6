// The payment operations (payment-http.ts) for the gateway's OpenAPI document (api/openapi.ts).
import { errors, json, jsonBody, type OpenApiFragment } from '../http/openapi-kit.js';
import { componentSchemas, queryParameters, ref } from '../shapes/kit.js';
import {
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
  tags: [{ name: 'payments', description: 'Payment notices and each invoice’s payment state' }],
  schemas: componentSchemas(...paymentComponents),
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
  },
} as const satisfies OpenApiFragment;
