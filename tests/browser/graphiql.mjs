// Opens /graphiql in headless Chromium against a demo server (`serve --demo`),
// runs the first example tab (sign in as the demo learner) and checks the
// answer rendered on the page.
//
//   VOIMAVARA_URL=http://127.0.0.1:8080 node graphiql.mjs
import { chromium } from 'playwright-core';

const base = process.env.VOIMAVARA_URL ?? 'http://127.0.0.1:8080';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(`${base}/graphiql`);
  const run = page.locator('.graphiql-execute-button');
  await run.waitFor({ timeout: 30_000 });
  await run.click();
  const result = page.locator('.result-window');
  await result.getByText('accessToken').waitFor({ timeout: 30_000 });
  const text = await result.innerText();
  for (const expected of ['"login"', 'Liisa Mäkinen', '"role": "MEMBER"']) {
    if (!text.includes(expected)) {
      throw new Error(`the result pane lacks ${expected}:\n${text}`);
    }
  }
  console.log('GraphiQL ran the sign-in example and rendered the answer.');
} finally {
  await browser.close();
}
