// tap.mjs — what the SDK-client tests here share (client.mjs, agent.mjs):
// `ok` prints one numbered TAP result; `workspace` makes the temporary
// workspace (`ruru init` run in it) with the environment ruru runs in
// there and a `cli` that runs the binary in it; `connect` starts
// `ruru mcp --toolsets all` in it through the official SDK client;
// `finish` closes the client and checks the server's stderr; `run` runs
// the test, then removes the workspace, prints the plan and exits 1 when
// anything failed.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const RURU = path.resolve(process.env.RURU || 'build/ruru');
let n = 0;
let failed = 0;

export function ok(cond, name, detail) {
	n++;
	console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${name}`);
	if (!cond) {
		failed++;
		if (detail !== undefined) console.log(`# ${JSON.stringify(detail).slice(0, 2000)}`);
	}
	return cond;
}

// A new temporary folder whose name starts with `prefix`; `now` fixes the
// clock (RURU_NOW) of every ruru run there.
export function workspace(prefix, now) {
	const ws = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	const env = () => {
		const e = { ...process.env };
		if (now) e.RURU_NOW = now;
		delete e.ROOCOM_SESSION_ID;
		delete e.RURU_ROOT;
		delete e.RURU_FAULT;
		return e;
	};
	const cli = (...args) => spawnSync(RURU, args, { cwd: ws, encoding: 'utf8', env: env() });
	const init = () => execFileSync(RURU, ['init'], { cwd: ws, env: env(), stdio: 'pipe' });
	return { ws, env, cli, init };
}

// `ruru mcp --toolsets all` in w.ws, connected as client `name`; `stderr()`
// is what the server has written there so far.
export async function connect(w, name) {
	const transport = new StdioClientTransport({
		command: RURU, args: ['mcp', '--toolsets', 'all'], cwd: w.ws, env: w.env(), stderr: 'pipe',
	});
	let stderr = '';
	transport.stderr.on('data', (d) => (stderr += d));
	const client = new Client({ name, version: '1.0.0' });
	await client.connect(transport);
	return { client, stderr: () => stderr };
}

export async function finish(c) {
	await c.client.close();
	await new Promise((res) => setTimeout(res, 200));
	ok(!/Sanitizer|runtime error/.test(c.stderr()), 'the server reported no sanitizer error', c.stderr());
}

export function run(w, main) {
	main()
		.catch((err) => ok(false, `no exception (${err && err.message})`, String(err && err.stack)))
		.finally(() => {
			fs.rmSync(w.ws, { recursive: true, force: true });
			console.log(`1..${n}`);
			process.exit(failed ? 1 : 0);
		});
}
