// agent.mjs — what trips up an agent, through the official MCP SDK client,
// driven as a model would drive the tools: the description of a session
// started with the workspace template, artifact paths in every form, the
// digest bound (tool and prompt; whichever form a client shows), the lifecycle of continue and
// of a second session_new.  Prints TAP.
//
//   RURU=build/ruru node tests/mcp/agent.mjs
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RURU, connect, finish, ok, run, workspace } from './tap.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
// A V7 workspace session template: the spec's when it is beside the
// repository, else the repository's own (tests/fixtures/README.md).
const SPEC_TEMPLATE = path.resolve(here, '../../../shared/spec/v7/.ruru/templates/toml-md/19_mdtm_session.md');
const SESSION_TEMPLATE = fs.existsSync(SPEC_TEMPLATE) ? SPEC_TEMPLATE
	: path.resolve(here, '../fixtures/v7/toml-md/19_mdtm_session.md');
const w = workspace('ruru-mcp-agent-', '2026-11-24T03:15:20Z');
const { ws, cli, env: cleanEnv } = w;

const read = (rel) => fs.readFileSync(path.join(ws, rel), 'utf8');

async function main() {
	w.init();
	fs.mkdirSync(path.join(ws, '.ruru/templates/toml-md'), { recursive: true });
	fs.copyFileSync(SESSION_TEMPLATE, path.join(ws, '.ruru/templates/toml-md/19_mdtm_session.md'));

	const server = await connect(w, 'ruru-agent-test');
	const { client } = server;
	const call = (name, args) => client.callTool({ name, arguments: args });

	// item 1: the description reaches the log with the template
	let r = await call('session_new', { goal: 'First', description: 'Move login to JWT.\n+++ not front matter' });
	const first = r.structuredContent.id;
	ok(!r.isError && r.structuredContent.other_active === null, 'session_new: no other session active', r);
	r = await call('session_show', { session: first });
	ok(r.structuredContent.goal === 'Move login to JWT.\n+++ not front matter',
		'session_show gives the description as the goal, without escapes', r.structuredContent);

	// item 4: a second session_new says the first stays active
	const logFirst = `.ruru/sessions/${first}/session_log.md`;
	const before = read(logFirst);
	r = await call('session_new', { goal: 'Second' });
	const second = r.structuredContent.id;
	ok(!r.isError && r.structuredContent.other_active === first, 'session_new names the session that stays active', r);
	ok(read(logFirst) === before, 'the other session is left unchanged');

	// item 2: artifact paths in every form are stored relative to the session
	const sdir = path.join(ws, `.ruru/sessions/${second}`);
	fs.mkdirSync(path.join(sdir, 'artifacts/notes'), { recursive: true });
	for (const f of ['a.md', 'b.md', 'c.md', 'd.md', 'notes/e.md']) fs.writeFileSync(path.join(sdir, 'artifacts', f), f);
	const forms = [
		'artifacts/a.md',
		'b.md',
		`.ruru/sessions/${second}/artifacts/c.md`,
		path.join(sdir, 'artifacts/d.md'),
		'notes/e.md',
	];
	for (const a of forms) {
		r = await call('session_log', { type: 'artifact', artifact: a, message: `made ${path.basename(a)}` });
		ok(!r.isError, `session_log takes the artifact as ${a}`, r);
	}
	r = await call('artifact_list', {});
	const listed = r.structuredContent.artifacts.filter((x) => x.recorded).map((x) => x.path);
	ok(JSON.stringify(listed) === JSON.stringify(['artifacts/a.md', 'artifacts/b.md', 'artifacts/c.md', 'artifacts/d.md', 'artifacts/notes/e.md']) &&
		r.structuredContent.artifacts.every((x) => x.exists),
		'artifact_list shows every one as recorded and present', r.structuredContent);
	r = await call('session_log', { type: 'artifact', artifact: '../../x.md', message: 'outside' });
	ok(r.isError, 'an artifact outside the session is refused', r);
	r = await call('artifact_add', { name: 'artifacts/x.md', content: 'x' });
	ok(!r.isError && r.structuredContent.path === 'artifacts/x.md', 'artifact_add name artifacts/x.md is not doubled', r);

	// item 3: the digest bound, reaching the model in either form
	const log2 = `.ruru/sessions/${second}/session_log.md`;
	let lines = '';
	for (let i = 0; i < 5000; i++) lines += `- [2026-11-24 03:16:${String(i % 60).padStart(2, '0')}Z] **note**: entry ${i} with a few more words in it\n`;
	fs.appendFileSync(path.join(ws, log2), lines);
	r = await call('session_continue', {});
	const text = r.content.map((c) => c.text).join('');
	ok(!r.isError && Buffer.byteLength(text) <= 8000 && text.includes('older left out'),
		`session_continue: digest bounded to 8000 bytes by default (${Buffer.byteLength(text)})`, text.slice(0, 300));
	const raw = JSON.stringify(r);
	// Claude Code and VS Code show the model only structuredContent when a
	// result has it, other clients only the text: each form carries the
	// digest once, and the text is the digest itself, not the JSON.
	ok(r.structuredContent.digest === text && r.content.length === 1 &&
		raw.split('# Continuing session').length === 3,
		'session_continue: the digest once in the text and once in structuredContent', Object.keys(r.structuredContent));
	ok(r.structuredContent.entries_omitted > 4800, 'entries_omitted says how many entries were left out', r.structuredContent.entries_omitted);
	r = await call('session_continue', { max_chars: 1500 });
	ok(Buffer.byteLength(r.content[0].text) <= 1500, 'max_chars bounds it in bytes');
	const p = await client.getPrompt({ name: 'continue_session', arguments: { max_chars: '2000' } });
	ok(Buffer.byteLength(p.messages[0].content.text) <= 2000 && p.messages[0].content.text.includes(second),
		'the continue_session prompt takes max_chars', p.messages[0].content.text.length);
	const { prompts } = await client.listPrompts();
	ok(prompts[0].arguments.some((a) => a.name === 'max_chars'), 'prompts/list names max_chars', prompts);
	const p2 = await client.getPrompt({ name: 'continue_session' });
	ok(Buffer.byteLength(p2.messages[0].content.text) <= 8000, 'the prompt is bounded to 8000 bytes by default');

	// item 4: continue never reopens an ended session unless asked
	r = await call('session_set_status', { status: 'completed' });
	const done = read(log2);
	r = await call('session_continue', {});
	ok(r.isError && /completed/.test(r.content[0].text) && !/--/.test(r.content[0].text),
		'session_continue without session does not reopen a completed one', r);
	r = await call('session_continue', { session: second });
	ok(r.isError && /reopen: true/.test(r.content[0].text) && !/--reopen/.test(r.content[0].text),
		'with the session named it asks for reopen (an argument, not a CLI flag)', r);
	ok(read(log2) === done, 'the ended session is unchanged');
	r = await call('session_continue', { session: second, reopen: true });
	ok(!r.isError && r.structuredContent.reopened === true && /status = "🟢 Active"/.test(read(log2)),
		'reopen: true reopens it', r.structuredContent);

	// item 12: artifact_add carries a description, the entry names the path once
	r = await call('artifact_add', { name: 'notes/jwt.md', content: 'JWT notes\n', description: 'research on JWT' });
	const entry = read(log2).split('\n').filter((l) => l.includes('research on JWT'));
	ok(!r.isError && entry.length === 1 && entry[0].split('artifacts/notes/jwt.md').length === 2 &&
		entry[0].endsWith(': Added (10 bytes): research on JWT'), 'artifact_add description goes into the entry', entry);
	// item 12: an ambiguous session prefix names the candidates
	r = await call('session_show', { session: 'SESSION-' });
	ok(r.isError && r.content[0].text.includes(`"${first}"`) && r.content[0].text.includes(`"${second}"`),
		'an ambiguous prefix names its candidates', r);

	// Started outside any workspace, the server asks the SDK client for its
	// roots and works in the first one (the default toolset, as a host runs it).
	const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ruru-mcp-noroot-'));
	const t2 = new StdioClientTransport({ command: RURU, args: ['mcp'], cwd: outside, env: cleanEnv(), stderr: 'pipe' });
	const c2 = new Client({ name: 'ruru-roots-test', version: '1.0.0' }, { capabilities: { roots: { listChanged: true } } });
	let asked = 0;
	c2.setRequestHandler(ListRootsRequestSchema, async () => {
		asked++;
		return { roots: [{ uri: pathToFileURL(ws).href, name: 'project' }] };
	});
	await c2.connect(t2);
	for (let i = 0; i < 50 && !asked; i++) await new Promise((res) => setTimeout(res, 20));
	r = await c2.callTool({ name: 'session_new', arguments: { goal: 'Rooted' } });
	ok(asked === 1 && !r.isError && fs.existsSync(path.join(ws, '.ruru/sessions', r.structuredContent.id)) &&
		!fs.existsSync(path.join(outside, '.ruru')), 'outside any workspace it works in the client\'s first root', r);
	await c2.close();
	fs.rmSync(outside, { recursive: true, force: true });

	const chk = cli('check', path.join(ws, logFirst));
	ok(chk.status === 0, 'ruru check accepts the template log', chk.stderr);
	await finish(server);
}

run(w, main);
