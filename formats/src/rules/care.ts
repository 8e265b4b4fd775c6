// Care requests and the clinic's appointments (decision record 0047): what the schema cannot say about one document.
import type { FieldError } from '../errors.js';
import {
  checkIcd10At,
  checkPeriodAt,
  checkPersonAt,
  checkServiceCodeAt,
  checkSnilsAt,
  isObj,
  report,
  type Obj,
} from './shared.js';

const instant = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : NaN);

export function checkCareRequest(
  errors: FieldError[],
  body: Obj,
  header: Obj,
  createdOn: string | undefined,
): void {
  checkPersonAt(errors, body.patient, '/body/patient', -1, '', createdOn);
  checkPeriodAt(errors, body.wishedPeriod, '/body/wishedPeriod', -1, '');
  if (body.diagnosis !== undefined) checkIcd10At(errors, body.diagnosis, '/body/diagnosis', -1, '');
  const services = body.services;
  if (Array.isArray(services))
    services.forEach((s: unknown, i) => {
      if (isObj(s)) checkServiceCodeAt(errors, s.serviceCode, '/body/services', i, '/serviceCode');
    });
  // A clinic cannot book "something": it needs the specialist or the services to find a slot.
  if (body.status === 'active' && body.specialty === undefined && body.services === undefined)
    report(
      errors,
      '/body/specialty',
      'CARE_WHAT_MISSING',
      'name the specialty wanted, the services, or both',
    );
  if (body.guaranteeLetter !== undefined && body.letterToFollow === true)
    report(
      errors,
      '/body/letterToFollow',
      'CARE_LETTER_BOTH',
      'the request carries a guarantee letter already; it cannot also say one follows',
    );
  const due = instant(body.respondBy);
  const created = instant(header.createdAt);
  if (due <= created)
    report(
      errors,
      '/body/respondBy',
      'CARE_DEADLINE_ORDER',
      'the answer is due after the request is created',
    );
}

export function checkAppointment(errors: FieldError[], body: Obj): void {
  const start = instant(body.start);
  const end = instant(body.end);
  if (end <= start) report(errors, '/body/end', 'APPOINTMENT_TIME_ORDER', 'the visit ends after it starts');
  if (isObj(body.doctor)) checkSnilsAt(errors, body.doctor.snils, '/body/doctor', -1, '/snils');
}
