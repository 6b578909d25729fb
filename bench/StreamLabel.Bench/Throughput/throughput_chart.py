"""Draws bench/throughput.png from one or more `streamlabel-bench throughput --json` files (labels from file names).
Run with Debian's /usr/bin/python3 (python3-matplotlib): /usr/bin/python3 throughput_chart.py OUT.png RUN.json [RUN2.json ...]"""
import json, os, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

out, runs = sys.argv[1], [(os.path.splitext(os.path.basename(p))[0], json.load(open(p))) for p in sys.argv[2:]]
bars = [("raw Kafka\nconsumer", "rawConsumerEventsPerSecond"), ("bare\nTorchSharp", "bareTorchSharpEventsPerSecond"),
        ("bare model\nbank", "bareBankEventsPerSecond"), ("PyTorch\nreference", "pyTorchEventsPerSecond"), ("end to end\n(StreamLabel)", "endToEndEventsPerSecond")]
fig, (ax, bx) = plt.subplots(1, 2, figsize=(13, 4.8), gridspec_kw={"width_ratios": [3, 2]})
width = 0.8 / len(runs)
for i, (name, r) in enumerate(runs):
    xs = [j + i * width for j in range(len(bars))]
    ys = [(r.get(key) or 0) / 1000 for _, key in bars]
    ax.bar(xs, ys, width, label=f"{name} (steps {r['batch']}/{r.get('backlogBatch', r['batch'])})")
    for x, y in zip(xs, ys):
        ax.text(x, y, f"{y:.0f}k", ha="center", va="bottom", fontsize=8)
ax.set_xticks([j + width * (len(runs) - 1) / 2 for j in range(len(bars))], [b for b, _ in bars])
ax.set_ylabel("events per second (thousands)")
ax.set_ylim(0, max((r.get(key) or 0) for _, r in runs for _, key in bars) / 1000 * 1.3)
r0 = runs[-1][1]
ax.set_title(f"{r0['keys']} keys, {r0['partitions']} partitions, MLP hidden {r0.get('hidden')}; medians of {r0.get('rounds', 1)} rounds", fontsize=10)
ax.legend(fontsize=8)
# Right: CPU microseconds per event, the figure that survives a busy shared machine.
cpu = [("raw consumer", "rawConsumerCpuMicrosPerEvent"), ("bare TorchSharp", "bareTorchSharpCpuMicrosPerEvent"),
       ("bare bank", "bareBankCpuMicrosPerEvent"), ("end to end", "endToEndCpuMicrosPerEvent")]
for i, (name, r) in enumerate(runs):
    xs = [j + i * width for j in range(len(cpu))]
    ys = [r.get(key) or 0 for _, key in cpu]
    bx.bar(xs, ys, width, label=name)
    for x, y in zip(xs, ys):
        bx.text(x, y, f"{y:.1f}", ha="center", va="bottom", fontsize=8)
bx.set_xticks([j + width * (len(runs) - 1) / 2 for j in range(len(cpu))], [c for c, _ in cpu])
bx.set_ylabel("process CPU microseconds per event")
bx.set_title("CPU per event (less noisy on a shared machine)", fontsize=10)
fig.tight_layout()
fig.savefig(out, dpi=110)
print(out)
