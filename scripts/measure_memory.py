#!/usr/bin/env python3
"""Memory (PSS) of a desktop app and all its processes at rest, under Xvfb.

Usage: measure_memory.py [--runs N] [--settle S] [--ready-line TEXT] -- CMD [ARGS...]

Starts Xvfb, starts CMD on it (WEBKIT_DISABLE_COMPOSITING_MODE=1), waits for TEXT on its stderr
(or --settle seconds when no ready line is given), lets it settle, then sums Pss over the
process and all its descendants (WebKit's web and network processes) from
/proc/PID/smaps_rollup. Prints one JSON line: the median and each run, in MiB.
"""
import argparse, json, os, signal, statistics, subprocess, sys, time, threading


def descendants(root):
    children = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            ppid = int(stat[stat.rfind(")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(pid))
        except OSError:
            pass
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def free_display():
    for n in range(500, 600):
        if not os.path.exists(f"/tmp/.X{n}-lock") and not os.path.exists(f"/tmp/.X11-unix/X{n}"):
            return n
    raise SystemExit("no free X display")


def one_run(cmd, ready_line, settle, env_extra):
    n = free_display()
    xvfb = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(f"/tmp/.X11-unix/X{n}"):
                break
            time.sleep(0.1)
        env = dict(os.environ, DISPLAY=f":{n}", WEBKIT_DISABLE_COMPOSITING_MODE="1", **env_extra)
        app = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
        ready = threading.Event()

        def reader():
            for line in app.stderr:
                if ready_line and ready_line in line:
                    ready.set()
        threading.Thread(target=reader, daemon=True).start()
        if ready_line:
            if not ready.wait(60):
                raise SystemExit(f"{cmd[0]}: never printed {ready_line!r}")
        time.sleep(settle)
        pids = descendants(app.pid)
        total = sum(pss_kib(p) for p in pids)
        os.killpg(app.pid, signal.SIGKILL)
        app.wait()
        return total / 1024.0, len(pids)
    finally:
        xvfb.kill()
        xvfb.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--settle", type=float, default=5.0)
    ap.add_argument("--ready-line")
    ap.add_argument("--env", action="append", default=[], help="KEY=VALUE for the app")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    env_extra = dict(kv.split("=", 1) for kv in a.env)
    runs = [one_run(cmd, a.ready_line, a.settle, env_extra) for _ in range(a.runs)]
    print(json.dumps({"cmd": os.path.basename(cmd[0]), "median_mib": round(statistics.median(r[0] for r in runs), 1),
                      "runs_mib": [round(r[0], 1) for r in runs], "processes": runs[0][1]}))


if __name__ == "__main__":
    main()
