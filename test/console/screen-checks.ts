// The checks the console's end-to-end suites make of a screen: a screenshot to look at with axe-core finding no serious
// violation, and the visible text (with the options a select offers) holding no Latin-script word outside what the
// page marks as identifiers.
import { expect } from 'chai';
import path from 'node:path';
import axe from 'axe-core';
import { type Page } from 'playwright-core';
import { OUT } from './browser.js';
import { latinWords } from './latin.js';

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** Saves `name`.png under test-output/console and fails on any serious or critical axe-core violation. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
  // Runtime evaluation is not subject to the page's CSP, which (rightly) forbids injected script tags.
  await page.evaluate(axe.source);
  const violations = (await page.evaluate(async () => {
    const w = globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } };
    return (await w.axe.run()).violations;
  })) as AxeViolation[];
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map(
      (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
    name,
  ).to.deep.equal([]);
}

/** The Latin-script words a person would read on the page: its text and its selects' options, less identifiers. */
export async function latinOn(page: Page): Promise<string[]> {
  // What the page marks as an identifier (a programme's code, a user name, a proposal's new field) is not a word; the
  // longest first, so «APP» does not leave the «DENT» of «APP-DENT» behind.
  const text = (await page.evaluate(
    `[...document.querySelectorAll('[data-identifier]')].map((e) => e.innerText).sort((a, b) => b.length - a.length).reduce((t, x) => t.split(x).join(' '), document.body.innerText)`,
  )) as string;
  // The values a select offers are read too: a person opens it.
  const options = (await page.evaluate(
    '[...document.querySelectorAll("option")].map((o) => o.textContent).join("\\n")',
  )) as string;
  return latinWords(text + '\n' + options);
}

/** checkScreen, and the page's visible text holding no Latin-script word. */
export async function checkRussianScreen(page: Page, name: string): Promise<void> {
  await checkScreen(page, name);
  expect(latinWords((await page.evaluate('document.body.innerText')) as string), name).to.deep.equal([]);
}
