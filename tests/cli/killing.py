"""killing.py — what the kill tests (killtest.py, torn_killtest.py) share:
killing a `ruru` process mid-write, reading back what the session shows,
and the check that no acknowledged entry was lost or doubled."""
import json, signal, subprocess


def kill_if_running(p):
    """SIGKILL p if it is still running, then wait for it: (was it killed,
    did it exit 0, that is, acknowledge its write)."""
    killed = p.poll() is None
    if killed:
        p.send_signal(signal.SIGKILL)
    return killed, p.wait() == 0


def shown_messages(ruru):
    """The messages of the active session's entries, as `ruru --json show`
    gives them."""
    out = subprocess.run([ruru, "--json", "show"], capture_output=True, check=True).stdout
    return [e["message"] for e in json.loads(out)["entries"]]


def assert_kept(acked, shown, messages):
    """Every acknowledged write (acked) is among those shown, and no
    message stands twice."""
    missing = [a for a in acked if a not in shown]
    assert not missing, ("acknowledged entries lost", missing[:5])
    assert len(messages) == len(set(messages)), "an entry was doubled"
