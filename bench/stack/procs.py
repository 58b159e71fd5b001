"""What the stack's processes cost: CPU seconds per component, read from /proc (Linux), for bench/stack/run.py."""
from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def proc_table() -> dict[int, tuple[int, int, float, float]]:
    """pid -> (process group, parent, own CPU s, reaped children's CPU s), from /proc."""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        f = raw[raw.rindex(")") + 2:].split()
        out[int(entry)] = (int(f[2]), int(f[1]), (int(f[11]) + int(f[12])) / TICK, (int(f[13]) + int(f[14])) / TICK)
    return out


class CpuMeter:
    """CPU seconds per component, sampled every few seconds; a process that dies keeps its last sample."""

    def __init__(self, stack, cluster) -> None:
        """stack: anything with `.procs` (name -> Popen, each the leader of its process group); cluster: a
        PrivateCluster, whose postmaster and backends are counted as "postgres"."""
        self.stack, self.cluster = stack, cluster
        self.seen: dict[str, float] = {}
        self.base: dict[str, float] = {}

    def sample(self) -> None:
        procs = proc_table()
        for name, p in list(self.stack.procs.items()):
            if p.pid in procs:
                total = procs[p.pid][3] + sum(cpu for (pg, _pp, cpu, _c) in procs.values() if pg == p.pid)
                self.seen[f"{name}@{p.pid}"] = total
        try:
            master = int((self.cluster.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            master = None
        if master in procs:
            self.seen[f"postgres@{master}"] = procs[master][2] + procs[master][3] + sum(
                cpu for (_pg, pp, cpu, _c) in procs.values() if pp == master)
        t = os.times()
        self.seen["load generator (this process)@0"] = t.user + t.system

    def start(self) -> None:
        self.sample()
        self.base = dict(self.seen)

    def used(self) -> dict[str, float]:
        """CPU seconds since start(), summed per component name (worker1 and worker3 stay apart)."""
        self.sample()
        out: dict[str, float] = {}
        for key, total in self.seen.items():
            name = key.rsplit("@", 1)[0]
            out[name] = out.get(name, 0.0) + total - self.base.get(key, 0.0)
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def workers_of(master: int) -> set[int]:
    return {pid for pid, (_pg, pp, _c, _cc) in proc_table().items() if pp == master}
