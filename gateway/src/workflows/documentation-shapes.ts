// The shapes of the documentation-request routes (decision record 0056), declared once: documentation-openapi.ts
// publishes them and their TypeScript types are `Static<typeof X>`.
import { OutboxRecord } from '../node/types.js';
import { component, DateTime, IsoDate, Ogrn, OpenObject, ref, Type } from '../shapes/kit.js';

const Text = (maxLength: number) =>
  Type.String({ minLength: 1, maxLength, pattern: '^\\S(?:[\\s\\S]*\\S)?$' });
const Wanted = Type.Enum(
  ['discharge-summary', 'protocol', 'lab-results', 'imaging', 'record-copy', 'other'],
  {
    description:
      'discharge-summary (выписка), protocol (протокол), lab-results (результаты анализов), imaging, record-copy (копия медкарты), other (say what in comment)',
  },
);

export const NewDocumentationRequest = component(
  'NewDocumentationRequest',
  Type.Object(
    {
      invoiceId: Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'the received invoice: its ledger id, or the clinic’s documentId while only one has it',
      }),
      lines: Type.Array(
        Type.Object(
          {
            invoiceLineId: Type.String({ minLength: 1, maxLength: 64 }),
            wanted: Type.Array(Wanted, { minItems: 1, maxItems: 6, uniqueItems: true }),
            comment: Type.Optional(Text(500)),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 1000 },
      ),
      respondBy: Type.Optional(
        IsoDate({ description: 'the last day to answer; 10 days from today by default' }),
      ),
      requestNumber: Type.Optional(Text(200)),
      expert: Type.Optional(
        Type.Object(
          { name: Text(300), snils: Type.Optional(Type.String({ maxLength: 14 })) },
          { additionalProperties: false },
        ),
      ),
      comment: Type.Optional(Text(500)),
    },
    {
      description:
        'The expert asks the clinic for the medical documentation behind lines of a received invoice; the patient, service and date come from the invoice.',
      additionalProperties: false,
    },
  ),
);

export const DocumentationCaseShape = component(
  'DocumentationCase',
  Type.Object(
    {
      requestId: Type.String({ maxLength: 128, description: 'the request’s documentId' }),
      requestNumber: Type.String({ maxLength: 200 }),
      invoiceId: Type.String({ maxLength: 200, description: 'the invoice’s ledger id' }),
      clinic: Ogrn(),
      respondBy: IsoDate(),
      lines: Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 64 }), {
        description: 'request line rowId → invoice line rowId',
      }),
      answers: Type.Array(
        Type.Object(
          {
            documentId: Type.String({ maxLength: 128 }),
            at: DateTime(),
            invoiceLineIds: Type.Array(Type.String({ maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { description: 'A documentation request and the answers it got', additionalProperties: false },
  ),
);

export const DocumentationCaseList = component(
  'DocumentationCaseList',
  Type.Object({ items: Type.Array(ref(DocumentationCaseShape)) }, { additionalProperties: false }),
);

export const DocumentationSent = component(
  'DocumentationSent',
  Type.Object(
    { record: ref(OutboxRecord), request: OpenObject(), case: ref(DocumentationCaseShape) },
    {
      description: 'The outbox record of the request sent, its body, and the case kept',
      additionalProperties: false,
    },
  ),
);

export const documentationComponents = [
  NewDocumentationRequest,
  DocumentationCaseShape,
  DocumentationCaseList,
  DocumentationSent,
];
