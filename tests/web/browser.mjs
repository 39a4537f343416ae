// browser.mjs RURU [SCREENSHOT_DIR] — `ruru serve` and `ruru export --html`
// in a real browser.
//
// playwright-core and axe-core (pinned in package.json / package-lock.json,
// installed by tests/web/run.sh with `npm ci`) drive Debian's
// /usr/bin/chromium.  The script prepares a throwaway workspace with the CLI
// (a session with entries of several types, Markdown artifacts that link to
// each other and embed an image, a typed note, an MDTM task, proposals),
// starts `ruru serve --port 0`, opens the printed URL and works through the
// pages as a person would: the session list, a timeline, artifacts, a
// proposal opened from the timeline, the review cards (approve / reject /
// skip by clicking, with JavaScript on, then reading the sidecars and the
// log on disk), a half-typed reason across a live update, stale and applied
// proposals, the refusal page, the task board after `ruru task status`, the
// search box, a phone-width screen, and the static export.  axe-core runs
// on every page at 390 and 1280 px, light and dark.  Screenshots of each
// page go to SCREENSHOT_DIR (default build/screenshots/), for people.
// Prints TAP; exits 1 on any failure.  The whole run is bounded (120 s),
// the browser only talks to 127.0.0.1, and the server and browser are
// always stopped at the end.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const RURU = path.resolve(process.argv[2] || 'build/ruru');
const SHOTS = path.resolve(process.argv[3] || 'build/screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const results = [];
let srv = null;
let browser = null;
let ws = null;

function check(name, ok, detail = '') {
	results.push({ name, ok: !!ok, detail });
}

function report() {
	console.log(`1..${results.length}`);
	let bad = 0;
	results.forEach((r, i) => {
		const d = r.ok ? '' : `  # ${JSON.stringify(String(r.detail)).slice(0, 300)}`;
		console.log(`${r.ok ? 'ok' : 'not ok'} ${i + 1} ${r.name}${d}`);
		if (!r.ok) bad++;
	});
	return bad;
}

async function cleanup() {
	if (browser) await browser.close().catch(() => {});
	browser = null;
	if (srv && srv.exitCode === null && srv.signalCode === null) srv.kill('SIGKILL');
	srv = null;
	if (ws) rmSync(ws, { recursive: true, force: true });
	ws = null;
}

// the whole test is bounded: past 45 s, report what we have and stop
const guard = setTimeout(async () => {
	check('the browser test finished within 120 s', false, 'timed out');
	await cleanup();
	report();
	process.exit(1);
}, 120000);

// a clean environment: no session variable, no signing key, no user config
const env = { ...process.env };
for (const k of ['ROOCOM_SESSION_ID', 'RURU_ROOT', 'RURU_FAULT', 'RURU_NOW', 'SSH_AUTH_SOCK'])
	delete env[k];
ws = mkdtempSync(path.join(tmpdir(), 'ruru-browser.'));
env.GIT_CONFIG_GLOBAL = '/dev/null';
env.GIT_CONFIG_NOSYSTEM = '1';
env.XDG_CONFIG_HOME = path.join(ws, '.userconf');

const ruru = (...args) =>
	execFileSync(RURU, args, { cwd: ws, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const write = (name, text) => writeFileSync(path.join(ws, name), text);
const read = (name) => readFileSync(path.resolve(ws, name), 'utf8');
const sidecar = (art) => read(art.replace(/\.md$/, '.toml'));

async function shot(page, name) {
	await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true }).catch(() => {});
}

// the review card of one proposal, and its form
const card = (page, art) => page.locator(`section.proposal:has(input[name="artifact"][value="${art}"])`);
const decideForm = (page, art) => page.locator(`form.decide:has(input[name="artifact"][value="${art}"])`);

// a 1x1 PNG
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

// axe-core in the page: the violations (id: nodes) at the current size and scheme
const AXE = readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), 'node_modules/axe-core/axe.min.js'), 'utf8');
const axeFindings = [];
const overflow = []; // pages wider than the screen
async function axe(page, what) {
	for (const [width, scheme] of [[1280, 'light'], [1280, 'dark'], [390, 'light'], [390, 'dark']]) {
		await page.setViewportSize({ width, height: 800 });
		await page.emulateMedia({ colorScheme: scheme });
		await page.evaluate(AXE);
		const v = await page.evaluate(async () => {
			const r = await window.axe.run(document, { resultTypes: ['violations'] });
			return r.violations.map((x) => `${x.id} (${x.impact}): ${x.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
		});
		for (const x of v) axeFindings.push(`${what} @${width} ${scheme}: ${x}`);
		const wide = await page.evaluate(() => document.documentElement.scrollWidth);
		if (wide > width) overflow.push(`${what} @${width}: ${wide} px`);
	}
	await page.setViewportSize({ width: 1100, height: 800 });
	await page.emulateMedia({ colorScheme: 'light' });
}

// a part of the walk: a failure in it is reported and the walk goes on
async function section(name, fn) {
	try {
		await fn();
	} catch (e) {
		check(`${name}: the part ran to its end`, false, e && e.stack ? e.stack.split('\n').slice(0, 2).join(' | ') : e);
	}
}

// wait until `cond` (an async function) is true, up to `ms`
async function until(cond, ms = 3000) {
	const t0 = Date.now();
	while (Date.now() - t0 < ms) {
		if (await cond().catch(() => false)) return true;
		await new Promise((r) => setTimeout(r, 100));
	}
	return false;
}

async function main() {
	mkdirSync(SHOTS, { recursive: true });
	ruru('init');
	// names as real workspaces have them: a title with a long path, a long
	// artifact name, a long task ID (nothing may push a page wider than the screen)
	const longSid = ruru('new', 'Re-investigate and fix the Mermaid diagrams in docs/reinforce_strategy_creator_for_non_experts_and_managers.md',
		'--tag', 're-investigation-of-the-documentation');
	write('summary.md', '# Summary\n');
	ruru('artifact', 'add', '--name', 'notes/benchmark_verification_executive_summary_for_everyone.md', 'summary.md');
	ruru('log', '--type', 'delegation', '--mode', 'spec-repomix', '--task', 'TASK-REPOMIX-20250503-002621-AND-SOME-MORE',
		'collect docs/reinforce_strategy_creator_for_non_experts_and_managers.md');
	ruru('task', 'new', '--type', 'bug', '--title', 'Fix the API documentation of reinforcestrategycreator_pipeline_and_its_managers');
	const sid = ruru('new', 'Browser walk', '--tag', 'web');
	ruru('log', '--type', 'note', 'First step: <b>read</b> the plan');
	ruru('log', '--type', 'decision', 'Chose the second approach', '--adr', 'docs/adr/0001-approach.md');
	ruru('log', '--type', 'error', '--source', 'pytest', 'three tests failed');
	const task = ruru('task', 'new', '--type', 'feature', '--title', 'Split the invoice table').split('\n').pop();
	ruru('log', '--type', 'result', '--outcome', 'success', '--task', task, 'the invoices are split');
	write('notes.md', '# Field notes\n\nSome *emphasis* here. See [the plan](plan/migration.md) and ' +
		'![the diagram](diagram.png).\n\n- [x] read the code\n- [ ] write the tests\n\n' +
		'[click me](javascript:alert(1)) ![remote](https://example.com/pixel.png)\n\n```\n' + 'wide '.repeat(60) + '\n```\n');
	ruru('artifact', 'add', 'notes.md');
	write('migration.md', '# Migration plan\n\nStep one.\n');
	ruru('artifact', 'add', '--name', 'plan/migration.md', 'migration.md');
	writeFileSync(path.join(ws, 'diagram.png'), PNG);
	ruru('artifact', 'add', 'diagram.png');
	const typed = ruru('artifact', 'add', '--type', 'note', '--title', 'Rollout notes');
	const propose = (name, old, neu) => {
		write(name, old);
		write(`${name}.new`, neu);
		return ruru('confirm', 'propose', '--target', name, '--content', `${name}.new`);
	};
	const artA = propose('alpha.txt', 'old alpha\n', 'new alpha\n');
	const artR = propose('beta.txt', 'old beta\n', 'new beta\n');
	const artS = propose('gamma.txt', 'old gamma\n', 'new gamma\n');
	const artP = propose('app.py', 'def f():\n    return 1\n', 'def f():\n    return 2\n\n\ndef g():\n    pass\n');
	const artStale = propose('delta.txt', 'old delta\n', 'new delta\n');
	const artApplied = propose('eps.txt', 'one\ntwo\n', 'one\nthree\n');
	const artConflict = propose('zeta.txt', 'old zeta\n', 'new zeta\n');

	srv = spawn(RURU, ['serve', '--port', '0', '--as', 'Browser Tester'],
		{ cwd: ws, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let stderr = '';
	srv.stderr.on('data', (d) => { stderr += d; });
	const url = await new Promise((resolve) => {
		const rl = createInterface({ input: srv.stdout });
		rl.once('line', (l) => resolve(l.trim()));
		srv.once('exit', () => resolve(''));
	});
	// (a URL without the prefix is still followed, so that the rest of the
	// walk reports on an older server too)
	const m = /^http:\/\/127\.0\.0\.1:(\d+)\/(?:([0-9a-f]{32})\/)?\?token=[0-9a-f]{32}$/.exec(url);
	check('serve prints its URL, under a secret 128-bit path prefix', m && m[2], url + stderr);
	if (!m) return;
	const origin = `http://127.0.0.1:${m[1]}`;
	const base = m[2] ? `${origin}/${m[2]}/` : `${origin}/`; // the application lives under a secret prefix

	browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
	const ctx = await browser.newContext({ viewport: { width: 1100, height: 800 } });
	// nothing but the server under test: every other request is refused
	const outside = [];
	await ctx.route('**/*', (route) => {
		const u = route.request().url();
		if (u.startsWith(origin + '/') || u.startsWith('file://') || u.startsWith('data:')) return route.continue();
		outside.push(u);
		return route.abort();
	});
	// another server on another port of 127.0.0.1 (a dev server): the
	// browser must not hand it ruru's cookie
	const seenCookies = [];
	const other = createServer((q, res) => { seenCookies.push(q.headers.cookie || ''); res.end('other'); });
	await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve));
	const otherUrl = `http://127.0.0.1:${other.address().port}/`;
	await ctx.route(otherUrl + '**', (route) => route.continue());
	const page = await ctx.newPage();
	page.setDefaultTimeout(5000);
	const errors = [];
	const missing = [];
	page.on('pageerror', (e) => errors.push(String(e)));
	page.on('response', (r) => { if (r.status() === 404) missing.push(r.url()); });

	const decide = async (art, button, reason) => {
		const f = decideForm(page, art);
		await f.locator('textarea').fill(reason);
		await Promise.all([page.waitForURL(/confirm\.html\?done=/), f.getByRole('button', { name: button }).click()])
			.catch(async (e) => { throw new Error(`${button}: ${page.url()} ${(await page.locator('body').innerText()).slice(0, 300)}`); });
		return page.locator('p[role="status"]').innerText().catch(() => '');
	};
	await section('the sessions page', async () => {
	// the session list
	const r = await page.goto(url);
	check('the printed URL opens the sessions page (token exchanged for a cookie)',
		r && r.ok() && page.url() === base && (await page.title()).includes('Sessions'), page.url());
	await page.goto(otherUrl);
	check('a server on another port of 127.0.0.1 does not receive the cookie',
		seenCookies.length === 1 && !seenCookies[0].includes('ruru'), seenCookies);
	other.close();
	const ctx2 = await browser.newContext();
	const again = await (await ctx2.newPage()).goto(url);
	check('the printed URL works once (another browser gets 401)', again && again.status() === 401,
		again && again.status());
	await ctx2.close();
	await page.goto(base);
	const row = page.locator('table.sessions tbody tr', { hasText: 'Browser walk' });
	check('the session is listed', (await row.count()) === 1 && (await row.innerText()).includes(sid));
	await page.waitForSelector('#live:has-text("live")', { timeout: 3000 }).catch(() => {});
	check('the live badge says the page is live', (await page.locator('#live').innerText()).includes('live'));
	const icon = await page.locator('link[rel="icon"]').getAttribute('href').catch(() => null);
	const iconRes = icon ? await page.request.get(new URL(icon, page.url()).href) : null;
	check('a favicon is built in (served, an SVG; no request for /favicon.ico)',
		iconRes && iconRes.ok() && /image\/svg\+xml/.test(iconRes.headers()['content-type'] || ''), icon);
	check('dates do not wrap', await page.locator('td[data-label="Started"]').first()
		.evaluate((e) => getComputedStyle(e).whiteSpace === 'nowrap'));
	await shot(page, '01-sessions');
	await axe(page, 'sessions');
	// a phone: the sessions as cards, nothing wider than the screen
	await page.setViewportSize({ width: 390, height: 800 });
	const phone = await page.evaluate(() => ({
		width: document.documentElement.scrollWidth,
		card: getComputedStyle(document.querySelector('table.sessions tr')).display,
	}));
	check('at 390 px the sessions are cards and nothing overflows', phone.width <= 390 && phone.card === 'block',
		JSON.stringify(phone));
	await shot(page, '01-sessions-phone');
	await page.setViewportSize({ width: 1100, height: 800 });

	});
	await section('the session page', async () => {
	// the session and its timeline
	await page.goto(base);
	await page.locator('table.sessions tbody tr', { hasText: 'Browser walk' }).getByRole('link', { name: 'Browser walk' }).click();
	await page.waitForURL(`**/sessions/${sid}/index.html`);
	const tl = page.locator('ol.timeline');
	const tlText = await tl.innerText();
	check('opening the session shows its timeline',
		tlText.includes('Chose the second approach') && tlText.includes('First step'), tlText.slice(0, 200));
	check('markup in a message is shown as text', tlText.includes('<b>read</b>') &&
		(await tl.locator('b', { hasText: 'read' }).count()) === 0);
	const colour = async (text) => tl.locator('li', { hasText: text }).first()
		.evaluate((e) => getComputedStyle(e).borderLeftColor);
	const cNote = await colour('First step'), cErr = await colour('three tests failed'),
		cOk = await colour('invoices are split'), cDec = await colour('second approach');
	check('timeline entries are coloured by type and outcome (note, error, success, decision differ)',
		new Set([cNote, cErr, cOk, cDec]).size === 4, [cNote, cErr, cOk, cDec]);
	check("an entry's ADR and source are shown",
		tlText.includes('docs/adr/0001-approach.md') && tlText.includes('pytest'), tlText.slice(0, 400));
	check('task IDs and tags are links',
		(await page.locator(`ol.timeline a[href$="tasks.html#task-${task}"]`).count()) === 1 &&
		(await page.locator('a.badge[href$="index.html?tag=web"]').count()) >= 1);
	await shot(page, '02-session');
	await axe(page, 'session');
	await page.goto(`${base}sessions/${longSid}/index.html`);
	await shot(page, '02-session-long-names');
	await axe(page, 'session with long names');
	await page.goto(`${base}sessions/${sid}/index.html`);

	});
	await section('an artifact', async () => {
	// the artifact: Markdown, links between artifacts, the image, no javascript: link
	await page.locator('ol.timeline a[href$="notes.md.html"]').first().click();
	await page.waitForURL('**/artifacts/notes.md.html');
	check('the artifact is rendered from Markdown',
		(await page.locator('h1', { hasText: 'Field notes' }).count()) === 1 &&
		(await page.locator('em', { hasText: 'emphasis' }).count()) === 1);
	const img = page.locator('article img[alt="the diagram"]');
	check('an image of the session shows (![d](diagram.png))', (await img.count()) === 1 &&
		await until(() => img.evaluate((e) => e.complete && e.naturalWidth === 1)), await img.getAttribute('src').catch(() => ''));
	check('a javascript: link is not a link', (await page.locator('a', { hasText: 'click me' }).count()) === 0 &&
		(await page.locator('article', { hasText: 'click me' }).count()) === 1);
	check('task-list checkboxes have labels',
		(await page.locator('article input[type="checkbox"]:not([aria-label])').count()) === 0 &&
		(await page.locator('article input[type="checkbox"]').count()) === 2);
	await shot(page, '03-artifact');
	await axe(page, 'artifact');
	await page.getByRole('link', { name: 'the plan' }).click();
	const planOk = await page.waitForURL('**/artifacts/plan/migration.md.html').then(() => true, () => false);
	check('a link between artifacts ([plan](plan/migration.md)) opens the other page',
		planOk && (await page.locator('h1', { hasText: 'Migration plan' }).count()) === 1, page.url());

	});
	await section('a typed artifact', async () => {
	// a typed artifact: its front matter as a table
	await page.goto(`${base}sessions/${sid}/${typed}.html`);
	const fm = page.locator('table.fm');
	check('a typed artifact shows its front matter as a table, not a paragraph',
		(await fm.locator('th', { hasText: 'session_id' }).count()) === 1 &&
		(await page.locator('article p', { hasText: 'Session Artifact' }).count()) === 0 &&
		!(await page.locator('main').innerText()).includes('+++'), await page.locator('main').innerText().catch(() => ''));
	await shot(page, '04-typed');
	await axe(page, 'typed artifact');

	});
	await section('the page of a proposal', async () => {
	// a proposal opened from the timeline: its diff, not Markdown
	await page.goto(`${base}sessions/${sid}/index.html`);
	await page.locator(`ol.timeline a[href*="CONFIRM-app.py"]`).first().click();
	await page.waitForURL('**/CONFIRM-app.py*.md.html');
	const lines = await page.locator('.diff tr.a td.c').allInnerTexts();
	check('a CONFIRM file opened from the timeline shows the proposal as its diff (indentation kept)',
		lines.includes('    return 2') && (await page.locator('.diff tr.a td.n:nth-child(2)').first().innerText()).trim() === '2',
		lines);
	await shot(page, '05-proposal');
	await axe(page, 'proposal page');

	});
	await section('the review cards', async () => {
	// the review cards
	await page.goto(base + 'confirm.html');
	check('one review card per pending proposal: one reason box, Approve, Reject, Skip',
		(await page.locator('form.decide').count()) === 7 &&
		(await decideForm(page, artA).locator('textarea').count()) === 1 &&
		(await decideForm(page, artA).getByRole('button').allInnerTexts()).join('|') === 'Approve|Reject|Skip confirmation');
	const bg = async (name) => decideForm(page, artA).getByRole('button', { name })
		.evaluate((e) => getComputedStyle(e).backgroundColor);
	check('Approve is green, Reject red', /^rgb\(26, 127, 55\)$/.test(await bg('Approve')) &&
		/^rgb\((20[0-9]|1[5-9][0-9]), 3[0-9], 4[0-9]\)$/.test(await bg('Reject')), [await bg('Approve'), await bg('Reject')]);
	await shot(page, '06-confirm');
	await axe(page, 'confirmations');

	});
	await section('a half-typed reason', async () => {
	// a half-typed reason survives a live update that brings a new proposal
	const box = decideForm(page, artR).locator('textarea');
	await box.fill('half a tho');
	await page.locator('h1').click(); // the box loses focus
	const artNew = propose('late.txt', 'late\n', 'later\n');
	const arrived = await until(async () => (await decideForm(page, artNew).count()) === 1, 4000);
	check('a live update shows a new proposal and keeps the half-typed reason',
		arrived && (await decideForm(page, artR).locator('textarea').inputValue()) === 'half a tho',
		arrived);

	});
	await section('decisions', async () => {
	// decisions with JavaScript on: the answer is seen every time
	let seen = await decide(artA, 'Approve', 'looks right');
	let sc = sidecar(artA);
	check('approve: the answer is shown', /Approved/.test(seen), seen);
	check('approve: the sidecar records the approval, the approver and the reason',
		/status = "approved"/.test(sc) && sc.includes('Browser Tester') && sc.includes('looks right'), sc);
	let log = read(`.ruru/sessions/${sid}/session_log.md`);
	check('approve: the log has confirm-request and confirm-response',
		log.includes('**confirm-request**') && log.includes('**confirm-response**') &&
		log.includes('Browser Tester'), log.slice(-400));
	check('approve: the CLI agrees', /approved/.test(ruru('confirm', 'show', artA)));
	check('approve: the card shows the recorded decision, without a form',
		(await decideForm(page, artA).count()) === 0 &&
		(await card(page, artA).count()) === 0 &&
		(await page.locator('section.proposal', { hasText: 'looks right' }).count()) === 1);
	await shot(page, '07-approved');
	seen = await decide(artR, 'Reject', 'wrong file');
	sc = sidecar(artR);
	check('reject: the answer is shown and the sidecar records it with its reason',
		/Rejected/.test(seen) && /status = "rejected"/.test(sc) && sc.includes('wrong file'), [seen, sc]);
	seen = await decide(artS, 'Skip confirmation', 'trivial whitespace change');
	sc = sidecar(artS);
	check('skip: the answer is shown and the sidecar records the rationale',
		/Skipped/.test(seen) && /status = "skipped"/.test(sc) && sc.includes('trivial whitespace change'), [seen, sc]);
	log = read(`.ruru/sessions/${sid}/session_log.md`);
	check('reject and skip are in the log', log.includes('wrong file') && log.includes('trivial whitespace change'));
	const order = await page.locator('section.proposal h2').allInnerTexts();
	check('decided proposals in time order (newest decision first)',
		order.indexOf('gamma.txt') >= 0 && order.indexOf('gamma.txt') < order.indexOf('beta.txt') &&
		order.indexOf('beta.txt') < order.indexOf('alpha.txt'), order);

	});
	await section('a refused skip', async () => {
	// skip without a rationale: not recorded, a page that says why and leads back
	await Promise.all([page.waitForNavigation(), decideForm(page, artP).getByRole('button', { name: 'Skip confirmation' }).click()]);
	check('skip without a rationale is not recorded', /status = "pending"/.test(sidecar(artP)), sidecar(artP));
	const back = page.getByRole('link', { name: /Back to the confirmations/ });
	check('the refusal says why and has a way back (and, answering a POST, no live reload)',
		(await page.locator('[role="alert"]').innerText()).includes('rationale') &&
		(await back.count()) === 1 && (await page.locator('script[src$="live.js"]').count()) === 0);
	await shot(page, '08-refused');
	await axe(page, 'refusal');
	if ((await back.count()) === 1) {
		await Promise.all([page.waitForNavigation(), back.click()]);
		check('the way back leads to the confirmations', page.url().endsWith('/confirm.html'), page.url());
	}

	});
	await section('a changed proposal', async () => {
	// a proposal changed while on screen: 409 with a way back (live updates held off)
	await page.route('**/events', (route) => route.abort());
	await page.goto(base + 'confirm.html');
	write('zeta.txt', 'changed under the reviewer\n');
	const resp = await Promise.all([page.waitForNavigation(), decideForm(page, artConflict).getByRole('button', { name: 'Approve' }).click()]);
	check('a proposal changed while shown is not approved: 409 with a way back',
		resp[0] && resp[0].status() === 409 && /status = "pending"/.test(sidecar(artConflict)) &&
		(await page.getByRole('link', { name: /Back to the confirmations/ }).count()) === 1,
		resp[0] && resp[0].status());
	await axe(page, 'conflict (409)');
	await page.unroute('**/events');

	});
	await section('stale and applied', async () => {
	// approved, then the target changes: stale; applied: the change applied
	await page.goto(base + 'confirm.html');
	await decide(artStale, 'Approve', 'fine');
	await decide(artApplied, 'Approve', 'fine too');
	write('delta.txt', 'someone edited it\n');
	ruru('confirm', 'apply', artApplied);
	await page.goto(base + 'confirm.html');
	const staleCard = page.locator('section.proposal', { has: page.locator('h2', { hasText: /^delta\.txt$/ }) });
	check('approved, then the target changed: the card says stale, and what its diff is against',
		(await staleCard.locator('.badge', { hasText: 'stale' }).count()) === 1 &&
		(await staleCard.innerText()).includes('against the target as it is now, not the one decided'),
		await staleCard.innerText().catch(() => ''));
	const appliedCard = page.locator('section.proposal', { has: page.locator('h2', { hasText: /^eps\.txt$/ }) });
	check('an applied proposal shows the change that was applied (the line it replaced too), labelled as applied',
		(await appliedCard.locator('.diff tr.a td.c', { hasText: 'three' }).count()) === 1 &&
		(await appliedCard.locator('.diff tr.d td.c', { hasText: 'two' }).count()) === 1 &&
		(await appliedCard.innerText()).includes('the change that was applied'), await appliedCard.innerText().catch(() => ''));
	await shot(page, '09-stale-applied');
	await axe(page, 'stale and applied');

	});
	await section('the task board', async () => {
	// the task board, live after `ruru task status`
	await page.goto(base + 'tasks.html');
	await page.waitForSelector('#live:has-text("live")', { timeout: 3000 }).catch(() => {});
	const col = (name) => page.locator('.board section', { has: page.locator('h2', { hasText: name }) });
	check('task cards lead with the title', (await col('To Do').locator('li', { hasText: 'Split the invoice table' })
		.locator(':scope > :first-child').innerText()) === 'Split the invoice table');
	ruru('task', 'status', task, 'in-progress');
	check('the task board updates after ruru task status',
		await until(async () => (await col('In Progress').locator('li', { hasText: 'Split the invoice table' }).count()) === 1, 4000));
	await shot(page, '10-tasks');
	await axe(page, 'tasks');

	});
	await section('search', async () => {
	// the search box: hits labelled by session title, every hit opens a page
	await page.goto(base);
	await page.getByRole('searchbox', { name: 'Search' }).fill('whitespace');
	await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Filter' }).click()]);
	const hrefs = await page.locator('ol.hits li a').evaluateAll((as) => as.map((a) => [a.href, a.innerText]));
	let broken = [];
	for (const [h] of hrefs) {
		const res = await page.request.get(h);
		if (!res.ok()) broken.push(`${res.status()} ${h}`);
	}
	check('search: hits (a log entry, a sidecar) are labelled by session title and open real pages',
		hrefs.length >= 2 && hrefs.every(([, t]) => t === 'Browser walk') && broken.length === 0 &&
		hrefs.some(([h]) => /CONFIRM-gamma\.txt-[0-9-]+\.md\.html$/.test(h)),
		JSON.stringify(hrefs) + broken.join(' '));
	await shot(page, '11-search');
	await axe(page, 'search');
	const entryHit = page.locator('ol.hits li', { hasText: 'approach' });
	await page.goto(base + 'index.html?q=approach');
	if ((await entryHit.count()) >= 1) {
		await entryHit.first().getByRole('link').click();
		await page.waitForURL(/index\.html\?line=\d+#L\d+$/);
		const target = page.locator(`li[id="${new URL(page.url()).hash.slice(1)}"]`);
		check('search: the hit opens the session at its entry',
			(await target.innerText()).includes('Chose the second approach'), page.url());
	} else check('search: the hit opens the session at its entry', false, 'no hit');

	});
	await section('live updates', async () => {
	// live update: `ruru log` in a subprocess, the open page changes within ~2 s
	await page.goto(`${base}sessions/${sid}/index.html`);
	await page.waitForSelector('#live:has-text("live")', { timeout: 3000 }).catch(() => {});
	const t0 = Date.now();
	await new Promise((resolve, reject_) => {
		const p = spawn(RURU, ['log', '--type', 'note', 'Arrived while watching'], { cwd: ws, env, stdio: 'ignore' });
		p.on('exit', (code) => (code === 0 ? resolve() : reject_(new Error(`ruru log exited ${code}`))));
	});
	const live = await page.locator('ol.timeline', { hasText: 'Arrived while watching' })
		.waitFor({ timeout: 2500 }).then(() => true, () => false);
	check('a live update: the timeline shows a new entry within ~2 s of ruru log', live,
		`${Date.now() - t0} ms`);


	});
	await section('without JavaScript', async () => {
	// the same browser's cookie, JavaScript off: a decision is recorded and
	// its answer shown; the timeline's pager is plain links
	const artN = propose('nojs.txt', 'plain\n', 'plainer\n');
	const noJs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1100, height: 800 } });
	await noJs.addCookies(await ctx.cookies());
	const p2 = await noJs.newPage();
	p2.setDefaultTimeout(5000);
	await p2.goto(base + 'confirm.html');
	const f = p2.locator(`form.decide:has(input[name="artifact"][value="${artN}"])`);
	await f.locator('textarea').fill('fine without scripts');
	await Promise.all([p2.waitForURL(/confirm\.html\?done=approve(#.*)?$/), f.getByRole('button', { name: 'Approve' }).click()])
		.catch(async (e) => { throw new Error(`${p2.url()} ${(await p2.locator('body').innerText()).slice(0, 300)}`); });
	check('without JavaScript: approve is recorded and the answer shown',
		/Approved/.test(await p2.locator('p[role="status"]').innerText()) && /status = "approved"/.test(sidecar(artN)) &&
		sidecar(artN).includes('fine without scripts'), sidecar(artN));
	await noJs.close();

	});
	await section('a long timeline', async () => {
	// 300 entries: three pages of 100, the newest shown first; the pager
	// is links; a live update keeps the page the person is on
	const LONG = 'SESSION-Long_walk-2601010000';
	mkdirSync(path.join(ws, '.ruru/sessions', LONG), { recursive: true });
	let body = `+++\nid = "${LONG}"\ntitle = "Long walk"\nstatus = "🟢 Active"\nstart_time = 2026-01-01T00:00:00Z\n` +
		'end_time = ""\ncoordinator = "x"\nrelated_tasks = []\nrelated_artifacts = []\ntags = []\n+++\n\n' +
		'# Session Log\n\n## Goal\n\n## Log Entries\n\n';
	for (let i = 0; i < 300; i++)
		body += `- [2026-01-01 00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z] **note**: walk-${String(i).padStart(3, '0')}\n`;
	write(`.ruru/sessions/${LONG}/session_log.md`, body);
	await page.goto(`${base}sessions/${LONG}/index.html`);
	const tl = page.locator('ol.timeline > li');
	check('a long timeline opens on its newest 100 entries, with the page count',
		(await tl.count()) === 100 && (await page.locator('ol.timeline').innerText()).includes('walk-299') &&
		(await page.locator('nav.pages').first().innerText()).includes('Page 3 of 3'));
	await page.locator('nav.pages').first().getByRole('link', { name: /Older/ }).click();
	await page.waitForURL(/index\.html\?page=2$/);
	check('the pager is links: Older opens page 2 (entries 101 to 200)',
		(await page.locator('ol.timeline').innerText()).includes('walk-100') &&
		!(await page.locator('ol.timeline').innerText()).includes('walk-200'));
	await shot(page, '13-long-timeline');
	await axe(page, 'long timeline');
	await page.waitForSelector('#live:has-text("live")', { timeout: 3000 }).catch(() => {});
	for (let i = 0; i < 100; i++)
		body += `- [2026-01-01 01:00:${String(i % 60).padStart(2, '0')}Z] **note**: later-${i}\n`;
	write(`.ruru/sessions/${LONG}/session_log.md`, body + '- [2026-01-01 02:00:00Z] **note**: the last one\n');
	const moved = await until(async () => (await page.locator('nav.pages').first().innerText()).includes('Page 2 of 5'), 4000);
	check('a live update keeps the page shown (page 2, now of 5) and its entries',
		moved && page.url().endsWith('?page=2') && (await page.locator('ol.timeline').innerText()).includes('walk-150'),
		await page.locator('nav.pages').first().innerText().catch(() => ''));

	});
	await section('the export', async () => {
	// the static export: CSP, absolute times, an export date, a confirmations page
	const out = path.join(ws, 'site');
	ruru('export', '--html', out);
	await page.goto('file://' + path.join(out, 'index.html'));
	const exportCsp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content').catch(() => '');
	check('the export carries a CSP meta tag (no remote images)', /img-src 'self'/.test(exportCsp || '') &&
		!/https?:/.test(exportCsp || ''), exportCsp);
	check('the export says when it was made', /Exported by ruru on \d{4}-\d\d-\d\d/.test(await page.locator('footer').innerText().catch(() => '')));
	check('the export styles its pages from file://', await page.locator('body')
		.evaluate((e) => getComputedStyle(e).maxWidth !== 'none'));
	await axe(page, 'export sessions');
	await page.goto('file://' + path.join(out, 'sessions', sid, 'index.html'));
	const exTl = await page.locator('ol.timeline').innerText();
	check('export times are absolute, not "ago"', !/ ago\b|just now/.test(exTl) && /\d\d:\d\d:\d\dZ/.test(exTl), exTl.slice(0, 200));
	await axe(page, 'export session');
	await page.goto('file://' + path.join(out, 'sessions', sid, 'artifacts', 'notes.md.html'));
	await page.waitForTimeout(200);
	check('no request left 127.0.0.1 (remote images stay unloaded)', outside.length === 0, outside.join(' '));
	check('the export has a confirmations page with the proposals',
		existsSync(path.join(out, 'confirm.html')) &&
		(await page.goto('file://' + path.join(out, 'confirm.html')).then(() => page.locator('section.proposal').count())) >= 7);
	await shot(page, '12-export-confirm');
	await axe(page, 'export confirmations');

	});
	check('no script errors on the pages', errors.length === 0, errors.join('; '));
	check('no page or resource answered 404 (favicon included)', missing.length === 0, missing.join(' '));
	check('axe-core: 0 violations at 390 and 1280 px, light and dark', axeFindings.length === 0,
		axeFindings.slice(0, 8).join(' | '));
	check('no page is wider than the screen at 390 px (long diffs and code scroll inside their box)',
		overflow.length === 0, overflow.join(' | '));

	await browser.close();
	browser = null;
	srv.kill('SIGTERM');
	const code = await new Promise((resolve) => {
		if (srv.exitCode !== null) return resolve(srv.exitCode);
		const t = setTimeout(() => resolve('still running'), 5000);
		srv.once('exit', (c) => { clearTimeout(t); resolve(c); });
	});
	check('serve stops on SIGTERM with status 0', code === 0, code);
}

let bad = 0;
try {
	await main();
} catch (e) {
	check('the browser walk ran to its end', false, e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e);
}
await cleanup();
clearTimeout(guard);
bad = report();
process.exit(bad ? 1 : 0);
