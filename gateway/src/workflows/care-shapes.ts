// The shapes of the care-request routes (decision records 0038, 0047), declared once: care-openapi.ts publishes them
// and their TypeScript types are `Static<typeof X>`.
import type { AppointmentBody, CareRequestBody, Person } from '@dmsnet/formats/types';
import { OutboxRecord } from '../node/types.js';
import {
  component,
  DateTime,
  IsoDate,
  Ogrn,
  OpenObject,
  Page,
  ref,
  Type,
  type Static,
} from '../shapes/kit.js';

const Urgency = Type.Enum(['emergency', 'urgent', 'planned'], {
  description: 'emergency (экстренная), urgent (неотложная), planned (плановая)',
});
export const CareStateShape = Type.Enum(
  ['proposed', 'booked', 'declined', 'cancelled', 'fulfilled', 'noshow'],
  {
    description: 'FHIR Appointment.status, and AppointmentResponse’s declined for the clinic’s refusal',
  },
);
const Text = (maxLength: number) =>
  Type.String({ minLength: 1, maxLength, pattern: '^\\S(?:[\\s\\S]*\\S)?$' });
const Services = Type.Array(
  Type.Object(
    {
      serviceCode: Type.String({ maxLength: 32 }),
      name: Type.Optional(Text(500)),
      quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    },
    { additionalProperties: false },
  ),
  { minItems: 1, maxItems: 100 },
);
const LetterRef = Type.Object(
  { letterNumber: Text(64), documentId: Type.Optional(Type.String({ maxLength: 128 })) },
  { additionalProperties: false },
);
const Wishes = {
  complaint: Text(500),
  specialty: Type.Optional(Text(200)),
  services: Type.Optional(Services),
  wishedPeriod: Type.Optional(
    Type.Object({ from: IsoDate(), to: IsoDate() }, { additionalProperties: false }),
  ),
  wishedTime: Type.Optional(Text(200)),
  guaranteeLetter: Type.Optional(LetterRef),
  letterToFollow: Type.Optional(Type.Boolean()),
  comment: Type.Optional(Text(500)),
};

export const NewCareRequest = component(
  'NewCareRequest',
  Type.Object(
    {
      clinic: Ogrn(),
      requestNumber: Text(64),
      urgency: Urgency,
      insurer: Type.Optional(
        Ogrn({ description: 'an assistance company: the insurer whose insured the patient is' }),
      ),
      onBehalfOf: Type.Optional(
        Ogrn({
          description:
            'an assistance company: the insurer it sends for under a delegation in force (decision record 0055); ' +
            'every version of the request carries it in its header',
        }),
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
      contactPhone: Type.Optional(Type.String({ pattern: '^\\+?[0-9 ()-]{5,20}$' })),
      diagnosis: Type.Optional(Type.String({ maxLength: 16 })),
      ...Wishes,
    },
    {
      description:
        'A care request to a clinic; the gateway sets its date and its deadline (respondBy) from the urgency.',
      additionalProperties: false,
    },
  ),
);

export const CareRequestChange = component(
  'CareRequestChange',
  Type.Partial(Type.Object({ urgency: Urgency, ...Wishes }, { additionalProperties: false }), {
    description: 'New wishes for an open case: the clinic receives a new version and its clock starts again.',
    additionalProperties: false,
    minProperties: 1,
  }),
);

export const CareBooking = component(
  'CareBooking',
  Type.Object(
    {
      start: DateTime(),
      end: Type.Optional(DateTime()),
      doctor: Type.Object(
        { name: Text(200), specialty: Type.Optional(Text(200)), snils: Type.Optional(Type.String()) },
        { additionalProperties: false },
      ),
      address: Text(500),
      instructions: Type.Optional(Text(500)),
      comment: Type.Optional(Text(500)),
    },
    { description: 'The slot the clinic gives (or moves to).', additionalProperties: false },
  ),
);

export const CareReason = component(
  'CareReason',
  Type.Object(
    { reason: Text(500) },
    { description: 'Why a case is declined or cancelled.', additionalProperties: false },
  ),
);

export const CareClose = component(
  'CareClose',
  Type.Object(
    { status: Type.Enum(['fulfilled', 'noshow']), comment: Type.Optional(Text(500)) },
    {
      description: 'The visit took place (fulfilled) or the patient did not come (noshow).',
      additionalProperties: false,
    },
  ),
);

export const CareCase = component(
  'CareCase',
  Type.Object(
    {
      requestNumber: Type.String(),
      payer: Ogrn({ description: 'the insurer or assistance company that asked' }),
      clinic: Ogrn(),
      insurer: Ogrn(),
      onBehalfOf: Type.Optional(
        Ogrn({
          description: 'the insurer an assistance company sent the request for (decision record 0055)',
        }),
      ),
      state: CareStateShape,
      respondBy: DateTime({ description: 'the clinic answers before this moment' }),
      overdue: Type.Optional(Type.Boolean({ description: 'proposed and past respondBy (lists only)' })),
      requestId: Type.String({ description: 'the documentId of the request’s latest version' }),
      request: Type.Unsafe<CareRequestBody>(OpenObject({ description: 'the latest version of the request' })),
      appointmentId: Type.Optional(Type.String()),
      appointment: Type.Optional(
        Type.Unsafe<AppointmentBody>(OpenObject({ description: 'the clinic’s latest answer' })),
      ),
      updatedAt: DateTime(),
      history: Type.Array(
        Type.Object(
          {
            at: DateTime(),
            state: CareStateShape,
            by: Type.Enum(['payer', 'clinic']),
            documentId: Type.String(),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { description: 'A care case as this gateway holds it.', additionalProperties: false },
  ),
);
export type CareCase = Static<typeof CareCase>;

export const CareCaseList = component(
  'CareCaseList',
  Page(ref(CareCase), 'Care cases, nearest deadline first'),
);

export const CareSent = component(
  'CareSent',
  Type.Object(
    { record: ref(OutboxRecord), case: ref(CareCase) },
    {
      description: 'The outbox record of the document sent, and the case as it now stands.',
      additionalProperties: false,
    },
  ),
);

export const careComponents = [
  NewCareRequest,
  CareRequestChange,
  CareBooking,
  CareReason,
  CareClose,
  CareCase,
  CareCaseList,
  CareSent,
];

/** The query of `GET /v1/care-requests`: the clinic's queue, the payer's follow-up. */
export const CareQuery = Type.Object({
  state: Type.Optional(
    Type.String({
      pattern:
        '^(proposed|booked|declined|cancelled|fulfilled|noshow)(,(proposed|booked|declined|cancelled|fulfilled|noshow))*$',
      description: 'one state or several, comma-separated (proposed,booked)',
    }),
  ),
  overdue: Type.Optional(
    Type.String({
      enum: ['true', 'false'],
      description: '`true`: only cases still unanswered past their deadline',
    }),
  ),
  counterparty: Type.Optional(Ogrn({ description: 'the clinic (at a payer) or the payer (at a clinic)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  cursor: Type.Optional(
    Type.String({
      maxLength: 1024,
      description: 'a nextCursor exactly as answered; anything else is 400 CURSOR_INVALID',
    }),
  ),
});
export type CareQuery = Static<typeof CareQuery>;
