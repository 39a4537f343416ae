// client.mjs — drive `ruru mcp` with the official MCP TypeScript SDK client
// (a client nobody here wrote) through a whole session, and check the files
// on disk after each step.  Prints TAP.
//
//   RURU=build/ruru node tests/mcp/client.mjs
import fs from 'node:fs';
import path from 'node:path';
import { connect, finish, ok, run, workspace } from './tap.mjs';

const w = workspace('ruru-mcp-');
const { ws, cli } = w;

const read = (rel) => fs.readFileSync(path.join(ws, rel), 'utf8');
const exists = (rel) => fs.existsSync(path.join(ws, rel));

async function rpcError(promise) {
	try {
		await promise;
		return null;
	} catch (e) {
		return e;
	}
}

async function main() {
	w.init();
	fs.mkdirSync(path.join(ws, 'src'));
	fs.writeFileSync(path.join(ws, 'src/app.txt'), 'old line\n');
	fs.writeFileSync(
		path.join(ws, '.ruru/tasks/TASK-DEV-1.md'),
		'+++\nid = "TASK-DEV-1"\ntitle = "Implement login"\nstatus = "🟡 To Do"\n+++\n\n# Implement login\n'
	);

	const server = await connect(w, 'ruru-test');
	const { client } = server;

	const info = client.getServerVersion();
	ok(info && info.name === 'ruru', 'initialize: serverInfo names ruru', info);
	const caps = client.getServerCapabilities();
	ok(caps && caps.tools && caps.prompts && caps.resources, 'capabilities: tools, prompts, resources', caps);

	// tools/list: every tool of doc/design.md §12, with schemas.
	const { tools } = await client.listTools();
	const names = tools.map((t) => t.name);
	const want = {
		session_new: ['goal', 'description', 'coordinator', 'tags'],
		session_log: ['session', 'type', 'message', 'mode', 'task', 'artifact', 'adr', 'outcome', 'source'],
		session_set_status: ['session', 'status', 'reason'],
		session_list: ['status', 'tag', 'limit'],
		session_show: ['session', 'entries'],
		session_continue: ['session', 'max_chars'],
		artifact_add: ['session', 'name', 'content'],
		artifact_list: ['session'],
		task_link: ['session', 'task'],
		confirm_propose: ['session', 'target', 'content', 'diff'],
		confirm_decide: ['artifact', 'decision', 'reason'],
		confirm_delegate: ['artifact', 'to', 'task'],
		confirm_apply: ['artifact', 'force'],
		confirm_list: ['session', 'status'],
	};
	for (const [tool, args] of Object.entries(want)) {
		const t = tools.find((x) => x.name === tool);
		ok(
			t &&
				t.description &&
				t.annotations &&
				args.every((a) => a in t.inputSchema.properties && t.inputSchema.properties[a].description),
			`tools/list has ${tool} with its described arguments and annotations`,
			t
		);
	}
	const size = Buffer.byteLength(JSON.stringify({ tools }));
	// The whole list (every toolset): with the tools, 80 arguments, a type on
	// every argument (Gemini CLI drops a tool with an untyped one), the
	// library's enums and annotations stating openWorldHint false, the list
	// with every description emptied is already ~8.7 KB (bench/mcp.sh
	// prints it), so the budget is 12 KB; descriptions stay terse.
	ok(size < 12288, `tools/list result is under 12 KB (${size} bytes)`);
	ok(names.length === new Set(names).size, 'tool names are unique', names);

	const results = []; // [tool, result] of every call that succeeded
	const call = async (name, args) => {
		const r = await client.callTool({ name, arguments: args });
		if (!r.isError)
			results.push([name, r]);
		return r;
	};

	// session_new
	let r = await call('session_new', { goal: 'Refactor auth', description: 'Split the module', tags: ['auth', 'mcp'] });
	const id = r.structuredContent && r.structuredContent.id;
	ok(!r.isError && /^SESSION-Refactor_auth-\d{10}(-\d+)?$/.test(id), 'session_new returns the new ID', r);
	ok(r.structuredContent.schema_version === 1, 'structuredContent carries schema_version', r);
	// doc/design.md §12: a short text rendering, not the same JSON twice
	let parsed = null;
	try { parsed = JSON.parse(r.content[0].text); } catch { /* text, as it should be */ }
	ok(parsed === null && r.content[0].text === `Started ${id} (active).\n`,
		'text content is a short rendering naming the new ID, not the JSON', r);
	const log = `.ruru/sessions/${id}/session_log.md`;
	ok(exists(log) && /tags = \["auth", "mcp"\]/.test(read(log)), 'the log exists with its tags', exists(log) && read(log));
	ok(read('.ruru/sessions/.active').trim() === id, 'the new session is active');

	// session_log with a task
	r = await call('session_log', { type: 'delegation', message: 'implement login\nsecond line', mode: 'dev-python', task: 'TASK-DEV-1' });
	ok(!r.isError && r.structuredContent.type === 'delegation', 'session_log logs a delegation', r);
	ok(/related_tasks = \["TASK-DEV-1"\]/.test(read(log)), 'the delegation task is in related_tasks', read(log));
	ok(/\*\*delegation\*\*.*`TASK-DEV-1`.*implement login\n  second line/.test(read(log)),
		'the entry is on disk, second line indented', read(log));

	// artifact_add
	r = await call('artifact_add', { name: 'notes/plan.md', content: '# Plan\n\nünïcode ✓\n' });
	ok(!r.isError && r.structuredContent.path === 'artifacts/notes/plan.md', 'artifact_add returns the path', r);
	ok(read(`.ruru/sessions/${id}/artifacts/notes/plan.md`) === '# Plan\n\nünïcode ✓\n', 'the artifact holds the content byte for byte');
	r = await call('artifact_add', { name: '../escape.md', content: 'x' });
	ok(r.isError && /unsafe|\.\./.test(r.content[0].text) && !exists(`.ruru/sessions/escape.md`),
		'artifact_add refuses a path out of artifacts/ (isError)', r);
	r = await call('artifact_list', {});
	ok(!r.isError && r.structuredContent.artifacts.some((a) => a.path === 'artifacts/notes/plan.md'), 'artifact_list lists it', r);

	// task_link
	r = await call('task_link', { task: 'TASK-DEV-2' });
	ok(!r.isError && /"TASK-DEV-1", "TASK-DEV-2"/.test(read(log)), 'task_link adds to related_tasks', r);

	// confirmation: propose, apply must fail, decide, delegate, apply
	r = await call('confirm_propose', { target: 'src/app.txt', content: 'new line\n' });
	const art = r.structuredContent && r.structuredContent.artifact;
	ok(!r.isError && r.structuredContent.status === 'pending' && /CONFIRM-src_app\.txt-\d{8}-\d{6}/.test(art),
		'confirm_propose writes a pending CONFIRM artifact', r);
	ok(art && read(art) === 'new line\n', 'the CONFIRM artifact holds the payload verbatim');
	r = await call('confirm_list', { status: 'pending' });
	ok(!r.isError && r.structuredContent.confirmations.length === 1, 'confirm_list shows it pending', r);
	r = await call('confirm_apply', { artifact: art });
	ok(r.isError === true && /^ruru: /.test(r.content[0].text), 'confirm_apply before a decision is an error result', r);
	ok(read('src/app.txt') === 'old line\n', 'and the target is untouched');
	r = await call('confirm_decide', { artifact: art, decision: 'approve', reason: 'user said yes' });
	ok(!r.isError && r.structuredContent.status === 'approved', 'confirm_decide approves', r);
	r = await call('confirm_delegate', { artifact: art, to: 'dev-python', task: 'TASK-DEV-1' });
	ok(!r.isError && /User confirmed\. No re-confirm needed\./.test(r.structuredContent.message) &&
		r.structuredContent.message.includes('src/app.txt'), 'confirm_delegate returns the executor message', r);
	r = await call('confirm_apply', { artifact: art });
	ok(!r.isError && r.structuredContent.status === 'applied', 'confirm_apply applies the approved edit', r);
	ok(read('src/app.txt') === 'new line\n', 'the target has the new content');
	const body = read(log);
	ok(['confirm-request', 'confirm-response', 'delegation', 'result'].every((t) => body.includes(`**${t}**`)),
		'the log holds confirm-request, confirm-response, delegation and result', body);

	// session_show
	r = await call('session_show', { entries: 3 });
	ok(!r.isError && r.structuredContent.id === id && r.structuredContent.entries.length === 3 &&
		r.structuredContent.entry_count > 3, 'session_show returns the last N entries', r);
	r = await call('session_show', { session: id.slice(0, 16) });
	ok(!r.isError && r.structuredContent.id === id, 'a unique prefix names the session', r);

	// the same failure message as the CLI
	r = await call('session_show', { session: 'SESSION-nope' });
	const c1 = cli('show', 'SESSION-nope');
	ok(r.isError && r.content[0].text === c1.stderr.trim(), 'an unknown session: isError with the CLI message',
		{ mcp: r, cli: c1.stderr });

	// pause, refused write, continue
	r = await call('session_set_status', { status: 'paused', reason: 'lunch' });
	ok(!r.isError && r.structuredContent.status === 'paused' && /status = "⏸️ Paused"/.test(read(log)),
		'session_set_status pauses', r);
	r = await call('session_log', { message: 'too late' });
	const c2 = cli('log', 'too late');
	// The same refusal; each front end words the next step its own way.
	const libPart = (s) => s.split(';')[0];
	ok(r.isError && libPart(r.content[0].text) === libPart(c2.stderr.trim().split('\n')[0]) && c2.status === 5 &&
		/session_continue/.test(r.content[0].text) && !/ruru resume|--/.test(r.content[0].text),
		'logging to a paused session is refused like the CLI, with a hint in tool terms', { mcp: r, cli: c2.stderr });
	r = await call('session_continue', { max_chars: 4000 });
	ok(!r.isError && r.structuredContent.resumed === true && r.content[0].text.includes('Refactor auth') &&
		Buffer.byteLength(r.content[0].text) <= 4000 && r.structuredContent.digest === r.content[0].text,
		'session_continue resumes and returns the digest (as its text, and in structuredContent)', r);
	ok(/status = "🟢 Active"/.test(read(log)), 'the session is active again on disk');

	// session_list
	r = await call('session_list', { status: 'active' });
	ok(!r.isError && r.structuredContent.sessions.length === 1 && r.structuredContent.sessions[0].id === id,
		'session_list filters by status', r);

	// prompt
	const { prompts } = await client.listPrompts();
	ok(prompts.some((p) => p.name === 'continue_session' && p.arguments.some((a) => a.name === 'session' && !a.required)),
		'prompts/list has continue_session(session?)', prompts);
	const p = await client.getPrompt({ name: 'continue_session', arguments: { session: id } });
	ok(p.messages[0].role === 'user' && p.messages[0].content.text.includes(id) &&
		p.messages[0].content.text.includes('TASK-DEV-1'), 'continue_session returns the digest as a user message', p);
	let e = await rpcError(client.getPrompt({ name: 'no_such_prompt' }));
	ok(e && e.code === -32602, 'an unknown prompt is -32602', e && e.message);

	// resources
	const { resources } = await client.listResources();
	const uri = `ruru://sessions/${id}`;
	ok(resources.some((x) => x.uri === uri && x.mimeType === 'text/markdown'), 'resources/list has the session log', resources);
	const rr = await client.readResource({ uri });
	ok(rr.contents[0].text === read(log), 'resources/read returns the log as it is on disk');
	e = await rpcError(client.readResource({ uri: 'ruru://sessions/../../etc/passwd' }));
	ok(e && e.code === -32002, 'a resource outside the sessions is not found', e && e.message);

	// protocol errors through the SDK
	e = await rpcError(call('no_such_tool', {}));
	ok(e && e.code === -32602, 'an unknown tool is a -32602 protocol error', e && e.message);
	// invalid arguments: tool results with isError (MCP 2025-11-25), for the model to fix
	r = await call('session_show', { entries: 'three' });
	ok(r.isError && /"entries"/.test(r.content[0].text), 'a mistyped argument is isError naming it', r);
	r = await call('session_log', { mesage: 'typo' });
	ok(r.isError && /mesage/.test(r.content[0].text), 'an unknown argument is isError naming it', r);
	await client.ping();
	ok(true, 'ping answers after the errors');

	// doc/design.md §12: every text is a short rendering, not the JSON again, and
	// names the identifiers of its result (some clients show only the text)
	const isJson = (t) => { try { return typeof JSON.parse(t) === 'object'; } catch { return false; } };
	const keys = ['id', 'session', 'artifact', 'path', 'target', 'task', 'file'];
	const bad = results.filter(([tool, r]) => isJson(r.content[0].text) ||
		(tool !== 'session_continue' && keys.some((k) => typeof r.structuredContent[k] === 'string' &&
			!r.content[0].text.includes(r.structuredContent[k])))).map(([tool, r]) => [tool, r.content[0].text]);
	ok(results.length >= 15 && bad.length === 0,
		`every text is a rendering naming its identifiers (${results.length} results through the SDK)`, bad);

	// the whole log is valid for ruru check
	const chk = cli('check');
	ok(chk.status === 0, 'ruru check accepts the log the server wrote', chk.stderr);

	await finish(server);
}

run(w, main);
