// The shapes of the guarantee-letter request routes (decision records 0038, 0054), declared once:
// prior-auth-openapi.ts publishes them and their TypeScript types are `Static<typeof X>`.
import type { Person, PriorAuthRequestBody, PriorAuthResponseBody } from '@dmsnet/formats/types';
import { OutboxRecord } from '../node/types.js';
import { component, DateTime, IsoDate, Ogrn, OpenObject, Page, ref, Type } from '../shapes/kit.js';

const Urgency = Type.Enum(['emergency', 'urgent', 'planned'], {
  description: 'emergency (экстренная), urgent (неотложная), planned (плановая)',
});
export const PriorAuthStateShape = Type.Enum(
  ['submitted', 'pended', 'certified', 'not-certified', 'withdrawn'],
  {
    description:
      'submitted: the payer decides; pended (X12 278 A4): the clinic sends more information; certified (A1): a letter was issued; not-certified (A3): refused; withdrawn by the clinic',
  },
);
const Text = (maxLength: number) =>
  Type.String({ minLength: 1, maxLength, pattern: '^\\S(?:[\\s\\S]*\\S)?$' });
const Services = Type.Array(
  Type.Object(
    {
      serviceCode: Type.String({ maxLength: 32 }),
      quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
    },
    { additionalProperties: false },
  ),
  { minItems: 1, maxItems: 200, description: 'priced by the gateway from the price list the payer accepted' },
);
const Period = Type.Object({ from: IsoDate(), to: IsoDate() }, { additionalProperties: false });

export const NewPriorAuthRequest = component(
  'NewPriorAuthRequest',
  Type.Object(
    {
      payer: Ogrn({ description: 'the insurer or assistance company asked for the letter' }),
      requestNumber: Text(64),
      urgency: Urgency,
      insurer: Type.Optional(
        Ogrn({ description: 'when the payer is an assistance company: the insurer it acts for' }),
      ),
      // The patient's other fields are the shared format's; the node checks them when it builds the request.
      patient: Type.Unsafe<Person>({
        type: 'object',
        required: ['lastName', 'firstName', 'birthDate', 'sex', 'policyNumber'],
        properties: { birthDate: IsoDate() },
      }),
      programme: Type.Optional(
        Type.Object({ code: Text(64), name: Text(200) }, { additionalProperties: false }),
      ),
      diagnosis: Type.String({ maxLength: 16, description: 'МКБ-10' }),
      justification: Text(2000),
      plannedPeriod: Type.Optional(Period),
      services: Services,
      attachmentsToFollow: Type.Optional(Text(2000)),
      comment: Type.Optional(Text(2000)),
    },
    {
      description:
        'A guarantee-letter request to a payer; the gateway prices the services, sets the date and the deadline (respondBy) from the urgency.',
      additionalProperties: false,
    },
  ),
);

export const PriorAuthInformation = component(
  'PriorAuthInformation',
  Type.Object(
    {
      additionalInformation: Text(2000),
      justification: Type.Optional(Text(2000)),
      services: Type.Optional(Services),
      attachmentsToFollow: Type.Optional(Text(2000)),
    },
    {
      description:
        'The clinic’s answer to a pend: a new version of the request; the payer’s clock starts again.',
      additionalProperties: false,
    },
  ),
);

export const PriorAuthCertify = component(
  'PriorAuthCertify',
  Type.Object(
    {
      letterNumber: Text(64),
      validity: Type.Optional(Period),
      amountLimit: Type.Optional(
        Type.Integer({ minimum: 0, description: 'kopecks; by default the request’s total' }),
      ),
    },
    {
      description: 'The letter the payer issues for the request (X12 278 A1).',
      additionalProperties: false,
    },
  ),
);

export const PriorAuthRefuse = component(
  'PriorAuthRefuse',
  Type.Object(
    { reason: Text(2000) },
    {
      description: 'Why the payer refuses (X12 278 A3), or why the clinic withdraws.',
      additionalProperties: false,
    },
  ),
);

export const PriorAuthPend = component(
  'PriorAuthPend',
  Type.Object(
    {
      informationWanted: Text(2000),
      informationDueBy: Type.Optional(
        DateTime({ description: 'by default as long as the payer had to answer at this urgency' }),
      ),
      comment: Type.Optional(Text(2000)),
    },
    { description: 'What the payer needs to decide (X12 278 A4) and by when.', additionalProperties: false },
  ),
);

const Step = Type.Object(
  {
    at: DateTime(),
    state: PriorAuthStateShape,
    by: Type.Enum(['clinic', 'payer']),
    documentId: Type.String(),
  },
  { additionalProperties: false },
);

export const PriorAuthCase = component(
  'PriorAuthCase',
  Type.Object(
    {
      requestNumber: Type.String(),
      clinic: Ogrn(),
      payer: Ogrn({ description: 'the insurer or assistance company asked' }),
      state: PriorAuthStateShape,
      respondBy: DateTime({ description: 'the payer answers before this moment' }),
      dueAt: DateTime({
        description: 'whose clock runs: respondBy while submitted, the pend’s informationDueBy while pended',
      }),
      overdue: Type.Optional(
        Type.Boolean({ description: 'submitted or pended and past dueAt (lists only)' }),
      ),
      requestId: Type.String({ description: 'the documentId of the request’s latest version' }),
      request: Type.Unsafe<PriorAuthRequestBody>(
        OpenObject({ description: 'the latest version of the request' }),
      ),
      responseId: Type.Optional(Type.String()),
      response: Type.Optional(
        Type.Unsafe<PriorAuthResponseBody>(OpenObject({ description: 'the payer’s latest refusal or pend' })),
      ),
      letterId: Type.Optional(Type.String({ description: 'the documentId of the letter issued' })),
      letterNumber: Type.Optional(Type.String()),
      updatedAt: DateTime(),
      history: Type.Array(Step),
    },
    { description: 'A guarantee-letter request as this gateway holds it.', additionalProperties: false },
  ),
);

export const PriorAuthCaseList = component(
  'PriorAuthCaseList',
  Page(ref(PriorAuthCase), 'Guarantee-letter requests, nearest deadline first'),
);

export const PriorAuthSent = component(
  'PriorAuthSent',
  Type.Object(
    { record: ref(OutboxRecord), case: ref(PriorAuthCase) },
    {
      description: 'The outbox record of the document sent, and the request as it now stands.',
      additionalProperties: false,
    },
  ),
);

export const priorAuthComponents = [
  NewPriorAuthRequest,
  PriorAuthInformation,
  PriorAuthCertify,
  PriorAuthRefuse,
  PriorAuthPend,
  PriorAuthCase,
  PriorAuthCaseList,
  PriorAuthSent,
];
