// browser.mjs RURU [SCREENSHOT_DIR] — `ruru serve` in a real browser (issue #15).
//
// playwright-core (pinned in package.json / package-lock.json, installed by
// tests/web/run.sh with `npm ci`) drives Debian's /usr/bin/chromium.  The
// script prepares a throwaway workspace with the CLI (a session with entries,
// an artifact, three pending proposals), starts `ruru serve --port 0`, opens
// the printed URL and works through the pages as a person would: the session
// list, a session's timeline, an artifact, the search box, approving / rejecting / skipping a
// proposal by clicking (then reading the sidecars and the log on disk), and a
// live update after `ruru log` run in a subprocess.  Screenshots of each page
// go to SCREENSHOT_DIR (default build/screenshots/), for people, not asserted.
// Prints TAP; exits 1 on any failure.  The whole run is bounded (45 s), the
// browser only talks to 127.0.0.1, and the server and browser are always
// stopped at the end.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
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
	check('the browser test finished within 45 s', false, 'timed out');
	await cleanup();
	report();
	process.exit(1);
}, 45000);

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

// the decision form for one proposal on the confirmations page
function decideForm(page, art, action) {
	return page.locator(`form.decide:has(input[name="artifact"][value="${art}"])` +
		`:has(input[name="action"][value="${action}"])`);
}

async function main() {
	mkdirSync(SHOTS, { recursive: true });
	ruru('init');
	const sid = ruru('new', 'Browser walk', '--tag', 'web');
	ruru('log', '--type', 'note', 'First step: <b>read</b> the plan');
	ruru('log', '--type', 'decision', 'Chose the second approach');
	write('notes.md', '# Field notes\n\nSome *emphasis* here.\n');
	ruru('artifact', 'add', 'notes.md');
	const props = [];
	for (const name of ['alpha', 'beta', 'gamma']) {
		write(`${name}.txt`, `old ${name}\n`);
		write(`${name}.new`, `new ${name}\n`);
		props.push(ruru('confirm', 'propose', '--target', `${name}.txt`, '--content', `${name}.new`));
	}
	const [artA, artR, artS] = props;

	srv = spawn(RURU, ['serve', '--port', '0', '--as', 'Browser Tester'],
		{ cwd: ws, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let stderr = '';
	srv.stderr.on('data', (d) => { stderr += d; });
	const url = await new Promise((resolve) => {
		const rl = createInterface({ input: srv.stdout });
		rl.once('line', (l) => resolve(l.trim()));
		srv.once('exit', () => resolve(''));
	});
	const m = /^http:\/\/127\.0\.0\.1:(\d+)\/([0-9a-f]{32})\/\?token=[0-9a-f]{32}$/.exec(url);
	check('serve prints its URL', m, url + stderr);
	if (!m) return;
	const origin = `http://127.0.0.1:${m[1]}`;
	const base = `${origin}/${m[2]}/`; // the application lives under a secret prefix

	browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
	const ctx = await browser.newContext({ viewport: { width: 1100, height: 800 } });
	// nothing but the server under test: every other request is refused
	const outside = [];
	await ctx.route('**/*', (route) => {
		const u = route.request().url();
		if (u.startsWith(origin + '/')) return route.continue();
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
	page.on('pageerror', (e) => errors.push(String(e)));

	// the session list
	const r = await page.goto(url);
	check('the printed URL opens the sessions page (token exchanged for a cookie)',
		r && r.ok() && page.url() === base && (await page.title()).includes('Sessions'),
		page.url());
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
	const row = page.locator('table tbody tr', { hasText: 'Browser walk' });
	check('the session is listed', (await row.count()) === 1 && (await row.innerText()).includes(sid));
	await page.waitForSelector('#live:has-text("live")', { timeout: 3000 }).catch(() => {});
	check('the live badge says the page is live', (await page.locator('#live').innerText()).includes('live'));
	await shot(page, '01-sessions');

	// the session and its timeline
	await row.getByRole('link', { name: 'Browser walk' }).click();
	await page.waitForURL(`**/sessions/${sid}/index.html`);
	const tl = page.locator('ol.timeline');
	const tlText = await tl.innerText();
	check('opening the session shows its timeline',
		tlText.includes('Chose the second approach') && tlText.includes('First step'), tlText.slice(0, 200));
	check('markup in a message is shown as text', tlText.includes('<b>read</b>') &&
		(await tl.locator('b', { hasText: 'read' }).count()) === 0);
	await shot(page, '02-session');

	// the artifact
	await page.locator('a[href*="notes.md"]').first().click();
	await page.waitForURL('**/artifacts/notes.md.html');
	check('the artifact is rendered from Markdown',
		(await page.locator('h1', { hasText: 'Field notes' }).count()) === 1 &&
		(await page.locator('em', { hasText: 'emphasis' }).count()) === 1);
	await shot(page, '03-artifact');

	// approve by clicking
	await page.goto(base + 'confirm.html');
	check('the confirmations page offers the three proposals',
		(await page.locator('form.decide input[name="action"][value="approve"]').count()) === 3);
	await shot(page, '04-confirm');
	const approve = decideForm(page, artA, 'approve');
	await approve.locator('input[name="reason"]').fill('looks right');
	await Promise.all([page.waitForNavigation(), approve.getByRole('button', { name: 'Approve' }).click()]);
	let sc = sidecar(artA);
	check('approve: the sidecar records the approval, the approver and the reason',
		/status = "approved"/.test(sc) && sc.includes('Browser Tester') && sc.includes('looks right'), sc);
	let log = read(`.ruru/sessions/${sid}/session_log.md`);
	check('approve: the log has confirm-request and confirm-response',
		log.includes('**confirm-request**') && log.includes('**confirm-response**') &&
		log.includes('Browser Tester'), log.slice(-400));
	check('approve: the CLI agrees', /approved/.test(ruru('confirm', 'show', artA)));
	check('approve: the page no longer offers it',
		(await decideForm(page, artA, 'approve').count()) === 0 && (await decideForm(page, artR, 'reject').count()) === 1);
	await shot(page, '05-approved');

	// reject with a reason
	const reject = decideForm(page, artR, 'reject');
	await reject.locator('input[name="reason"]').fill('wrong file');
	await Promise.all([page.waitForNavigation(), reject.getByRole('button', { name: 'Reject' }).click()]);
	sc = sidecar(artR);
	check('reject: the sidecar records the rejection with its reason',
		/status = "rejected"/.test(sc) && sc.includes('wrong file'), sc);

	// skip: the rationale is required (the browser refuses an empty one)
	const skip = decideForm(page, artS, 'skip');
	await skip.getByRole('button', { name: 'Skip confirmation' }).click();
	await page.waitForTimeout(200);
	check('skip without a rationale is not sent', /status = "pending"/.test(sidecar(artS)), sidecar(artS));
	await skip.locator('input[name="reason"]').fill('trivial whitespace change');
	await Promise.all([page.waitForNavigation(), skip.getByRole('button', { name: 'Skip confirmation' }).click()]);
	sc = sidecar(artS);
	check('skip: the sidecar records the skip with its rationale',
		/status = "skipped"/.test(sc) && sc.includes('trivial whitespace change'), sc);
	log = read(`.ruru/sessions/${sid}/session_log.md`);
	check('reject and skip are in the log', log.includes('wrong file') && log.includes('trivial whitespace change'));
	await shot(page, '06-decided');

	// the search box: full-text search, a GET form, the hit links to its entry
	await page.goto(base);
	await page.getByRole('searchbox', { name: 'Search' }).fill('approach');
	await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Filter' }).click()]);
	const hitLink = page.locator('ol.hits li', { hasText: 'second approach' }).getByRole('link');
	check('search: the matching entry is listed with the match marked',
		(await hitLink.count()) === 1 && (await page.locator('ol.hits mark', { hasText: 'approach' }).count()) >= 1,
		page.url());
	await shot(page, '07-search');
	if ((await hitLink.count()) === 1) {
		await hitLink.click();
		await page.waitForURL(/index\.html#L\d+$/);
		const target = page.locator(`li[id="${new URL(page.url()).hash.slice(1)}"]`);
		check('search: the hit opens the session at its entry',
			(await target.innerText()).includes('Chose the second approach'), page.url());
	}

	// live update: `ruru log` in a subprocess, the open page changes within ~2 s
	await page.goto(`${base}sessions/${sid}/index.html`);
	await page.waitForSelector('#live:has-text("live")', { timeout: 3000 }).catch(() => {});
	const t0 = Date.now();
	await new Promise((resolve, reject_) => {
		const p = spawn(RURU, ['log', '--type', 'note', 'Arrived while watching'], { cwd: ws, env, stdio: 'ignore' });
		p.on('exit', (code) => (code === 0 ? resolve() : reject_(new Error(`ruru log exited ${code}`))));
	});
	const seen = await page.locator('ol.timeline', { hasText: 'Arrived while watching' })
		.waitFor({ timeout: 2500 }).then(() => true, () => false);
	check('a live update: the timeline shows a new entry within ~2 s of ruru log', seen,
		`${Date.now() - t0} ms`);
	await shot(page, '08-live');

	check('no script errors on the pages', errors.length === 0, errors.join('; '));
	check('no request left 127.0.0.1', outside.length === 0, outside.join(' '));

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
