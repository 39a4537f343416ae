"""tap.py — the TAP lines of the raw-MCP tests here (protocol.py, v7.py,
scenario.py): `ok` prints one numbered result, `done` the plan and exits
with 1 when anything failed."""
import sys

count = 0
failed = 0


def ok(cond, name, detail=None):
    global count, failed
    count += 1
    print(f"{'ok' if cond else 'not ok'} {count} - {name}")
    if not cond:
        failed += 1
        if detail is not None:
            print("# " + repr(detail)[:2000])
    sys.stdout.flush()
    return cond


def done():
    print(f"1..{count}")
    sys.exit(1 if failed else 0)
