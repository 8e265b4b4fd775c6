// Medical documentation for expertise in the console (decision record 0056), end to end in Chromium against a real
// embedded network: the insurer's expert asks from the act for the documentation behind two invoice lines; the
// clinic answers with a real PDF (two pages, printed by Chromium) and a real PNG, the browser describing each by its
// content; the answer reaches the act, which cites it and reopens the line withheld for want of it; the expert
// previews the PDF (pdf.js, no plugin) and the image and downloads the PDF byte for byte; a person without the
// expert's right is refused by the screen and by the gateway. Each screen is photographed, held to Russian and
// scanned by axe-core (no serious or critical violation).
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser } from 'playwright-core';
import { type ConsoleNetwork } from './network.js';
import { useConsoleNetwork } from './session.js';
import { loginAt } from './browser.js';
import { checkRussianScreen } from './screen-checks.js';

type DocCase = {
  requestId: string;
  requestNumber: string;
  clinic: string;
  lines: Record<string, string>;
  answers: Array<{ documentId: string; invoiceLineIds: string[] }>;
};
type Act = {
  state: string;
  reopened?: Array<{ invoiceLineId: string; documentId: string }>;
  act: {
    documentation?: string[];
    lines: Array<{ invoiceLineId: string; decision: string; defectCode?: string }>;
  };
};

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('console: medical documentation — the expert asks, the clinic answers with files, the expert previews (Chromium, real embedded network)', function () {
  this.timeout(240_000);
  let t: ConsoleNetwork;
  let browser: Browser;
  let dir: string;
  let pdfPath: string;
  let pngPath: string;
  let lyingPath: string;
  let pdf: Buffer;
  useConsoleNetwork(
    (s) => ({ network: t, browser } = s),
    {},
    async ({ browser: b }) => {
      // Real files, as a clinic's scanner and MIS make them: a two-page PDF printed by Chromium (Cyrillic text in
      // embedded fonts) and a PNG of a rendered «снимок».
      dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-docs-e2e-'));
      const page = await b.newPage({ viewport: { width: 480, height: 320 } });
      await page.setContent(
        '<h1>Выписка из медицинской карты</h1><p>Пациент: согласно реестру счёта. Диагноз и лечение — на второй странице.</p>' +
          '<div style="page-break-after: always"></div><h1>Лечение</h1><p>Консультация невролога, протокол осмотра.</p>',
      );
      pdf = await page.pdf({ format: 'A4' });
      await page.setContent(
        '<div style="width:440px;height:280px;background:#222;color:#eee;font:24px sans-serif;display:flex;' +
          'align-items:center;justify-content:center;border-radius:40px">Снимок: рентгенография</div>',
      );
      const png = await page.screenshot({ type: 'png' });
      await page.close();
      pdfPath = path.join(dir, 'выписка.pdf');
      pngPath = path.join(dir, 'снимок.png');
      await writeFile(pdfPath, pdf);
      await writeFile(pngPath, png);
      // An image named as a PDF: its content says otherwise.
      lyingPath = path.join(dir, 'анализы.pdf');
      await writeFile(lyingPath, png);
    },
  );
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const login = (gateway: string, username: string) => loginAt(browser, t.url(gateway), username);

  const check = checkRussianScreen;

  const cases = async () =>
    (await t.client('insurer').call<{ items: DocCase[] }>('GET', '/v1/documentation-requests')).body.items;
  const act = async () =>
    (await t.client('insurer').call<Act>('GET', `/v1/expertise-acts/${t.story.invoiceId}`)).body;

  let answerId = '';

  it('the expert asks from the act; the clinic answers with a PDF and a PNG described by their content; the act cites the answer and reopens the line withheld for want of it', async () => {
    const expert = await login('insurer', 'exp');
    await expert.getByRole('navigation').getByRole('link', { name: 'Акты экспертизы' }).click();
    await expert.getByRole('link', { name: t.story.invoiceNumber, exact: true }).click();
    await expert.locator('[data-line="3"]').waitFor();
    // Line 3 is withheld because the documentation was not given (defect 2.1.2), and saved.
    await expert.getByLabel('Решение, Строка 3').selectOption('WITHHELD');
    await expert.getByLabel('Код дефекта, Строка 3').fill('2.1.2');
    await expert.getByLabel('Пояснение, Строка 3').fill('Медицинская документация не представлена');
    await expert.getByRole('button', { name: 'Сохранить изменения' }).click();
    await expert.getByText('Изменения сохранены; акт остаётся черновиком.').waitFor();

    // The request: lines 2 and 3, each shown with its patient and service before sending; what is wanted; by when.
    const docs = expert.locator('[data-act-documentation]');
    await docs.getByRole('button', { name: 'Запросить документацию' }).click();
    await docs.getByRole('button', { name: 'Отправить запрос в клинику' }).click();
    await docs.getByText('Укажите хотя бы одну строку счёта.').waitFor();
    await docs.getByLabel('Строки счёта (номера через запятую)').fill('2, 3, 9');
    await docs.getByText('В счёте нет строк: 9').waitFor();
    await docs.getByLabel('Строки счёта (номера через запятую)').fill('2, 3');
    await docs.getByText(`3: ${t.story.person.lastName}`).waitFor();
    await docs.getByLabel('протокол').check();
    await docs.getByLabel('результаты анализов').check();
    const respondBy = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    await docs.getByLabel('Ответить до').fill(respondBy.split('-').reverse().join('.'));
    await check(expert, 'docs-01-request-from-act');
    await docs.getByRole('button', { name: 'Отправить запрос в клинику' }).click();
    await docs.getByText('Запрос отправлен в клинику:').waitFor();
    const [c] = await cases();
    expect(c, 'the request is kept').to.not.equal(undefined);
    expect(Object.values(c!.lines).sort()).to.deep.equal(['2', '3']);
    await docs.locator(`[data-request="${c!.requestNumber}"]`, { hasText: 'ждёт ответа' }).waitFor();

    // The clinic: the request in its queue, then the answer form.
    const clinic = await login('clinic', 'acc');
    await clinic.getByRole('navigation').getByRole('link', { name: 'Медицинская документация' }).click();
    const row = clinic.locator(`tr[data-request="${c!.requestNumber}"]`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.innerText()).to.contain('ждёт ответа');
    await check(clinic, 'docs-02-clinic-queue');
    await row.getByRole('link', { name: c!.requestNumber }).click();
    await clinic.getByRole('heading', { name: `Запрос № ${c!.requestNumber}` }).waitFor();
    // A file whose name lies about its content is shown for what it is, before anything is sent, and taken out.
    await clinic.locator('input[type="file"]').setInputFiles([lyingPath]);
    const lying = clinic.locator('tr[data-file="анализы.pdf"]');
    await lying.locator('[data-sniffed="image/png"]', { hasText: 'изображение PNG' }).waitFor();
    await lying.getByText('расширение имени не соответствует содержимому').waitFor();
    await check(clinic, 'docs-03a-clinic-file-lies');
    await lying.getByRole('button', { name: 'Убрать' }).click();
    expect(await lying.count()).to.equal(0);
    await clinic.locator('input[type="file"]').setInputFiles([pdfPath, pngPath]);
    // Each file described as its content says, before anything is sent: the type, and the PDF's pages by pdf.js.
    const pdfRow = clinic.locator('tr[data-file="выписка.pdf"]');
    const pngRow = clinic.locator('tr[data-file="снимок.png"]');
    await pdfRow.locator('[data-sniffed="application/pdf"]', { hasText: 'документ PDF' }).waitFor();
    await pngRow.locator('[data-sniffed="image/png"]', { hasText: 'изображение PNG' }).waitFor();
    expect(await clinic.getByLabel('Страниц, файл выписка.pdf').inputValue()).to.equal('2');
    expect(await pdfRow.locator('.mono').innerText()).to.equal(`${sha256(pdf).slice(0, 16)}…`);
    await clinic.getByLabel('Вид, файл выписка.pdf').selectOption('discharge-summary');
    await clinic.getByLabel('Вид, файл снимок.png').selectOption('imaging');
    // The image is of line 3 only.
    await clinic.getByLabel('Строка 2, файл снимок.png').uncheck();
    await clinic.getByRole('button', { name: 'Добавить запись' }).click();
    await clinic.getByLabel('Заголовок, запись 1').fill('Протокол осмотра невролога');
    await clinic
      .getByLabel('Текст, запись 1')
      .fill('Жалобы на головную боль. Неврологический статус без особенностей.');
    await check(clinic, 'docs-03-clinic-answer-form');
    // The upload's progress shows while the files travel (it is gone when the answer is in).
    await clinic.evaluate(() => {
      const w = globalThis as unknown as {
        sawUpload: boolean;
        document: { body: unknown; querySelector(s: string): unknown };
        MutationObserver: new (f: () => void) => { observe(n: unknown, o: object): void };
      };
      w.sawUpload = false;
      new w.MutationObserver(() => {
        if (w.document.querySelector('[data-step="upload"] progress')) w.sawUpload = true;
      }).observe(w.document.body, { subtree: true, childList: true });
    });
    await clinic.getByRole('button', { name: 'Отправить ответ' }).click();
    await clinic.getByText('Ответ с документацией отправлен страховщику.').waitFor({ timeout: 60_000 });
    expect(await clinic.evaluate('globalThis.sawUpload'), 'the upload showed its progress').to.equal(true);
    await check(clinic, 'docs-04-clinic-answer-sent');

    // The expert, still on the act: the answer arrives, the act cites it and line 3 is reopened.
    const cited = docs.locator('[data-cited-doc]');
    await cited.first().waitFor({ timeout: 60_000 });
    const after = await act();
    answerId = (await cited.first().getAttribute('data-cited-doc')) as string;
    expect(after.act.documentation).to.deep.equal([answerId]);
    expect(after.reopened?.map((r) => r.invoiceLineId)).to.deep.equal(['3']);
    expect(after.act.lines.find((l) => l.invoiceLineId === '3')?.decision).to.equal('PAID');
    await docs.getByText('по ней пересмотрены строки: 3').waitFor();
    await docs.locator(`[data-request="${c!.requestNumber}"] a`, { hasText: 'ответ от' }).waitFor();
    expect((await cases())[0]!.answers.map((a) => a.documentId)).to.deep.equal([answerId]);
    await check(expert, 'docs-05-act-cites-answer');
    await clinic.context().close();
    await expert.context().close();
  });

  it('the expert previews the PDF (pdf.js, page by page) and the image, and downloads the PDF byte for byte', async () => {
    expect(answerId, 'the answer arrived in the test before').to.not.equal('');
    const expert = await login('insurer', 'exp');
    await expert.getByRole('navigation').getByRole('link', { name: 'Медицинская документация' }).click();
    await expert.locator('tr', { hasText: 'ответ получен' }).first().waitFor();
    await check(expert, 'docs-06-expert-requests');
    await expert
      .getByRole('link', { name: /^ответ от/ })
      .first()
      .click();
    await expert.getByRole('heading', { name: 'Медицинская документация', level: 1 }).waitFor();
    await expert.locator('[data-record="R1"]', { hasText: 'Протокол осмотра невролога' }).waitFor();
    // Each file names the invoice lines it documents (the request's lines 1 and 2 are the invoice's 2 and 3).
    const forLines = (file: string) => expert.locator(`tr[data-file="${file}"] td`).nth(5);
    await forLines('снимок.png').filter({ hasText: /^3$/ }).waitFor();
    expect(await forLines('выписка.pdf').innerText()).to.equal('2, 3');

    await expert.getByRole('button', { name: 'Просмотр выписка.pdf' }).click();
    const box = expert.locator('[data-preview="выписка.pdf"]');
    await box.locator('[data-pdf-pages="2"]').waitFor({ timeout: 30_000 });
    const canvas = box.locator('canvas');
    // Drawn: the canvas has dark pixels (the text) on its white page.
    const inked = async () => {
      const end = Date.now() + 20_000;
      for (;;) {
        const dark = (await canvas.evaluate((c) => {
          const el = c as unknown as {
            width: number;
            height: number;
            getContext(k: '2d'): {
              getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
            };
          };
          const d = el.getContext('2d').getImageData(0, 0, el.width, el.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) if ((d[i] as number) < 100 && (d[i + 3] as number) > 0) n++;
          return n;
        })) as number;
        if (dark > 200) return dark;
        if (Date.now() > end) throw new Error(`the PDF page was not drawn (${dark} dark pixels)`);
        await expert.waitForTimeout(200);
      }
    };
    await inked();
    await check(expert, 'docs-07-pdf-preview-page-1');
    await box.getByRole('button', { name: /Следующая/ }).click();
    await box.locator('[data-pdf-page="2"]').waitFor();
    await inked();
    expect(await canvas.getAttribute('aria-label')).to.contain('Страница 2 из 2');
    await check(expert, 'docs-08-pdf-preview-page-2');

    await expert.getByRole('button', { name: 'Просмотр снимок.png' }).click();
    const img = expert.locator('[data-preview="снимок.png"] img');
    await img.waitFor();
    expect(await img.getAttribute('src')).to.match(/^blob:/);
    const width = await img.evaluate(async (el) => {
      const i = el as unknown as { decode(): Promise<void>; naturalWidth: number };
      await i.decode();
      return i.naturalWidth;
    });
    expect(width).to.be.greaterThan(100);
    await check(expert, 'docs-09-png-preview');

    const [download] = await Promise.all([
      expert.waitForEvent('download'),
      expert.getByRole('button', { name: 'Скачать выписка.pdf' }).click(),
    ]);
    expect(download.suggestedFilename()).to.equal('выписка.pdf');
    const saved = await readFile((await download.path()) as string);
    expect(sha256(saved)).to.equal(sha256(pdf));
    await expert.context().close();
  });

  it('the act sent to the clinic cites the documentation it relied on, and the clinic reads that on the act', async () => {
    expect(answerId, 'the answer arrived in the first test').to.not.equal('');
    const expert = await login('insurer', 'exp');
    await expert.getByRole('navigation').getByRole('link', { name: 'Акты экспертизы' }).click();
    await expert.getByRole('link', { name: t.story.invoiceNumber, exact: true }).click();
    await expert.locator(`[data-cited-doc="${answerId}"]`).waitFor();
    await expert.getByRole('button', { name: 'Утвердить и отправить в клинику' }).click();
    await expert.getByRole('button', { name: 'Да, утвердить и отправить' }).click();
    await expert.getByText('Акт отправлен в клинику.').waitFor();
    const sent = (
      await t
        .client('insurer')
        .call<Act & { actDocumentId: string }>('GET', `/v1/expertise-acts/${t.story.invoiceId}`)
    ).body;
    expect(sent.state).to.equal('SENT');
    const actMessageId = `${t.net.get('insurer').party.ogrn}:${sent.actDocumentId}`;
    const received = await t
      .client('clinic')
      .waitFor<{ document: { body: { documentation?: string[] } } }>(
        `/v1/documents/${encodeURIComponent(actMessageId)}`,
        (st) => st === 200,
      );
    expect(received.document.body.documentation).to.deep.equal([answerId]);
    await expert.context().close();

    const clinic = await login('clinic', 'acc');
    await clinic.goto(`${clinic.url().replace(/#.*$/, '')}#/doc/${encodeURIComponent(actMessageId)}`);
    const cites = clinic.locator('[data-act-cites]');
    await cites.waitFor({ timeout: 30_000 });
    expect(await cites.innerText()).to.contain(answerId);
    await check(clinic, 'docs-10-clinic-act-cites');
    await clinic.context().close();
  });

  it('a person without the expert role is told the documentation is the expert’s alone, and the gateway refuses them (403)', async () => {
    const operator = await login('insurer', 'op');
    const messageId = `${t.net.get('clinic').party.ogrn}:${answerId}`;
    await operator.goto(`${operator.url().replace(/#.*$/, '')}#/medical/${encodeURIComponent(messageId)}`);
    await operator.locator('[data-secret]').waitFor();
    await operator.locator('[role="alert"][data-code="FORBIDDEN_ROLE"]').waitFor();
    expect(await operator.locator('[data-files]').count()).to.equal(0);
    const status = (await operator.evaluate(
      `fetch('/v1/documents/${encodeURIComponent(messageId)}/attachments/0?inline=1').then((r) => r.status)`,
    )) as number;
    expect(status).to.equal(403);
    await check(operator, 'docs-11-refused-non-expert');
    await operator.context().close();
  });
});
