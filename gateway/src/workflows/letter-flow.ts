// Flow 2 of docs/architecture.md, guarantee letters: the insurer issues, amends or revokes a letter for one patient,
// priced from the clinic's accepted price list; the clinic keeps the state of each letter it receives.
import { DmsnetError, type FieldError } from '@dmsnet/formats/errors';
import type { GuaranteeLetterBody } from '@dmsnet/formats/types';
import { CursorInvalidError } from '../node/cursors.js';
import type { GatewayNode } from '../node/index.js';
import {
  KEY_SEPARATOR,
  WORKFLOW_SUBLEVEL,
  senderAndId,
  today,
  type HandlerOutcome,
  type ReceivedDocument,
} from './flow-state.js';
import { priceListInForce, type PriceListFlow } from './price-list-flow.js';
import { normPolicy } from './roster.js';
import { impliedPrincipal } from '../node/delegations.js';
import type { IssueLetter as IssueLetterInput, LetterQuery, LetterState } from './shapes.js';
import { rubles } from './invoice-check.js';

const LETTER_STATUS_RU: Record<string, string> = {
  issued: 'выдано',
  amended: 'изменено',
  revoked: 'отозвано',
};

// A letter's state (its `createdAt` is the sender's: a letter delivered late does not replace a newer state), the
// issuing request and the page query are the shapes the contract publishes (decision 0038).
export type { IssueLetterInput, LetterState };
/** The filters of a page of all letters (`policy` asks for one patient's letters instead, unpaged). */
export type LetterPageQuery = Omit<LetterQuery, 'policy'>;

/** A letter's state, by its number: letter numbers are not personal, so they order the key space in the clear. */
export const letterKey = (letterNumber: string) => `gl${KEY_SEPARATOR}${letterNumber}`;

export class LetterFlow {
  constructor(
    private readonly node: GatewayNode,
    private readonly options: { role: string },
    private readonly priceLists: PriceListFlow,
  ) {}

  /** A received letter (issued, amended or revoked): the clinic keeps its latest state and acknowledges it. */
  async receive(doc: ReceivedDocument): Promise<HandlerOutcome> {
    if (this.options.role !== 'clinic') return { action: 'none' };
    const header = senderAndId(doc);
    const letter = doc.body as unknown as GuaranteeLetterBody;
    const onBehalfOf = (doc.header as { onBehalfOf?: string }).onBehalfOf;
    await this.save({
      documentId: header.documentId,
      insurer: header.sender.ogrn,
      clinic: this.node.participantId,
      // Checked by the inbox against the ledger's delegations before this handler ran.
      ...(onBehalfOf ? { onBehalfOf } : {}),
      letter,
    });
    return {
      action: 'accept',
      // The insurer's people read this under their letter: its number, its state and its limit, in roubles.
      comment: `гарантийное письмо ${letter.letterNumber} ${LETTER_STATUS_RU[letter.status] ?? letter.status}, лимит ${rubles(letter.amountLimit)}`,
    };
  }

  /** A patient's letters, found through the blinded policy number. */
  async byPolicy(policy: string): Promise<LetterState[]> {
    const prefix = `glp${KEY_SEPARATOR}${this.node.store.blind(normPolicy(policy))}${KEY_SEPARATOR}`;
    const out: LetterState[] = [];
    for await (const letterNumber of this.node.store
      .sublevel<string>(WORKFLOW_SUBLEVEL)
      .values({ gte: prefix, lt: prefix + '\uffff' })) {
      const s = await this.node.store.get<LetterState>(WORKFLOW_SUBLEVEL, letterKey(letterNumber));
      if (s) out.push(s);
    }
    return out;
  }

  /**
   * Every letter held here, in letter-number order (the key order: letter numbers are not personal), filtered while
   * walking by clinic, status and a period the letter's validity overlaps; a page is the next `limit` matches.
   */
  async page(query: LetterPageQuery): Promise<{ items: LetterState[]; nextCursor?: string }> {
    const gte = letterKey('');
    const lt = letterKey('\uffff');
    const after = query.cursor ? this.node.cursors.read('letters', query.cursor) : undefined;
    if (after !== undefined && !(after > gte && after < lt))
      throw new CursorInvalidError('it pages another list');
    const limit = query.limit ? Number(query.limit) : 50;
    const matches = (s: LetterState) =>
      (!query.clinic || s.clinic === query.clinic) &&
      (!query.status || s.letter.status === query.status) &&
      (!query.from || s.letter.validity.to >= query.from) &&
      (!query.to || s.letter.validity.from <= query.to);
    const items: LetterState[] = [];
    let last: string | undefined;
    const range = after ? { gt: after, lt } : { gte, lt };
    for await (const [key, s] of this.node.store.sublevel<LetterState>(WORKFLOW_SUBLEVEL).iterator(range)) {
      if (!matches(s)) continue;
      // One match beyond the page says there is a next page; the cursor is the last key served.
      if (items.length === limit)
        return { items, nextCursor: this.node.cursors.issue('letters', last as string) };
      items.push(s);
      last = key;
    }
    return { items };
  }

  /** Records a letter's state (also how an insurer imports letters issued before it joined). */
  async save(s: LetterState): Promise<void> {
    const policy = this.node.store.blind(normPolicy(s.letter.patient.policyNumber));
    await this.node.store.batch([
      { type: 'put', sublevel: WORKFLOW_SUBLEVEL, key: letterKey(s.letter.letterNumber), value: s },
      {
        type: 'put',
        sublevel: WORKFLOW_SUBLEVEL,
        key: `glp${KEY_SEPARATOR}${policy}${KEY_SEPARATOR}${s.letter.letterNumber}`,
        value: s.letter.letterNumber,
      },
    ]);
  }

  async issue(
    input: IssueLetterInput,
    status: 'issued' | 'amended' | 'revoked' = 'issued',
    corrects?: string,
    /** The clinic's guarantee-letter request this letter answers (decision record 0054): the ledger checks it. */
    answers?: string,
  ) {
    const priceList = priceListInForce(await this.priceLists.ofClinic(input.clinic))(input.validity.from);
    if (!priceList) {
      throw new DmsnetError(
        'GL_NO_PRICE_LIST',
        'no accepted price list of this clinic is in force on the first day of validity',
        [
          {
            pointer: '/body/validity/from',
            code: 'GL_NO_PRICE_LIST',
            message: 'no accepted price list on this date',
          },
        ],
      );
    }
    const errors: FieldError[] = [];
    const lines = input.services.map((service, i) => {
      const priced = priceList.lines.find((l) => l.serviceCode === service.serviceCode);
      if (!priced)
        errors.push({
          pointer: `/body/services/${i}/serviceCode`,
          code: 'GL_SERVICE_NOT_IN_PRICE_LIST',
          message: 'not in the accepted price list',
        });
      const price = priced?.price ?? 0;
      return {
        rowId: String(i + 1),
        serviceCode: service.serviceCode,
        ...(priced?.clinicServiceCode ? { clinicServiceCode: priced.clinicServiceCode } : {}),
        name: priced?.name,
        quantity: service.quantity,
        unitPrice: price,
        amount: price * service.quantity,
      };
    });
    if (errors.length)
      throw new DmsnetError('GL_INVALID', `the letter breaks ${errors.length} rule(s)`, errors);
    const letter: GuaranteeLetterBody = {
      letterNumber: input.letterNumber,
      issueDate: today(),
      status,
      patient: input.patient,
      ...(input.programme ? { programme: input.programme } : {}),
      validity: input.validity,
      ...(input.diagnosis ? { diagnosis: input.diagnosis } : {}),
      ...(input.reason ? { reason: input.reason } : {}),
      currency: 'RUB',
      amountLimit: input.amountLimit,
      lines,
    };
    const onBehalfOf = await this.principal(input);
    const documentId = `GL-${input.letterNumber}-${status}-${Date.now()}`
      .replace(/[^A-Za-z0-9._:-]/g, '-')
      .slice(0, 128);
    const document = {
      header: {
        documentId,
        type: 'guarantee-letter',
        formatVersion: '1',
        sender: { ogrn: this.node.participantId },
        addressee: { ogrn: input.clinic },
        createdAt: new Date().toISOString(),
        ...(corrects ? { correctsId: corrects } : {}),
        ...(answers ? { replyToId: answers } : {}),
        ...(onBehalfOf ? { onBehalfOf } : {}),
      },
      body: letter,
    };
    const record = await this.node.send(document);
    await this.save({
      documentId,
      insurer: this.node.participantId,
      clinic: input.clinic,
      ...(onBehalfOf ? { onBehalfOf } : {}),
      letter,
    });
    return { record, letter };
  }

  /**
   * The insurer an assistance company issues the letter for (decision record 0062): the one named, else the one whose
   * delegation in force lets it send letters for this programme and policy; an insurer issues in its own name.
   */
  private async principal(input: IssueLetterInput): Promise<string | undefined> {
    if (input.onBehalfOf !== undefined) return input.onBehalfOf;
    if (this.options.role !== 'assistance') return undefined;
    return impliedPrincipal(this.node.directory, {
      agent: this.node.participantId,
      documentType: 'guarantee-letter',
      body: { programme: input.programme, patient: input.patient },
      at: new Date().toISOString(),
      field: '/body/onBehalfOf',
    });
  }

  /** Amends or revokes a letter issued here: the new version corrects the one before. */
  async change(letterNumber: string, status: 'amended' | 'revoked', input?: IssueLetterInput) {
    const s = await this.node.store.get<LetterState>(WORKFLOW_SUBLEVEL, letterKey(letterNumber));
    if (!s || s.insurer !== this.node.participantId)
      throw new DmsnetError('NOT_FOUND', `no letter ${letterNumber} issued here`);
    const base: IssueLetterInput = input ?? {
      clinic: s.clinic,
      letterNumber,
      patient: s.letter.patient,
      programme: s.letter.programme,
      validity: s.letter.validity,
      amountLimit: s.letter.amountLimit,
      services: s.letter.lines.map((l) => ({ serviceCode: l.serviceCode, quantity: l.quantity })),
      ...(s.onBehalfOf ? { onBehalfOf: s.onBehalfOf } : {}),
    };
    // A new version of a letter issued on an insurer's behalf is issued on its behalf too.
    const onBehalfOf = s.onBehalfOf ?? base.onBehalfOf;
    return this.issue(
      { ...base, letterNumber, clinic: s.clinic, ...(onBehalfOf ? { onBehalfOf } : {}) },
      status,
      s.documentId,
    );
  }
}
