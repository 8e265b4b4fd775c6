// What the `npm start` story must print for the care before the bill (issue 24): checked on the embedded network
// (story.test.ts) and on Fabric (test/fabric/story.fabric.ts), over the text a person reads.
import { expect } from 'chai';

/** The story's steps in order, numbered 1 to 17, and the lines of the care before the bill. */
export function expectCareBeforeTheBill(out: string): void {
  const numbers = [...out.matchAll(/^── (\d+)\. /gm)].map((m) => Number(m[1]));
  expect(numbers).to.deep.equal(Array.from({ length: 17 }, (_, i) => i + 1));
  const at = (title: string) => {
    const i = out.indexOf(title);
    expect(i, title).to.be.greaterThan(-1);
    return i;
  };
  // Before the bill, in the order they happen.
  const order = [
    'A ДМС programme from the insurer',
    'The insurer delegates care to an assistance company',
    'asks the clinic for care on the insurer’s behalf',
    'The clinic asks for the guarantee letter the programme needs',
    'The visit closes the care request',
    'An invoice with its register',
    'The delegated case’s invoice goes to the assistance company',
  ].map(at);
  expect(order).to.deep.equal([...order].sort((a, b) => a - b));
  // The programme answers per service.
  expect(out).to.match(/B01\.047\.001 +covered \(franchise 10 %\)/);
  expect(out).to.match(/B01\.023\.001 +letter-required/);
  expect(out).to.match(/A16\.01\.001 +not-covered/);
  // The delegation, and the request shape refusing a misspelt type at its index.
  expect(out).to.match(
    /delegation DLG-2026-1 \(ACTIVE\) — sends care-request, guarantee-letter for programme APP/,
  );
  expect(out).to.include('a delegation naming an unknown document type → 400 REQUEST_INVALID');
  expect(out).to.include('/body/sends/0  REQUEST_ENUM');
  // Hostile: on behalf of an insurer that never delegated.
  expect(out).to.include('on behalf of insurer2, which never delegated → 422 DELEGATION_NOT_IN_FORCE');
  expect(out).to.match(/\/header\/onBehalfOf +DELEGATION_NOT_IN_FORCE/);
  // The gateway found the principal itself; the clinic sees for whom; the appointment came back.
  expect(out).to.include('the gateway found the delegation and sent it on behalf of insurer1');
  expect(out).to.include('АО «Ассистанс Плюс» по поручению АО «Страховая компания «Северная»');
  expect(out).to.include('appointment back: booked');
  // The clinic asked first; the letter answers on the insurer's behalf; the visit closes the case.
  expect(out).to.match(
    /guarantee letter ГП-А-2026-0001 names the request; sent on behalf of insurer1; the clinic’s case is certified/,
  );
  expect(out).to.include('the case is fulfilled at both gateways');
  // The delegated case's invoice went to the assistance company; the insurer sees envelopes done in its name.
  expect(out).to.include('invoice № 346 addressed to insurer1 went to assistance with onBehalfOf insurer1');
  expect(out).to.match(/care-request +assistance → clinic1/);
  expect(out).to.match(/guarantee-letter +assistance → clinic1/);
  expect(out).to.match(/invoice +clinic1 → assistance/);
}
