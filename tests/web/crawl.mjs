// crawl.mjs RURU [DIR] — `ruru serve` on workspaces no test wrote: each
// folder of DIR that holds a .ruru/ (the compat corpus of real Roo
// Commander workspaces when it is there, else tests/fixtures/compat/) is
// copied to a scratch folder, served, and every page reachable by a link
// from the sessions page is opened in Debian's Chromium (playwright-core,
// installed by tests/web/run.sh) and checked as the browser walk checks
// its own pages: axe-core at 1280 px light and 390 px dark with 0
// violations, nothing wider than the screen, no answer of 400 or more, no
// script error.  Names, titles and logs as real agents write them are what
// found pages 1,508 px wide.  Prints TAP, one case per workspace; exits 1
// on a failure.  Bounded: 40 pages a workspace, 150 s in all; two
// workspaces at a time, each with its own server and browser context.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const here = path.dirname(new URL(import.meta.url).pathname);
const RURU = path.resolve(process.argv[2] || 'build/ruru');
let dir = process.argv[3] ? path.resolve(process.argv[3]) : '';
if (!dir || !existsSync(dir)) {
	// outside data is optional: say in one line that the repository's own workspaces stand in
	console.log(`# compat corpus: not beside the repository (${dir || 'COMPAT_DIR unset'}), crawling tests/fixtures/compat`);
	dir = path.join(here, '../fixtures/compat');
}
const AXE = readFileSync(path.join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PAGES = 40;
const results = [];
let browser = null;
const servers = new Set(), scratches = new Set();

function report() {
	console.log(`1..${results.length}`);
	let bad = 0;
	results.forEach(([name, ok, detail], i) => {
		console.log(`${ok ? 'ok' : 'not ok'} ${i + 1} ${name}${ok ? '' : '  # ' + JSON.stringify(detail).slice(0, 400)}`);
		bad += !ok;
	});
	return bad;
}

async function cleanup() {
	if (browser) await browser.close().catch(() => {});
	for (const srv of servers) if (srv.exitCode === null) srv.kill('SIGKILL');
	for (const d of scratches) rmSync(d, { recursive: true, force: true });
	browser = null;
	servers.clear();
	scratches.clear();
}

const guard = setTimeout(async () => {
	results.push(['the crawl finished within 150 s', false, 'timed out']);
	await cleanup();
	report();
	process.exit(1);
}, 150000);

const env = { ...process.env };
for (const k of ['ROOCOM_SESSION_ID', 'RURU_ROOT', 'RURU_FAULT', 'RURU_NOW']) delete env[k];

async function crawl(name, ws) {
	const srv = spawn(RURU, ['serve', '--port', '0'], { cwd: ws, env, stdio: ['ignore', 'pipe', 'ignore'] });
	servers.add(srv);
	const url = await new Promise((resolve) => {
		createInterface({ input: srv.stdout }).once('line', (l) => resolve(l.trim()));
		srv.once('exit', () => resolve(''));
	});
	if (!url) return [`${name}: ruru serve starts`, false, 'no URL'];
	const base = url.replace(/\?token=.*/, '');
	const ctx = await browser.newContext();
	const page = await ctx.newPage();
	page.setDefaultTimeout(10000);
	const problems = [];
	page.on('pageerror', (e) => problems.push(`script error: ${e}`));
	page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url().slice(base.length)}`); });
	await page.goto(url);
	const todo = [base], seen = new Set();
	while (todo.length && seen.size < PAGES) {
		const u = todo.shift();
		if (seen.has(u)) continue;
		seen.add(u);
		if (!(await page.goto(u).catch(() => null))) {
			problems.push(`no page: ${u.slice(base.length)}`);
			continue;
		}
		await page.evaluate(AXE);
		for (const [width, scheme] of [[1280, 'light'], [390, 'dark']]) {
			await page.setViewportSize({ width, height: 800 });
			await page.emulateMedia({ colorScheme: scheme });
			const v = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] }))
				.violations.map((x) => `${x.id} (${x.impact}): ${x.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`));
			for (const x of v) problems.push(`${u.slice(base.length)} @${width} ${scheme}: ${x}`);
			const wide = await page.evaluate(() => document.documentElement.scrollWidth);
			if (wide > width) problems.push(`${u.slice(base.length)} @${width}: ${wide} px wide`);
		}
		// every page of the site, once (not each filter or sort of the list)
		for (const l of await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.href))) {
			const k = l.split('#')[0];
			if (k.startsWith(base) && !seen.has(k) && !/\/files\//.test(k) && !/[?&](sort|tag|status|q|line)=/.test(k))
				todo.push(k);
		}
	}
	await ctx.close();
	srv.kill('SIGTERM');
	servers.delete(srv);
	return [`${name}: ${seen.size} pages, 0 axe violations at 1280 px light and 390 px dark, none wider ` +
		'than the screen, no error answer, no script error', problems.length === 0 && seen.size > 1, problems.slice(0, 6)];
}

try {
	browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
	const names = readdirSync(dir).filter((n) => existsSync(path.join(dir, n, '.ruru'))).sort();
	if (!names.length) results.push([`workspaces with a .ruru/ folder in ${dir}`, false, 'none']);
	// two workspaces at a time; results in name order
	const out = new Map();
	const queue = [...names];
	const worker = async () => {
		for (let name; (name = queue.shift()) !== undefined;) {
			// a copy: serving may write the index and .ruru/.gitignore
			const scratch = mkdtempSync(path.join(tmpdir(), 'ruru-crawl.'));
			scratches.add(scratch);
			execFileSync('cp', ['-r', path.join(dir, name) + '/.', scratch]);
			out.set(name, await crawl(name, scratch));
			rmSync(scratch, { recursive: true, force: true });
			scratches.delete(scratch);
		}
	};
	await Promise.all([worker(), worker()]);
	for (const name of names) if (out.has(name)) results.push(out.get(name));
} catch (e) {
	results.push(['the crawl ran to its end', false, e && e.stack ? e.stack.split('\n').slice(0, 2).join(' | ') : String(e)]);
}
await cleanup();
clearTimeout(guard);
process.exit(report() ? 1 : 0);
